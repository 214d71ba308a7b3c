/**
 * A terminal screen as cells: what the ANSI parser produces and the renderer draws.
 * Colours are numbers: DEFAULT_COLOR, 0–255 (the xterm palette), or rgb(r, g, b) for a truecolor one.
 */
export const DEFAULT_COLOR = -1;
const RGB_FLAG = 0x1000000;

export const rgb = (r: number, g: number, b: number): number => RGB_FLAG | (r << 16) | (g << 8) | b;
export const isRgb = (color: number): boolean => color >= RGB_FLAG;
/** The 0xRRGGBB of an rgb(…) colour. */
export const rgbValue = (color: number): number => color & 0xffffff;

export type Style = {
	readonly fg: number;
	readonly bg: number;
	readonly bold: boolean;
	readonly dim: boolean;
	readonly italic: boolean;
	readonly underline: boolean;
	readonly inverse: boolean;
};

export const PLAIN: Style = {fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, bold: false, dim: false, italic: false, underline: false, inverse: false};

export type Cell = Style & {
	/** the character (with any combining marks); ' ' when blank; '' for the right half of a wide character */
	readonly text: string;
	/** 2 for the left half of a wide character, else 1 */
	readonly width: 1 | 2;
};

export type CellGrid = {
	readonly cols: number;
	readonly rows: number;
	/** row-major, cols × rows */
	readonly cells: readonly Cell[];
};

export const cellAt = (grid: CellGrid, col: number, row: number): Cell => grid.cells[row * grid.cols + col]!;

/** The screen as plain text, one line per row, trailing blanks trimmed (as `tmux capture-pane -p` prints it). */
export function gridText(grid: CellGrid): string {
	const lines: string[] = [];
	for (let row = 0; row < grid.rows; row++) {
		let line = '';
		for (let col = 0; col < grid.cols; col++) line += cellAt(grid, col, row).text;
		lines.push(line.trimEnd());
	}
	return lines.join('\n');
}
