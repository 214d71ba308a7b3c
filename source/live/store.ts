/**
 * The pane's state as the view reads it (`get`, `subscribe`), folded by the pure reducer, with frames paced: data
 * at most once per frame time (log lines wait in a batch until then), a key's frame at once. Whoever owns the store
 * hears of every change with the state before it (`onChange`), to react to it (follow the new selection…).
 */
import {containerKey} from '../drill/target.ts';
import {paneReducer, type PaneEvent, type PaneState} from './model.ts';
import {FRAME_MS, frameDelay} from './throttle.ts';

export class PaneStore {
	private state: PaneState;
	private readonly listeners = new Set<() => void>();
	private lastFrameAt: number | undefined;
	private frameTimer: ReturnType<typeof setTimeout> | undefined;
	private dirty = false;
	private closed = false;
	private readonly pending = new Map<string, {host: string; container: string; lines: string[]}>();

	constructor(
		initial: PaneState,
		private readonly onChange: (before: PaneState) => void,
		private readonly frameMs = FRAME_MS,
	) {
		this.state = initial;
	}

	readonly get = (): PaneState => this.state;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** Folds an event in; it is drawn with the next frame. */
	readonly apply = (event: PaneEvent): void => {
		const before = this.state;
		this.state = paneReducer(this.state, event);
		if (this.state !== before) {
			this.onChange(before);
			this.schedule();
		}
	};

	/** Takes the state a key led to, and draws it at once. */
	replace(state: PaneState): void {
		const before = this.state;
		this.state = state;
		if (state !== before) this.onChange(before);
		this.draw();
	}

	/** A frame now, with the lines still waiting. */
	draw(): void {
		this.flushLines();
		this.emit();
	}

	/** Log lines of a container, batched until the next frame. */
	readonly push = (host: string, container: string, lines: readonly string[]): void => {
		if (this.closed || lines.length === 0) return;
		const key = containerKey(host, container);
		const entry = this.pending.get(key);
		if (entry) entry.lines.push(...lines);
		else this.pending.set(key, {host, container, lines: [...lines]});
		this.schedule();
	};

	/** The waiting lines go into the state now (before a frame, or before a container's tail starts over). */
	flushLines(): void {
		if (this.pending.size === 0) return;
		const batches = [...this.pending.values()];
		this.pending.clear();
		this.apply({type: 'log-lines', batches});
	}

	/** No frame after this. */
	close(): void {
		this.closed = true;
		clearTimeout(this.frameTimer);
	}

	private emit(): void {
		this.lastFrameAt = performance.now();
		this.dirty = false;
		for (const l of this.listeners) l();
	}

	/** A frame now if one frame's time has passed since the last, else at the next frame. */
	private schedule(): void {
		this.dirty = true;
		if (this.frameTimer !== undefined || this.closed) return;
		this.frameTimer = setTimeout(() => {
			// Lines flushed here schedule nothing more: this frame draws them.
			this.flushLines();
			this.frameTimer = undefined;
			if (this.dirty) this.emit();
		}, frameDelay(performance.now(), this.lastFrameAt, this.frameMs));
	}
}
