// What a testbed writes down about itself (STATE): what attachTestbed() (the CLI) and a reaper of a crashed run need.
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {BASE_DIR, STATE} from './constants.ts';
import type {TestbedHost, TestbedUser} from './types.ts';

export interface State {
	version: 1;
	hosts: TestbedHost[];
	down: string[];
	cut: string[];
	clientKey: string;
	clientPublicKey: string;
	knownHostsFile: string;
	users: TestbedUser[];
	password: string;
	tmpfs: boolean;
	/** Mount points this testbed had to create in the root filesystem (e.g. /data): removed when empty. */
	createdDirs: string[];
	/** /run/netns did not exist / was not a mount point before (`ip netns add` makes it a shared bind mount). */
	netnsDirCreated: boolean;
	netnsMountCreated: boolean;
	forwardRule: boolean;
}

export function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

export const readState = (): State | undefined => readJson<State>(STATE);

export function writeState(s: State): void {
	mkdirSync(BASE_DIR, {recursive: true});
	const tmp = `${STATE}.${process.pid}.tmp`;
	writeFileSync(tmp, JSON.stringify(s, null, 2));
	renameSync(tmp, STATE); // atomic: a reaper never reads half a state
}

/** known_hosts with every host (`10.99.0.11 ssh-ed25519 ...`). */
export function writeKnownHosts(s: State): void {
	writeFileSync(s.knownHostsFile, s.hosts.map(h => `${h.ip} ${h.hostKey}\n`).join(''));
}
