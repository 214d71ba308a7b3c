/**
 * Render throttling (pure policy): data (snapshots, events, log lines) is folded into the state as it arrives, but
 * the view hears about it at most once per frame (FRAME_MS, 20 frames/s), so a log flood never starves the keys.
 * A key is urgent: its frame is drawn at once.
 */

export const FRAME_MS = 50;

/** Milliseconds to wait before the next frame: 0 when one frame's time has passed since the last. */
export function frameDelay(now: number, lastFrameAt: number | undefined, frameMs = FRAME_MS): number {
	if (lastFrameAt === undefined) return 0;
	return Math.max(0, Math.min(frameMs, lastFrameAt + frameMs - now));
}

/** 4.7.1 log lines start `yyyy-MM-dd HH:mm:ss`; the key a continuation line (stack trace) inherits from the line before. */
const STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;

/**
 * The first tails of several files of one container, merged oldest first by the lines' own time (stable: equal
 * seconds keep file order; a line without a time stays with the line before it).
 */
export function mergeByTime(parts: ReadonlyArray<readonly string[]>): string[] {
	type Keyed = {key: string; part: number; index: number; line: string};
	const keyed: Keyed[] = [];
	parts.forEach((lines, part) => {
		let key = '';
		lines.forEach((line, index) => {
			const m = STAMP.exec(line);
			if (m) key = m[0];
			keyed.push({key, part, index, line});
		});
	});
	return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.part - b.part || a.index - b.index)).map(k => k.line);
}
