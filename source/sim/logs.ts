/**
 * Log files of the simulated processes, in 4.7.1's logback layout `%d{yyy-MM-dd HH:mm:ss,GMT+8} %p %t - %m%n`
 * (GMT+8 whatever the zone, 1 s resolution). Each process keeps its lines in a bounded in-memory ring and,
 * optionally, appends them to files under a directory, as the real `~/logs/rocketmqlogs/` holds them.
 */
import {appendFileSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/** `2026-11-25 11:37:06` for 03:37:06 UTC. */
export function logbackTime(ms: number): string {
	return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatLine(ms: number, level: LogLevel, thread: string, message: string): string {
	return `${logbackTime(ms)} ${level} ${thread} - ${message}`;
}

export interface LogEntry {
	/** Simulated epoch ms (the line itself only has 1 s resolution). */
	at: number;
	file: string;
	line: string;
}

/** One process's log files. */
export class ProcessLog {
	private readonly ring: LogEntry[] = [];
	private readonly listeners = new Set<(entry: LogEntry) => void>();
	private created = false;

	constructor(
		private readonly now: () => number,
		/** Directory to append the files to; none → memory only. */
		private readonly dir?: string,
		private readonly capacity = 5000,
	) {}

	write(file: string, level: LogLevel, thread: string, message: string): void {
		const at = this.now();
		const line = formatLine(at, level, thread, message);
		this.ring.push({at, file, line});
		if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
		for (const listener of this.listeners) listener({at, file, line});
		if (this.dir !== undefined) {
			if (!this.created) {
				mkdirSync(this.dir, {recursive: true});
				this.created = true;
			}
			appendFileSync(join(this.dir, file), `${line}\n`);
		}
	}

	/** Lines (multi-line entries kept whole), optionally of one file. */
	lines(file?: string): string[] {
		return this.ring.filter(e => file === undefined || e.file === file).map(e => e.line);
	}

	entries(): readonly LogEntry[] {
		return this.ring;
	}

	/** Calls `listener` with every line written from now on (a `tail -F`); returns the unsubscribe function. */
	subscribe(listener: (entry: LogEntry) => void): () => void {
		this.listeners.add(listener);
		return () => void this.listeners.delete(listener);
	}
}

export const BROKER_LOG = 'broker.log';
export const BROKER_DEFAULT_LOG = 'broker_default.log';
export const NAMESRV_LOG = 'namesrv.log';
