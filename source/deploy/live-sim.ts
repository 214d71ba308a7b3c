/**
 * The live streams of a simulated host: container events from its own container methods, a process's log files
 * (the simulator's ProcessLog) behind the host path of the container's logs mount, and each container's stdout
 * (what `docker logs` shows: the boot banner). Everything bounded; every delivery asynchronous.
 */
import type {ProcessLog} from '../sim/logs.ts';
import {HostError, type ContainerEvent, type LogSink, type Unsubscribe} from './host.ts';
import type {DockerContainerEvent} from './live-events.ts';
import {lastLines, LineBatcher, splitLines} from './live-lines.ts';
import type {ContainerSpec} from './spec.ts';

interface Watcher {
	onEvent: (event: ContainerEvent) => void;
	onEnd: (error?: Error) => void;
	active: boolean;
}

/** The watchers of one host's events; events are delivered in order, each on a microtask. */
export class EventHub {
	private readonly watchers = new Set<Watcher>();

	get size(): number {
		return this.watchers.size;
	}

	watch(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Unsubscribe {
		const watcher: Watcher = {onEvent, onEnd, active: true};
		this.watchers.add(watcher);
		return async () => {
			watcher.active = false;
			this.watchers.delete(watcher);
		};
	}

	emit(event: DockerContainerEvent): void {
		for (const watcher of this.watchers) {
			queueMicrotask(() => {
				if (watcher.active) watcher.onEvent(event);
			});
		}
	}

	/** Every stream ends (the host was cut off). */
	endAll(error: Error): void {
		for (const watcher of [...this.watchers]) {
			this.watchers.delete(watcher);
			queueMicrotask(() => {
				if (!watcher.active) return;
				watcher.active = false;
				watcher.onEnd(error);
			});
		}
	}
}

/** Followers of line streams, so a cut host can end them all. */
export class Follows {
	private readonly open = new Map<LineBatcher, () => void>();

	get size(): number {
		return this.open.size;
	}

	add(batch: LineBatcher, stop: () => void): Unsubscribe {
		for (const [b, s] of this.open) {
			if (b.done) {
				this.open.delete(b);
				s();
			}
		}
		this.open.set(batch, stop);
		return async () => {
			this.open.delete(batch);
			batch.close();
			stop();
		};
	}

	endAll(error: Error): void {
		for (const [batch, stop] of this.open) {
			batch.end(error);
			stop();
		}
		this.open.clear();
	}
}

/**
 * A process's log file as `tail -n N -F` shows it: the last lines kept in memory, then every new one. No log: a
 * file that does not exist (nothing arrives).
 */
export function followProcessLog(log: ProcessLog | undefined, file: string, tail: number, sink: LogSink, follows: Follows): Unsubscribe {
	const batch = new LineBatcher(sink);
	if (!log) return follows.add(batch, () => {});
	batch.push(lastLines(splitLines(log.lines(file)), tail));
	const stop = log.subscribe(entry => {
		if (entry.file === file) batch.push(splitLines([entry.line]));
	});
	return follows.add(batch, stop);
}

/** Lines a container printed (stdout and stderr), the newest `capacity` kept, as Docker's json-file log keeps them. */
export class StdoutLog {
	private lines: string[] = [];
	private readonly followers = new Set<LineBatcher>();

	constructor(private readonly capacity = 1000) {}

	write(lines: readonly string[]): void {
		this.lines.push(...lines);
		if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
		for (const f of this.followers) f.push(lines);
	}

	/** The last `tail` lines, then (while `running`) every new one until the container stops. */
	follow(tail: number, sink: LogSink, follows: Follows, running: boolean): Unsubscribe {
		const batch = new LineBatcher(sink);
		batch.push(lastLines(this.lines, tail));
		if (!running) {
			batch.end();
			return async () => batch.close();
		}
		this.followers.add(batch);
		return follows.add(batch, () => this.followers.delete(batch));
	}

	/** The container stopped: `docker logs --follow` ends. */
	endFollowers(): void {
		for (const f of this.followers) f.end();
		this.followers.clear();
	}
}

/** What the image's start scripts print once the JVM is up (all `docker logs` shows of a broker or name server). */
export function bootBanner(spec: ContainerSpec, process: {addr: string; namesrvs: readonly string[]}): string[] {
	if (spec.role === 'namesrv') return ['The Name Server boot success. serializeType=JSON'];
	if (spec.role === 'broker') {
		const names = process.namesrvs.join(';');
		return [`The broker[${spec.group}, ${process.addr}] boot success. serializeType=JSON${names ? ` and name server is ${names}` : ''}`];
	}
	return [];
}

export const cutError = (host: string, reason: string): HostError => new HostError(host, 'unreachable', reason);
