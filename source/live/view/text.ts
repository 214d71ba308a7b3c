/**
 * Rows of styled segments (pure): what the pane's views render. A row never exceeds the width it is fitted to,
 * so the live region never wraps (wrapping would make it taller than the terminal).
 */

export type Tone = 'ok' | 'warn' | 'bad' | 'dim' | 'accent';

export interface Segment {
	text: string;
	tone?: Tone;
	bold?: boolean;
	inverse?: boolean;
}

export type Row = Segment[];

export const seg = (text: string, tone?: Tone, extra: {bold?: boolean; inverse?: boolean} = {}): Segment => ({text, ...(tone ? {tone} : {}), ...extra});

/** Display width, counting code points (the pane uses no wide characters). */
export const width = (text: string): number => [...text].length;

export const rowText = (row: Row): string => row.map(s => s.text).join('');

/** The row cut to `columns` (the last visible character becomes … when something was cut). */
export function fitRow(row: Row, columns: number): Row {
	const max = Math.max(0, columns);
	let used = 0;
	const out: Row = [];
	for (const s of row) {
		const chars = [...s.text.replace(/[\r\n\t]/g, ' ')];
		if (used + chars.length <= max) {
			out.push(chars.length === s.text.length ? s : {...s, text: chars.join('')});
			used += chars.length;
			continue;
		}
		const room = max - used;
		if (room > 0) out.push({...s, text: `${chars.slice(0, room - 1).join('')}…`});
		else if (out.length > 0) {
			const last = out[out.length - 1]!;
			const lc = [...last.text];
			out[out.length - 1] = {...last, text: `${lc.slice(0, -1).join('')}…`};
		}
		return out;
	}
	return out;
}

/** Text wrapped at spaces onto lines of `columns` (a word longer than a line is cut). */
export function wrapText(text: string, columns: number): string[] {
	const max = Math.max(1, columns);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const w = width(word) > max ? `${[...word].slice(0, max - 1).join('')}…` : word;
		if (line === '') line = w;
		else if (width(line) + 1 + width(w) <= max) line += ` ${w}`;
		else {
			lines.push(line);
			line = w;
		}
	}
	if (line !== '' || lines.length === 0) lines.push(line);
	return lines;
}

/** At most `n` characters (… when cut). */
export const cut = (text: string, n: number): string => (width(text) <= n ? text : `${[...text].slice(0, Math.max(0, n - 1)).join('')}…`);

export const pad = (text: string, n: number): string => {
	const w = width(text);
	return w >= n ? text : text + ' '.repeat(n - w);
};

/** `12s`, `3m12s`, `2h03m`, `3d04h`. */
export function uptime(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
	return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** `12:03:04` (local time). */
export function clockText(ms: number): string {
	const d = new Date(ms);
	return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
}

export interface Cell {
	text: string;
	tone?: Tone;
	bold?: boolean;
	/** Width to pad to. */
	width: number;
	/** Lower is dropped first when the row is too wide; undefined: never dropped. */
	priority?: number;
}

/** Cells laid out with one space between, dropping the lowest-priority cells until the row fits `columns`. */
export function cellsRow(cells: readonly Cell[], columns: number, prefix: Row = []): Row {
	let kept = [...cells];
	const total = (cs: readonly Cell[]) => width(rowText(prefix)) + cs.reduce((n, c) => n + c.width + 1, 0) - 1;
	while (total(kept) > columns) {
		const droppable = kept.filter(c => c.priority !== undefined);
		if (droppable.length === 0) break;
		const lowest = droppable.reduce((a, b) => (b.priority! < a.priority! ? b : a));
		kept = kept.filter(c => c !== lowest);
	}
	const row: Row = [...prefix];
	kept.forEach((c, i) => {
		const text = cut(c.text, c.width);
		row.push(seg(i === kept.length - 1 ? text : `${pad(text, c.width)} `, c.tone, c.bold ? {bold: true} : {}));
	});
	return fitRow(row, columns);
}
