/**
 * Captured screens in time: each capture is timestamped; a capture identical to the one before only makes that
 * frame last longer. At the end every frame gets its duration — until the next capture, divided by the speed it
 * was captured at (a scene may fast-forward a wait), at most `maxFrameMs` — and frames captured off camera are
 * left out.
 */
export type Capture = {
	readonly screen: string;
	readonly atMs: number;
	/** 1 = real time; 4 = plays four times faster */
	readonly speed: number;
	readonly onCamera: boolean;
};

export type TimedScreen = {
	readonly screen: string;
	readonly durationMs: number;
};

export class FrameTimeline {
	private readonly captures: Capture[] = [];

	/** How many distinct captures were kept so far. */
	get length(): number {
		return this.captures.length;
	}

	add(capture: Capture): void {
		const last = this.captures.at(-1);
		if (last !== undefined && capture.atMs < last.atMs) throw new Error(`capture at ${capture.atMs} ms comes before the last one (${last.atMs} ms)`);
		if (last !== undefined && last.screen === capture.screen && last.speed === capture.speed && last.onCamera === capture.onCamera) return;
		this.captures.push(capture);
	}

	/** The frames to show, the last one lasting until `endMs`. */
	frames(endMs: number, maxFrameMs: number): TimedScreen[] {
		const out: {screen: string; durationMs: number}[] = [];
		this.captures.forEach((c, i) => {
			if (!c.onCamera) return;
			const until = this.captures[i + 1]?.atMs ?? Math.max(endMs, c.atMs);
			const durationMs = (until - c.atMs) / c.speed;
			const last = out.at(-1);
			if (last !== undefined && last.screen === c.screen) last.durationMs += durationMs;
			else out.push({screen: c.screen, durationMs});
		});
		return out.filter(f => f.durationMs > 0).map(f => ({screen: f.screen, durationMs: Math.min(f.durationMs, maxFrameMs)}));
	}
}

/**
 * Turns frame durations (ms) into GIF delays (hundredths of a second), rounded on the running total so that
 * rounding errors do not add up; at least 2 (browsers play 0 and 1 as 10).
 */
export class DelayClock {
	private static readonly MIN_DELAY_CS = 2;
	private totalMs = 0;
	/** hundredths of a second handed out so far */
	shownCs = 0;

	delayCs(durationMs: number): number {
		this.totalMs += durationMs;
		const delay = Math.max(DelayClock.MIN_DELAY_CS, Math.round(this.totalMs / 10) - this.shownCs);
		this.shownCs += delay;
		return delay;
	}
}
