// Running commands for the test harness: run() captures output and resolves with the exit code; runOk() rejects on
// a non-zero one; runSync()/runSyncOk() are their synchronous forms (the system sbin directories first in PATH).
import {spawn, spawnSync} from 'node:child_process';
import {createReadStream} from 'node:fs';
import {SYS_PATH} from './processes.ts';

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	/** Bytes written to the command's stdin. */
	input?: string | Buffer;
	/** A file streamed to the command's stdin (e.g. a tarball for `docker import -`). */
	stdinFile?: string;
	/** Kill the command after this long and reject (default 120 s). */
	timeoutMs?: number;
	/** Extra environment (merged over envAll). */
	env?: Record<string, string>;
}

const signalNumber: Record<string, number> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

/** process.env with the system sbin directories first in PATH. */
export const sysEnv = (): NodeJS.ProcessEnv => ({...process.env, PATH: `${SYS_PATH}:${process.env.PATH ?? ''}`});

/** Run a command, capture output; resolves with the exit code (signal → 128+n). */
export function run(cmd: string, args: string[], opts: RunOptions & {envAll?: NodeJS.ProcessEnv} = {}): Promise<RunResult> {
	const timeoutMs = opts.timeoutMs ?? 120_000;
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			env: {...(opts.envAll ?? process.env), ...opts.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (b: Buffer) => out.push(b));
		child.stderr.on('data', (b: Buffer) => err.push(b));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${Buffer.concat(err).toString()}`));
		}, timeoutMs);
		child.on('error', e => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				code: code ?? 128 + (signal ? (signalNumber[signal] ?? 0) : 0),
				stdout: Buffer.concat(out).toString(),
				stderr: Buffer.concat(err).toString(),
			});
		});
		child.stdin.on('error', () => {}); // EPIPE when the command exits early: its exit code tells
		if (opts.stdinFile !== undefined) {
			const src = createReadStream(opts.stdinFile);
			src.on('error', e => {
				child.kill('SIGKILL');
				reject(e);
			});
			src.pipe(child.stdin);
		} else {
			child.stdin.end(opts.input ?? '');
		}
	});
}

/** run() with the system PATH that rejects on a non-zero exit; resolves with stdout (default timeout 60 s). */
export async function runOk(cmd: string, args: string[], opts: {input?: string; timeoutMs?: number} = {}): Promise<string> {
	const r = await run(cmd, args, {input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000, envAll: sysEnv()});
	if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.code}: ${r.stderr.trim()}`);
	return r.stdout;
}

/** Synchronous command; returns the exit status (never throws). */
export function runSync(cmd: string, args: string[], input?: string): {code: number; out: string; err: string} {
	const r = spawnSync(cmd, args, {encoding: 'utf8', input, env: sysEnv(), maxBuffer: 64 * 1024 * 1024});
	return {code: r.status ?? (r.error ? 127 : 128), out: r.stdout ?? '', err: r.stderr ?? (r.error?.message ?? '')};
}

/** runSync() that throws on a non-zero exit (`what` names the step); returns stdout. */
export function runSyncOk(cmd: string, args: string[], input?: string, what?: string): string {
	const r = runSync(cmd, args, input);
	if (r.code !== 0) throw new Error(`${what === undefined ? '' : `${what}: `}${cmd} ${args.join(' ')} → exit ${r.code}: ${r.err.trim()}`);
	return r.out;
}
