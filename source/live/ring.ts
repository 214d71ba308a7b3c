/**
 * Log tails as ring buffers (pure): each container keeps at most `capacity` lines; `total` counts every line ever
 * appended, so a line keeps its number (1-based) while newer ones push older ones out. Lines are cut at
 * MAX_LINE_CHARS so a runaway line cannot hold the memory a ring is meant to bound.
 */

export const DEFAULT_RING_LINES = 2000;
export const MAX_LINE_CHARS = 2000;

export type TailState = 'idle' | 'connecting' | 'following' | 'ended' | 'failed';

export interface LogTail {
	/** Oldest first, at most the capacity. */
	readonly lines: readonly string[];
	/** Lines ever appended: the last kept line is number `total`, the first `total - lines.length + 1`. */
	readonly total: number;
	readonly state: TailState;
	/** Why the stream ended or failed. */
	readonly error?: string;
	/** What is followed: `broker.log + broker_default.log`, `docker logs`. */
	readonly source?: string;
	/**
	 * Lines earlier follows of this container delivered that matter to the drills (restartTail): a new follow
	 * replays the source's last lines, which are shown again but must not be fed to the drills a second time.
	 */
	readonly replayed?: ReadonlySet<string>;
}

export const emptyTail = (source?: string): LogTail => ({lines: [], total: 0, state: 'idle', ...(source !== undefined ? {source} : {})});

/** A copy that no longer pins the (possibly large) chunk it was cut from, at most MAX_LINE_CHARS long. */
function own(line: string): string {
	const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
	// Flatten: a sliced string keeps its parent alive in V8; a fresh concatenation does not.
	return cut.length > 64 ? (' ' + cut).slice(1) : cut;
}

/** The tail with `lines` appended (oldest dropped beyond `capacity`). Returns the same tail for no lines. */
export function appendLines(tail: LogTail, lines: readonly string[], capacity = DEFAULT_RING_LINES): LogTail {
	if (lines.length === 0) return tail;
	const cap = Math.max(1, capacity);
	const incoming = lines.length > cap ? lines.slice(lines.length - cap) : lines;
	const keep = Math.max(0, cap - incoming.length);
	const kept = tail.lines.length > keep ? tail.lines.slice(tail.lines.length - keep) : tail.lines;
	return {...tail, lines: [...kept, ...incoming.map(own)], total: tail.total + lines.length};
}

/** Number of the first line still kept. */
export const firstKept = (tail: LogTail): number => tail.total - tail.lines.length + 1;

export function withState(tail: LogTail, state: TailState, error?: string): LogTail {
	if (tail.state === state && tail.error === error) return tail;
	const {error: _old, ...rest} = tail;
	return {...rest, state, ...(error !== undefined ? {error} : {})};
}

/**
 * The tail when its container is followed anew (the host reconnected, the follow was retried, the selection came
 * back to it): the ring starts empty, because the new follow begins with the source's last lines again. The old
 * lines `remember` picks are kept in `replayed` (with those remembered before, the newest `capacity` of them).
 */
export function restartTail(tail: LogTail, remember: (line: string) => boolean, capacity = DEFAULT_RING_LINES): LogTail {
	const remembered = new Set(tail.replayed);
	for (const line of tail.lines.filter(remember)) {
		remembered.delete(line); // seen again: it moves to the newest end
		remembered.add(line);
	}
	const replayed = [...remembered].slice(-Math.max(1, capacity));
	return {...emptyTail(tail.source), ...(replayed.length > 0 ? {replayed: new Set(replayed)} : {})};
}

/** The lines of a batch that no earlier follow delivered (what may be fed to the drills). */
export const freshLines = (tail: LogTail | undefined, lines: readonly string[]): readonly string[] =>
	tail?.replayed ? lines.filter(l => !tail.replayed!.has(l)) : lines;
