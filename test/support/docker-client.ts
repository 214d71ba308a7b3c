// The docker CLI for the test daemons (a private dockerd, a testbed host's): which binary, and an environment that
// points at one daemon's socket with a private client config (no contexts, credential helpers or TLS settings of
// the machine's user).
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {which} from './need.ts';

/** The docker CLI to use: Debian's /usr/bin/docker (same version as the daemon) when present, else PATH's. */
export function dockerCli(): string {
	if (existsSync('/usr/bin/docker')) return '/usr/bin/docker';
	const p = which('docker');
	if (p === undefined) throw new Error('docker client not found (apt-get install docker.io)');
	return p;
}

/** A private client config directory (an empty config.json): no credential helpers, contexts or settings of the user. */
export function privateClientConfig(dir: string): string {
	mkdirSync(dir, {recursive: true});
	if (!existsSync(join(dir, 'config.json'))) writeFileSync(join(dir, 'config.json'), '{}');
	return dir;
}

/** process.env aimed at the daemon on `socket`, with configDir as DOCKER_CONFIG. */
export function dockerEnv(socket: string, configDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: configDir};
	delete env.DOCKER_CONTEXT;
	delete env.DOCKER_TLS_VERIFY;
	delete env.DOCKER_CERT_PATH;
	return env;
}
