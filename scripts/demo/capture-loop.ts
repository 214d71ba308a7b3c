/**
 * Captures the session's screen at a steady rate into a FrameTimeline, timestamped from the start, at the speed
 * and camera setting the scene step in progress asks for. Keeps the latest screen (with colours and as plain text)
 * for the scene's waits. A capture that fails (tmux gone) stops the loop; the error is reported by `latest()`.
 */
import {parseScreen} from './ansi-screen.ts';
import {gridText} from './cell-grid.ts';
import {FrameTimeline} from './frame-timeline.ts';
import type {TmuxSession} from './tmux-session.ts';

export type Screen = {readonly ansi: string; readonly text: string};

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export class CaptureLoop {
	readonly timeline = new FrameTimeline();
	/** playback speed of what is captured now (1 = real time) */
	speed = 1;
	/** false: what is captured now is left out of the recording */
	onCamera = true;
	private current: Screen | undefined;
	private failure: Error | undefined;
	private running: Promise<void> | undefined;
	private stopping = false;
	private readonly startedAt = performance.now();
	private readonly listeners = new Set<() => void>();

	constructor(
		private readonly session: TmuxSession,
		private readonly cols: number,
		private readonly rows: number,
		private readonly intervalMs = 100,
	) {}

	/** ms since the loop was made */
	now(): number {
		return performance.now() - this.startedAt;
	}

	start(): void {
		this.running ??= this.loop();
	}

	/** Takes one last capture and stops; returns when the loop has ended. */
	async stop(): Promise<void> {
		this.stopping = true;
		await this.running;
		if (this.failure === undefined) await this.captureOnce();
	}

	/** The latest screen; throws the capture's failure if the loop has stopped on one. */
	latest(): Screen | undefined {
		if (this.failure !== undefined) throw this.failure;
		return this.current;
	}

	/** Resolves after the next capture (or failure). */
	nextCapture(): Promise<void> {
		return new Promise(resolve => {
			const done = () => {
				this.listeners.delete(done);
				resolve();
			};
			this.listeners.add(done);
		});
	}

	private async loop(): Promise<void> {
		while (!this.stopping && this.failure === undefined) {
			const began = this.now();
			await this.captureOnce();
			await sleep(Math.max(0, this.intervalMs - (this.now() - began)));
		}
	}

	private async captureOnce(): Promise<void> {
		const atMs = this.now();
		try {
			const ansi = await this.session.capture();
			const text = gridText(parseScreen(ansi, this.cols, this.rows));
			this.current = {ansi, text};
			this.timeline.add({screen: ansi, atMs, speed: this.speed, onCamera: this.onCamera});
		} catch (error) {
			this.failure = new Error(`capturing the screen failed: ${(error as Error).message}`);
		}
		for (const listener of [...this.listeners]) listener();
	}
}
