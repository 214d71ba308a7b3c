/**
 * No host call may hang: every promise a real Host returns is raced against its SSH session dropping (the call's
 * channel died with it; the session reconnects for the next call) and against a deadline. A link that goes silent
 * is noticed by SSH keepalives (interval × count) and fails the calls in flight with the session's own error.
 */
import {HostError} from './host.ts';

export interface SessionEvents {
	on(listener: (event: {type: string; error?: Error}) => void): () => void;
}

/** Deadlines per method (ms); others get `default`. */
export const DEADLINES: Readonly<Record<string, number>> = {
	default: 120_000,
	loadImageArchive: 30 * 60_000,
	loadImageStream: 30 * 60_000,
	pullImage: 30 * 60_000,
	exportImage: 30 * 60_000,
	buildImage: 31 * 60_000,
	registryAnswers: 30_000,
	removeTree: 10 * 60_000,
	stopContainer: 5 * 60_000,
	restartContainer: 5 * 60_000,
};

export function guardCall<T>(host: string, what: string, call: Promise<T>, session: SessionEvents, deadlineMs: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | undefined, value?: T) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			off();
			if (error) reject(error);
			else resolve(value as T);
		};
		const timer = setTimeout(() => finish(new HostError(host, 'timeout', `${what}: no answer within ${Math.round(deadlineMs / 1000)} s`)), deadlineMs);
		const off = session.on(event => {
			if (event.type === 'retrying' || event.type === 'closed') {
				finish(new HostError(host, 'unreachable', `${what}: ${event.error?.message ?? 'the SSH connection was closed'}`));
			}
		});
		call.then(
			value => {
				// Given up on already (deadline or dropped session) but it succeeded after all: a stream it opened
				// (events, a log follow) is closed rather than left running on a connection nobody reads.
				if (settled && typeof value === 'function') void Promise.resolve((value as () => unknown)()).catch(() => undefined);
				finish(undefined, value);
			},
			(error: Error) => finish(error),
		);
	});
}

/** The same host, with every promise-returning method guarded. */
export function guarded<H extends object>(host: H & {name: string}, session: SessionEvents, deadlines: Readonly<Record<string, number>> = DEADLINES): H {
	return new Proxy(host, {
		get(target, key, receiver) {
			const value = Reflect.get(target, key, receiver) as unknown;
			if (typeof value !== 'function' || key === 'close' || typeof key !== 'string') return value;
			return (...args: unknown[]) => {
				const result = (value as (...a: unknown[]) => unknown).apply(target, args);
				if (!(result instanceof Promise)) return result;
				return guardCall(target.name, key, result, session, deadlines[key] ?? deadlines.default!);
			};
		},
	});
}
