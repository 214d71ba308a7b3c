/**
 * What the Logs panel shows of a tail (pure): follow mode (the newest lines), or a window anchored on a line
 * number that stays put while new lines arrive (scrolling back pauses follow); an optional filter
 * (case-insensitive substring) applied before windowing, so scrolling moves through matching lines only.
 */
import {firstKept, type LogTail} from './ring.ts';

export interface LogView {
	follow: boolean;
	/** Number of the last line shown when not following. */
	anchor: number;
	filter: string;
}

export const FOLLOW: LogView = {follow: true, anchor: 0, filter: ''};

export interface NumberedLine {
	n: number;
	text: string;
}

export interface LogWindow {
	lines: NumberedLine[];
	/** Lines matching the filter (all kept lines without one). */
	matched: number;
	/** Matching lines after the window (new lines arrived while scrolled back). */
	below: number;
	/** Matching lines before the window. */
	above: number;
}

export function matcher(filter: string): (line: string) => boolean {
	const f = filter.toLowerCase();
	return f === '' ? () => true : line => line.toLowerCase().includes(f);
}

/** Numbers of the kept lines that match, oldest first. */
function matching(tail: LogTail, filter: string): number[] {
	const match = matcher(filter);
	const first = firstKept(tail);
	const out: number[] = [];
	tail.lines.forEach((line, i) => {
		if (match(line)) out.push(first + i);
	});
	return out;
}

/** Index (in `numbers`) of the last line to show. */
function endIndex(numbers: readonly number[], view: LogView): number {
	if (view.follow) return numbers.length - 1;
	let lo = 0;
	let hi = numbers.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (numbers[mid]! <= view.anchor) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	// anchored before everything still kept (evicted): show the oldest page
	return found;
}

export function logWindow(tail: LogTail, view: LogView, height: number): LogWindow {
	const numbers = matching(tail, view.filter);
	const rows = Math.max(0, height);
	let end = endIndex(numbers, view);
	if (!view.follow && end < Math.min(rows, numbers.length) - 1) end = Math.min(rows, numbers.length) - 1;
	const start = Math.max(0, end - rows + 1);
	const first = firstKept(tail);
	const lines = end < 0 ? [] : numbers.slice(start, end + 1).map(n => ({n, text: tail.lines[n - first]!}));
	return {lines, matched: numbers.length, below: Math.max(0, numbers.length - 1 - end), above: start};
}

/**
 * Scroll by `delta` matching lines (negative: back, older). Reaching the newest line resumes follow; scrolling
 * back from follow pins the window where it is.
 */
export function scrollView(tail: LogTail, view: LogView, delta: number, height: number): LogView {
	const numbers = matching(tail, view.filter);
	if (numbers.length === 0) return view.follow ? view : {...view, follow: true, anchor: 0};
	const rows = Math.max(1, height);
	const end = endIndex(numbers, view);
	const lowest = Math.min(rows, numbers.length) - 1;
	const next = Math.max(lowest, Math.min(numbers.length - 1, (end < 0 ? lowest : end) + delta));
	if (next >= numbers.length - 1) return {...view, follow: true, anchor: 0};
	return {...view, follow: false, anchor: numbers[next]!};
}

/** Back to the newest lines. */
export const followView = (view: LogView): LogView => (view.follow ? view : {...view, follow: true, anchor: 0});

/** A new filter: the window follows again (what matches now may be anywhere). */
export const filterView = (view: LogView, filter: string): LogView => (view.filter === filter && view.follow ? view : {follow: true, anchor: 0, filter});
