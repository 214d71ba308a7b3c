// Debian 12's docker-compose (Compose v1, 1.29.2 — the only Compose Debian ships; `docker compose` v2 is absent).
//
//   composeConfig(file)            `docker-compose -f FILE config`: validates and normalises; needs no daemon
//   compose(d, file, ['up', '-d']) runs against a private dockerd (DOCKER_HOST from d.env)
import {dirname} from 'node:path';
import type {Dockerd} from './dockerd.ts';
import {run} from './dockerd.ts';
import {which} from './need.ts';

export interface ComposeResult {
	ok: boolean;
	code: number;
	stdout: string;
	stderr: string;
}

export interface ComposeOptions {
	/** Project name (-p). Default: docker-compose's own (the file's directory name). */
	project?: string;
	/** More files merged over the first (-f each), e.g. a test-only override. */
	overrides?: string[];
	/** Extra environment. */
	env?: Record<string, string>;
	timeoutMs?: number;
}

function composeBin(): string {
	const p = which('docker-compose');
	if (p === undefined) throw new Error('docker-compose not found (apt-get install docker-compose)');
	return p;
}

// no colours, no progress bars, no interactive prompts, no update/telemetry checks
const quietEnv: Record<string, string> = {
	COMPOSE_INTERACTIVE_NO_CLI: '1',
	NO_COLOR: '1',
	COMPOSE_DOCKER_CLI_BUILD: '0',
};

function baseArgs(file: string, opts: ComposeOptions): string[] {
	return [
		'--ansi',
		'never',
		'-f',
		file,
		...(opts.overrides ?? []).flatMap(o => ['-f', o]),
		...(opts.project !== undefined ? ['-p', opts.project] : []),
		'--project-directory',
		dirname(file),
	];
}

/** `docker-compose -f FILE config` (Compose v1 validates the schema and interpolation; no daemon involved). */
export async function composeConfig(file: string, opts: ComposeOptions = {}): Promise<ComposeResult> {
	const env: NodeJS.ProcessEnv = {...process.env};
	// `config` never needs a daemon: make sure it cannot reach (or wait for) one by accident
	env.DOCKER_HOST = 'unix:///nonexistent/rmq-tui-compose-config.sock';
	const r = await run(composeBin(), [...baseArgs(file, opts), 'config'], {
		envAll: env,
		env: {...quietEnv, ...opts.env},
		timeoutMs: opts.timeoutMs ?? 60_000,
	});
	return {ok: r.code === 0, ...r};
}

/** docker-compose -f FILE ARGS... against the private daemon d. */
export async function compose(
	d: Dockerd,
	file: string,
	args: string[],
	opts: ComposeOptions = {},
): Promise<ComposeResult> {
	const r = await run(composeBin(), [...baseArgs(file, opts), ...args], {
		envAll: d.env,
		env: {...quietEnv, ...opts.env},
		timeoutMs: opts.timeoutMs ?? 120_000,
	});
	return {ok: r.code === 0, ...r};
}

/** Like compose() but rejects with stderr on failure; resolves with stdout. */
export async function composeOk(d: Dockerd, file: string, args: string[], opts: ComposeOptions = {}): Promise<string> {
	const r = await compose(d, file, args, opts);
	if (!r.ok) throw new Error(`docker-compose -f ${file} ${args.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
	return r.stdout;
}
