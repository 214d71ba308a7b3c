/**
 * Time for the simulator. Every model reads time and sets timers through a Clock, in SIMULATED milliseconds
 * (epoch ms), so the same election logic runs with the real DLedger timer values either instantly on a virtual
 * clock (discrete events) or in real time, optionally sped up, on real sockets.
 */

export type TimerId = number;

export interface Clock {
	/** Simulated epoch milliseconds. */
	now(): number;
	/** Run fn after ms simulated milliseconds. */
	setTimer(ms: number, fn: () => void): TimerId;
	clearTimer(id: TimerId): void;
}

export {seededRandom, type Random} from '../util/random.ts';
import type {Random} from '../util/random.ts';

/** A uniform value in [lo, hi). */
export const between = (random: Random, lo: number, hi: number): number => lo + (hi - lo) * random();

interface Scheduled {
	at: number;
	seq: number;
	id: TimerId;
	fn: () => void;
}

/** The log time of the fixtures' failover trial 1 (03:36:56 UTC), a convenient default start. */
export const FIXTURE_EPOCH_MS = Date.UTC(2026, 10, 25, 3, 36, 56);

/** Discrete-event clock: nothing happens until advance()/runUntil(). Events at equal times run in scheduling order. */
export class VirtualClock implements Clock {
	private time: number;
	private seq = 0;
	private nextId = 1;
	private heap: Scheduled[] = [];
	private cancelled = new Set<TimerId>();

	constructor(startMs: number = FIXTURE_EPOCH_MS) {
		this.time = startMs;
	}

	now(): number {
		return this.time;
	}

	setTimer(ms: number, fn: () => void): TimerId {
		const id = this.nextId++;
		this.push({at: this.time + Math.max(0, ms), seq: this.seq++, id, fn});
		return id;
	}

	clearTimer(id: TimerId): void {
		this.cancelled.add(id);
	}

	/** Timers still scheduled (cancelled ones may be counted until they are reached). */
	get pending(): number {
		return this.heap.length;
	}

	/** Run every event due within the next ms, then stand at now + ms. */
	advance(ms: number): void {
		const end = this.time + ms;
		while (this.heap.length > 0 && this.heap[0]!.at <= end) this.step();
		this.time = end;
	}

	/**
	 * Run events one at a time until pred() holds (checked before the first and after every event) or maxMs of
	 * simulated time pass. Returns whether pred held; the clock stops at the event that made it hold.
	 */
	runUntil(pred: () => boolean, maxMs = 10 * 60_000): boolean {
		const end = this.time + maxMs;
		if (pred()) return true;
		while (this.heap.length > 0 && this.heap[0]!.at <= end) {
			this.step();
			if (pred()) return true;
		}
		this.time = end;
		return false;
	}

	private step(): void {
		const next = this.pop();
		if (this.cancelled.delete(next.id)) return;
		this.time = next.at;
		next.fn();
	}

	private less(a: Scheduled, b: Scheduled): boolean {
		return a.at < b.at || (a.at === b.at && a.seq < b.seq);
	}

	private push(item: Scheduled): void {
		const h = this.heap;
		h.push(item);
		for (let i = h.length - 1; i > 0; ) {
			const parent = (i - 1) >> 1;
			if (!this.less(h[i]!, h[parent]!)) break;
			[h[i], h[parent]] = [h[parent]!, h[i]!];
			i = parent;
		}
	}

	private pop(): Scheduled {
		const h = this.heap;
		const top = h[0]!;
		const last = h.pop()!;
		if (h.length > 0) {
			h[0] = last;
			for (let i = 0; ; ) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
				if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
				if (m === i) break;
				[h[i], h[m]] = [h[m]!, h[i]!];
				i = m;
			}
		}
		return top;
	}
}

/**
 * Real time. With scale > 1 simulated time runs faster: a 2000 ms heartbeat fires after 2000/scale real ms and
 * now() advances scale ms per real ms (from startMs, by default the real epoch time).
 */
export class RealClock implements Clock {
	private readonly realStart = performance.now();
	private readonly timers = new Map<TimerId, NodeJS.Timeout>();
	private nextId = 1;
	readonly scale: number;
	private readonly startMs: number;

	constructor(options: {scale?: number; startMs?: number} = {}) {
		this.scale = options.scale ?? 1;
		this.startMs = options.startMs ?? Date.now();
		if (!(this.scale > 0)) throw new RangeError('scale must be > 0');
	}

	now(): number {
		return Math.floor(this.startMs + (performance.now() - this.realStart) * this.scale);
	}

	setTimer(ms: number, fn: () => void): TimerId {
		const id = this.nextId++;
		const handle = setTimeout(() => {
			this.timers.delete(id);
			fn();
		}, Math.max(0, ms) / this.scale);
		this.timers.set(id, handle);
		return id;
	}

	clearTimer(id: TimerId): void {
		const handle = this.timers.get(id);
		if (handle) clearTimeout(handle);
		this.timers.delete(id);
	}

	/** Cancel every timer (for shutdown). */
	clearAll(): void {
		for (const handle of this.timers.values()) clearTimeout(handle);
		this.timers.clear();
	}
}

/**
 * The timers of one process (a JVM): paused → nothing fires (due callbacks wait and run on resume, in order, as
 * a thawed JVM catches up); clearAll() (kill/stop) drops them all.
 */
export class ProcessTimers {
	private readonly live = new Set<TimerId>();
	private deferred: Array<() => void> = [];
	private paused = false;

	constructor(private readonly clock: Clock) {}

	get isPaused(): boolean {
		return this.paused;
	}

	after(ms: number, fn: () => void): TimerId {
		const id = this.clock.setTimer(ms, () => {
			this.live.delete(id);
			if (this.paused) this.deferred.push(fn);
			else fn();
		});
		this.live.add(id);
		return id;
	}

	cancel(id: TimerId | undefined): void {
		if (id === undefined) return;
		this.clock.clearTimer(id);
		this.live.delete(id);
	}

	/** Work that arrives from outside (a delivered message): runs now, or on resume if paused. */
	run(fn: () => void): void {
		if (this.paused) this.deferred.push(fn);
		else fn();
	}

	pause(): void {
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		const due = this.deferred;
		this.deferred = [];
		for (const fn of due) {
			if (this.paused) this.deferred.push(fn);
			else fn();
		}
	}

	clearAll(): void {
		for (const id of this.live) this.clock.clearTimer(id);
		this.live.clear();
		this.deferred = [];
		this.paused = false;
	}
}
