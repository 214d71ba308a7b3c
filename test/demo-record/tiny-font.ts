/** A 3×4 bitmap font drawn in the test itself, so that every pixel a test expects is known. */
import type {BitmapFont, Glyph} from '../../scripts/demo/bitmap-font.ts';

export function glyphFrom(rows: readonly string[]): Glyph {
	const width = rows[0]!.length;
	return {width, ink: Uint8Array.from(rows.join('').split('').map(c => (c === '#' ? 1 : 0)))};
}

export function tinyFont(name: string, glyphs: Record<string, readonly string[]>): BitmapFont {
	return {name, cellWidth: 3, cellHeight: 4, glyphs: new Map(Object.entries(glyphs).map(([c, rows]) => [c.codePointAt(0)!, glyphFrom(rows)]))};
}

export const REGULAR = tinyFont('tiny', {
	A: ['.#.', '#.#', '###', '#.#'],
	'✓': ['..#', '..#', '#.#', '.#.'],
	'：': ['......', '..#...', '......', '..#...'],
});

export const BOLD = tinyFont('tiny-bold', {A: ['###', '#.#', '###', '#.#']});
