/**
 * A cell grid → an indexed-colour bitmap: each cell filled with its background, its glyph inked in its
 * foreground (bold cells with the bold font), underlined cells with a line on the cell's second-to-last row.
 * Italic is drawn upright (the bitmap fonts have no italic).
 */
import {inked} from './bitmap-font.ts';
import {cellAt, type CellGrid} from './cell-grid.ts';
import type {FontSet} from './font-set.ts';
import type {IndexedPalette} from './indexed-palette.ts';
import {cellColors, type Theme} from './terminal-theme.ts';

export type IndexedBitmap = {
	readonly width: number;
	readonly height: number;
	/** row-major palette indices */
	readonly pixels: Uint8Array;
};

export function renderGrid(grid: CellGrid, fonts: FontSet, theme: Theme, palette: IndexedPalette): IndexedBitmap {
	const cw = fonts.cellWidth;
	const ch = fonts.cellHeight;
	const width = grid.cols * cw;
	const height = grid.rows * ch;
	const pixels = new Uint8Array(width * height);
	for (let row = 0; row < grid.rows; row++) {
		for (let col = 0; col < grid.cols; col++) {
			const cell = cellAt(grid, col, row);
			if (cell.text === '') continue; // the right half of a wide character, drawn with its left half
			const cells = cell.width === 2 && col + 1 < grid.cols ? 2 : 1;
			const colors = cellColors(theme, cell);
			const fg = palette.index(colors.fg);
			const bg = palette.index(colors.bg);
			const glyph = cell.text === ' ' ? undefined : fonts.glyph(cell.text, cell.bold, cells);
			const left = col * cw;
			const top = row * ch;
			const cellPixels = cw * cells;
			for (let y = 0; y < ch; y++) {
				const line = (top + y) * width + left;
				const underline = cell.underline && y === ch - 2;
				for (let x = 0; x < cellPixels; x++) {
					const ink = underline || (glyph !== undefined && inked(glyph, x, y));
					pixels[line + x] = ink ? fg : bg;
				}
			}
		}
	}
	return {width, height, pixels};
}
