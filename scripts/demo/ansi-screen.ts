/**
 * A captured screen (`tmux capture-pane -p -e`: the rows as lines, with SGR sequences for colours and attributes)
 * → a cell grid. The style carries across lines, as tmux writes only the changes from the previous cell. Wide
 * characters take two cells (widths as Ink measures them, with string-width), zero-width ones join the previous
 * cell; other escape sequences (CSI, OSC, two-byte ESC) are skipped; what falls outside cols × rows is dropped.
 */
import stringWidth from 'string-width';
import {PLAIN, type Cell, type CellGrid, type Style} from './cell-grid.ts';
import {applySgr} from './sgr.ts';

const ESC = '\u001B';
const TAB_STOP = 8;

export function parseScreen(captured: string, cols: number, rows: number): CellGrid {
	const cells: Cell[] = Array.from({length: cols * rows}, () => ({...PLAIN, text: ' ', width: 1}));
	let style: Style = PLAIN;
	let row = 0;
	let col = 0;
	const put = (cell: Cell, at: number) => {
		if (row < rows && at < cols) cells[row * cols + at] = cell;
	};
	const chars = Array.from(captured);
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		if (ch === ESC) {
			const end = escapeEnd(chars, i);
			const sequence = chars.slice(i, end + 1).join('');
			if (sequence.startsWith(`${ESC}[`) && sequence.endsWith('m')) style = applySgr(style, sequence.slice(2, -1));
			i = end;
		} else if (ch === '\n') {
			row++;
			col = 0;
		} else if (ch === '\r') {
			col = 0;
		} else if (ch === '\t') {
			col = Math.min(cols, (Math.floor(col / TAB_STOP) + 1) * TAB_STOP);
		} else if (ch < ' ') {
			// other C0 controls draw nothing
		} else {
			const width = stringWidth(ch);
			if (width === 0) {
				joinPrevious(cells, row, col, cols, ch);
			} else if (width === 2 && col + 1 < cols) {
				put({...style, text: ch, width: 2}, col);
				put({...style, text: '', width: 1}, col + 1);
				col += 2;
			} else {
				put({...style, text: ch, width: 1}, col);
				col += width;
			}
		}
	}
	return {cols, rows, cells};
}

function joinPrevious(cells: Cell[], row: number, col: number, cols: number, mark: string): void {
	if (col === 0 || col > cols) return;
	let at = row * cols + col - 1;
	if (cells[at]?.text === '' && col >= 2) at--;
	const cell = cells[at];
	if (cell !== undefined) cells[at] = {...cell, text: cell.text + mark};
}

/** Index of the last character of the escape sequence starting at `start`. */
function escapeEnd(chars: string[], start: number): number {
	const kind = chars[start + 1];
	if (kind === '[') {
		for (let i = start + 2; i < chars.length; i++) {
			const c = chars[i]!.charCodeAt(0);
			if (c >= 0x40 && c <= 0x7e) return i;
		}
		return chars.length - 1;
	}
	if (kind === ']' || kind === 'P' || kind === '_') {
		// OSC / DCS / APC: up to BEL or ST (ESC \)
		for (let i = start + 2; i < chars.length; i++) {
			if (chars[i] === '\u0007') return i;
			if (chars[i] === ESC && chars[i + 1] === '\\') return i + 1;
		}
		return chars.length - 1;
	}
	return Math.min(start + 1, chars.length - 1);
}
