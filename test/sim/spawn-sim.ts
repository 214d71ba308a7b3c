/** Spawned `rmq-tui sim …` processes for tests: wait for output, signal by pid, free ports. */
import {spawn, type ChildProcess} from 'node:child_process';
import {createServer} from 'node:net';
import {fileURLToPath} from 'node:url';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import type {ClusterInfo} from '../../source/rocketmq/messages.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;

export interface SimChild {
	child: ChildProcess;
	out: () => string;
	err: () => string;
	/** Resolves with the exit code (signal → 128 + n). */
	exited: Promise<number>;
	waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
	/** Send a signal to this child (by pid) and wait for its exit code. */
	stop(signal?: NodeJS.Signals, ms?: number): Promise<number>;
}

const SIGNALS: Record<string, number> = {SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

export function spawnSim(args: string[], env: NodeJS.ProcessEnv = {}): SimChild {
	const child = spawn(NODE, ['--import', 'tsx', 'cli.tsx', 'sim', ...args], {cwd: ROOT, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let out = '';
	let err = '';
	child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
	const exited = new Promise<number>(resolve => child.once('exit', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0))));
	let done = false;
	void exited.then(() => (done = true));
	const self: SimChild = {
		child,
		out: () => out,
		err: () => err,
		exited,
		async waitFor(pattern, ms = 20_000) {
			const end = Date.now() + ms;
			for (;;) {
				const m = pattern.exec(out);
				if (m) return m;
				if (done || Date.now() > end) throw new Error(`no ${pattern} in output (exited: ${done})\nstdout: ${out}\nstderr: ${err}`);
				await sleep(20);
			}
		},
		async stop(signal = 'SIGTERM', ms = 10_000) {
			if (!done && child.pid !== undefined) process.kill(child.pid, signal);
			const timer = new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`pid ${child.pid} did not exit after ${signal}`)), ms).unref());
			return Promise.race([exited, timer]);
		},
	};
	return self;
}

export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

export function canBind(host: string, port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen({host, port, exclusive: true}, () => server.close(() => resolve(true)));
	});
}

/** A base port B such that B + every offset is free on every host (random in 20000–59999). */
export async function freeBase(offsets: readonly number[], hosts: readonly string[] = ['0.0.0.0']): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const base = 20000 + Math.floor(Math.random() * 133) * 300;
		const free = await Promise.all(hosts.flatMap(h => offsets.map(o => canBind(h, base + o))));
		if (free.every(Boolean)) return base;
	}
	throw new Error('no free ports');
}

export async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const v = await fn();
			if (v !== undefined) return v;
		} catch (error) {
			last = error;
		}
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
		await sleep(100);
	}
}

export function client(): RemotingClient {
	return new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 1000}), timeoutMs: 1000});
}

export type {ClusterInfo};
