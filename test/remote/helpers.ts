/** Shared pieces of the remote tests: a temp known_hosts, scripted prompts, a session on the test sshd. */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import type {UnknownHost} from '../../source/remote/connect.ts';
import {knownHostsFiles} from '../../source/remote/known-hosts-file.ts';
import {SshSession, type SessionEvent, type SessionOptions} from '../../source/remote/session.ts';
import type {Sshd} from '../support/sshd.ts';

export interface Prompts {
	/** Every prompt shown, with its secrecy. */
	asked: Array<{prompt: string; secret: boolean}>;
	/** Unknown hosts the user was asked about. */
	hosts: UnknownHost[];
	ask: SessionOptions['ask'];
	confirmUnknownHost: SessionOptions['confirmUnknownHost'];
}

/** Answers prompts from a list in order (undefined = cancel); host keys accepted or declined as told. */
export function prompts(answers: Array<string | undefined> = [], acceptHosts = false): Prompts {
	const queue = [...answers];
	const p: Prompts = {
		asked: [],
		hosts: [],
		ask: async (prompt, {secret}) => {
			p.asked.push({prompt, secret});
			return queue.shift();
		},
		confirmUnknownHost: async host => {
			p.hosts.push(host);
			return acceptHosts;
		},
	};
	return p;
}

export interface TempKnownHosts {
	file: string;
	dir: string;
	cleanup(): void;
}

/** A temp dir with a known_hosts file holding `lines` (none: the file does not exist). */
export function tempKnownHosts(lines?: string[]): TempKnownHosts {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-kh-'));
	const file = join(dir, 'ssh', 'known_hosts');
	if (lines) {
		mkdirSync(join(dir, 'ssh'));
		writeFileSync(file, lines.map(l => `${l}\n`).join(''));
	}
	return {file, dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

export interface TestSession {
	session: SshSession;
	events: SessionEvent[];
	prompts: Prompts;
	knownHosts: TempKnownHosts;
}

/**
 * A session to the test sshd as root with the ED25519 client key, its host key already known, no agent, no default
 * identities (`known: null`: no known_hosts file at all), 5 s connect timeout, no retries — each option overridable. Closed and cleaned up after the test.
 */
export function testSession(t: TestContext, sshd: Sshd, overrides: Partial<SessionOptions> & {known?: string[] | null; answers?: Array<string | undefined>; acceptHosts?: boolean} = {}): TestSession {
	const {known, answers, acceptHosts, ...options} = overrides;
	const knownHosts = known === null ? tempKnownHosts() : tempKnownHosts(known ?? [sshd.knownHostsLine]);
	const p = prompts(answers, acceptHosts);
	const events: SessionEvent[] = [];
	const session = new SshSession({
		target: {host: sshd.host, port: sshd.port, user: 'root', identity: sshd.keys.ed25519.path},
		ask: p.ask,
		confirmUnknownHost: p.confirmUnknownHost,
		knownHosts: knownHostsFiles({user: [knownHosts.file], global: []}),
		agent: null,
		defaultIdentities: [],
		connectTimeoutMs: 5000,
		retries: 0,
		onEvent: e => events.push(e),
		...options,
	});
	t.after(async () => {
		await session.close();
		knownHosts.cleanup();
	});
	return {session, events, prompts: p, knownHosts};
}
