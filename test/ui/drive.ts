/**
 * Driving the wizard in ink-testing-library with real keystrokes, never sleeping: after each keystroke, poll
 * lastFrame() until what it should cause is on screen; on timeout, fail with the last frame.
 */
export const KEY = {
	enter: '\r', esc: '\u001B', tab: '\t', shiftTab: '\u001B[Z', up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D',
	backspace: '\u007F', ctrlC: '\u0003', pageDown: '\u001B[6~', pageUp: '\u001B[5~',
};

export interface Driven {
	lastFrame: () => string | undefined;
	stdin: {write: (s: string) => void};
}

/** Text, a pattern, or a test on the whole frame (ANSI styles removed). */
export type Until = string | RegExp | ((frame: string) => boolean);

const ANSI = /\u001B\[[0-9;]*m/g;
export const plain = (frame: string | undefined): string => (frame ?? '').replace(ANSI, '');
export const flat = (frame: string | undefined): string => plain(frame).replace(/\s+/g, ' ');

const describe = (until: Until): string => (typeof until === 'function' ? until.toString() : typeof until === 'string' ? JSON.stringify(until) : String(until));
const matches = (frame: string, until: Until): boolean =>
	typeof until === 'string' ? frame.includes(until) : until instanceof RegExp ? until.test(frame) : until(frame);

/** Polls the last frame until `until` holds; resolves to that frame (styles removed). */
export async function waitFrame(ui: Driven, until: Until, timeout = 5000): Promise<string> {
	const end = Date.now() + timeout;
	for (;;) {
		const frame = plain(ui.lastFrame());
		if (matches(frame, until)) return frame;
		if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${describe(until)}; the last frame was:\n${frame}`);
		await new Promise(r => setTimeout(r, 2));
	}
}

/** Sends keys one at a time; after the last one, waits until `until` holds. */
export async function press(ui: Driven, keys: string | readonly string[], until: Until): Promise<string> {
	const list = typeof keys === 'string' ? [keys] : keys;
	for (const [i, k] of list.entries()) {
		const before = ui.lastFrame();
		ui.stdin.write(k);
		// A key that changes the screen's mode must land before the next one is read: each key but the last must
		// change the frame, and the next waits for that.
		if (i < list.length - 1) await waitFrame(ui, () => ui.lastFrame() !== before);
	}
	return waitFrame(ui, until);
}

/** Types `text` key by key (text edits never lose keys), then waits until a line ends with it, or for `until`. */
export async function type(ui: Driven, text: string, until?: Until): Promise<string> {
	for (const ch of text) ui.stdin.write(ch);
	return waitFrame(ui, until ?? (frame => frame.split('\n').some(line => line.trimEnd().endsWith(text))));
}

/** Bracketed paste, as a terminal sends it. */
export const paste = (text: string): string => `\u001B[200~${text}\u001B[201~`;

/** Every line fits `columns`, and there are at most `rows` lines. */
export function fits(frame: string, columns: number, rows: number): string | undefined {
	const lines = plain(frame).split('\n');
	const wide = lines.find(l => [...l].length > columns);
	if (wide !== undefined) return `a line is wider than ${columns}: ${JSON.stringify(wide)}`;
	if (lines.length > rows) return `${lines.length} lines, more than ${rows}`;
	return undefined;
}
