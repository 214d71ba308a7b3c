/**
 * The fonts a recording draws with: a regular and a bold chain (the first font that has a glyph wins, e.g.
 * Terminus, then GNU Unifont for what Terminus lacks), all of one cell size. A glyph is fitted to the cells the
 * screen gives its character: a wide glyph in one cell is squeezed (pairs of columns merged), a narrow one in two
 * cells is centred. A character no font has gets the visible missing-glyph box, and is remembered in `missing`.
 */
import {inked, missingGlyph, type BitmapFont, type Glyph} from './bitmap-font.ts';

export class FontSet {
	readonly cellWidth: number;
	readonly cellHeight: number;
	/** characters drawn with the missing-glyph box */
	readonly missing = new Set<string>();
	private readonly fitted = new Map<string, Glyph>();

	constructor(
		private readonly regular: readonly BitmapFont[],
		private readonly bold: readonly BitmapFont[] = [],
	) {
		const first = regular[0];
		if (first === undefined) throw new Error('a FontSet needs at least one regular font');
		this.cellWidth = first.cellWidth;
		this.cellHeight = first.cellHeight;
		for (const f of [...regular, ...bold]) {
			if (f.cellWidth !== this.cellWidth || f.cellHeight !== this.cellHeight) {
				throw new Error(`${f.name} has ${f.cellWidth}×${f.cellHeight} cells, ${first.name} ${this.cellWidth}×${this.cellHeight}: pick fonts of one size`);
			}
		}
	}

	/** The glyph for `text` (its first code point) drawn across `cells` cells; bold falls back to the regular chain. */
	glyph(text: string, bold: boolean, cells: 1 | 2): Glyph {
		const key = `${bold ? 'b' : 'r'}${cells}${text}`;
		let g = this.fitted.get(key);
		if (g === undefined) {
			g = this.lookup(text, bold, cells);
			this.fitted.set(key, g);
		}
		return g;
	}

	private lookup(text: string, bold: boolean, cells: 1 | 2): Glyph {
		const codePoint = text.codePointAt(0) ?? 0x20;
		const chain = bold ? [...this.bold, ...this.regular] : this.regular;
		for (const font of chain) {
			const g = font.glyphs.get(codePoint);
			if (g !== undefined) return this.fit(g, cells);
		}
		this.missing.add(String.fromCodePoint(codePoint));
		return missingGlyph(this.cellWidth, this.cellHeight, cells);
	}

	private fit(g: Glyph, cells: 1 | 2): Glyph {
		const width = this.cellWidth * cells;
		if (g.width === width) return g;
		const ink = new Uint8Array(width * this.cellHeight);
		for (let y = 0; y < this.cellHeight; y++) {
			for (let x = 0; x < g.width; x++) {
				if (!inked(g, x, y)) continue;
				const to = g.width > width ? Math.floor((x * width) / g.width) : x + Math.floor((width - g.width) / 2);
				ink[y * width + to] = 1;
			}
		}
		return {width, ink};
	}
}
