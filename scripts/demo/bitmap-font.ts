/**
 * A fixed-cell bitmap font: every glyph already placed in its cell (cellWidth × cellHeight pixels, or twice as
 * wide for a wide character), 1 = ink. Parsers of font files produce this; the renderer only reads it.
 */
export type Glyph = {
	/** pixels across: cellWidth, or 2 × cellWidth for a wide glyph */
	readonly width: number;
	/** row-major, width × cellHeight entries of 0 or 1 */
	readonly ink: Uint8Array;
};

export type BitmapFont = {
	readonly name: string;
	readonly cellWidth: number;
	readonly cellHeight: number;
	readonly glyphs: ReadonlyMap<number, Glyph>;
};

/** Is pixel (x, y) of the glyph inked? */
export const inked = (glyph: Glyph, x: number, y: number): boolean => glyph.ink[y * glyph.width + x] === 1;

/**
 * The glyph drawn for a character the font lacks: a hollow box with a cross, so that a missing glyph is plain to
 * see in a frame (the recorder also lists which characters were missing).
 */
export function missingGlyph(cellWidth: number, cellHeight: number, cells: 1 | 2): Glyph {
	const width = cellWidth * cells;
	const ink = new Uint8Array(width * cellHeight);
	const left = 1;
	const right = width - 2;
	const top = 2;
	const bottom = cellHeight - 3;
	const set = (x: number, y: number) => {
		ink[y * width + x] = 1;
	};
	for (let x = left; x <= right; x++) {
		set(x, top);
		set(x, bottom);
	}
	for (let y = top; y <= bottom; y++) {
		set(left, y);
		set(right, y);
		const across = Math.round(((y - top) * (right - left)) / Math.max(1, bottom - top));
		set(left + across, y);
		set(right - across, y);
	}
	return {width, ink};
}
