/**
 * What the standalone name server and broker share: options, a log that never throws, binding the ports.
 */
import {between, type Clock, type Random} from './clock.ts';
import type {SimTimings} from './cluster.ts';
import {ProcessLog, type LogLevel} from './logs.ts';
import type {ProcessServers} from './server.ts';
import {EXIT_START_FAILED, StartupError} from './standalone-conf.ts';

/** ProcessLog that never throws (logback carries on when it cannot write its files). */
export function safeLog(now: () => number, dir: string | undefined): (file: string, level: LogLevel, thread: string, message: string) => void {
	let log = new ProcessLog(now, dir);
	return (file, level, thread, message) => {
		try {
			log.write(file, level, thread, message);
		} catch {
			log = new ProcessLog(now);
		}
	};
}

export interface NodeOptions {
	clock: Clock;
	random?: Random;
	timings?: Partial<SimTimings>;
	/** `~/logs/rocketmqlogs`; none → memory only. */
	logDir?: string;
	/** Bind address (4.7.1 binds every port on all interfaces). */
	bindHost?: string;
}

export const pick = (random: Random, [lo, hi]: readonly [number, number]): number => between(random, lo, hi);

export async function listenOrFail(servers: ProcessServers): Promise<void> {
	try {
		await servers.listen();
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		throw new StartupError(`java.net.BindException: ${e.code === 'EADDRINUSE' ? 'Address already in use' : e.message}`, EXIT_START_FAILED);
	}
}
