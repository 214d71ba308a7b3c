/** Waiting on conditions (never sleeping instead of waiting) and probing local TCP ports, for the docker tests. */
import {createConnection, createServer} from 'node:net';

export const tick = (ms = 25) => new Promise<void>(r => setTimeout(r, ms));

/** Polls `fn` every 25 ms until it returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(what: string, ms: number, fn: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v !== undefined && v !== false) return v;
		if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		await tick();
	}
}

/** Can this machine listen on `port` on all interfaces right now? */
export function portFree(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const s = createServer();
		s.once('error', () => resolve(false));
		s.listen({port, host: '0.0.0.0', exclusive: true}, () => s.close(() => resolve(true)));
	});
}

/** Does a TCP connect to host:port succeed (within 2 s)? */
export function connects(port: number, host = '127.0.0.1'): Promise<boolean> {
	return new Promise(resolve => {
		const s = createConnection({port, host});
		s.setTimeout(2_000, () => {
			s.destroy();
			resolve(false);
		});
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}
