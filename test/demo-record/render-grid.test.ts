/**
 * Cells → pixels with a 3×4 font drawn here: a known cell gives known pixels in known colours (fg, bg, bold font,
 * inverse, dim, underline), wide characters span two cells, a missing glyph is drawn as a box and reported, and
 * the 256-colour table takes the nearest colour once it is full.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseScreen} from '../../scripts/demo/ansi-screen.ts';
import {missingGlyph} from '../../scripts/demo/bitmap-font.ts';
import {FontSet} from '../../scripts/demo/font-set.ts';
import {IndexedPalette, MAX_COLORS} from '../../scripts/demo/indexed-palette.ts';
import {renderGrid} from '../../scripts/demo/render-grid.ts';
import {blend, type Theme} from '../../scripts/demo/terminal-theme.ts';
import {BOLD, glyphFrom, REGULAR, tinyFont} from './tiny-font.ts';

const FG = 0xaaaaaa;
const BG = 0x101010;
const RED = 0xff0000;
const THEME: Theme = {foreground: FG, background: BG, basic: [0, RED, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff, 0xffffff, ...Array<number>(8).fill(0x808080)]};

/** Renders `ansi` on a cols × 1 screen and spells each pixel with the letter `names` gives its colour. */
function draw(ansi: string, cols: number, names: Record<number, string>, fonts = new FontSet([REGULAR], [BOLD])) {
	const palette = new IndexedPalette();
	const bitmap = renderGrid(parseScreen(ansi, cols, 1), fonts, THEME, palette);
	const rows: string[] = [];
	for (let y = 0; y < bitmap.height; y++) {
		let row = '';
		for (let x = 0; x < bitmap.width; x++) {
			const color = palette.colors[bitmap.pixels[y * bitmap.width + x]!]!;
			row += names[color] ?? '?';
		}
		rows.push(row);
	}
	return {rows, fonts, bitmap};
}

test('a red A, then a ✓ in the default colour, then a blank cell: exactly these pixels', () => {
	const {rows, bitmap} = draw('\u001B[31mA\u001B[0m✓', 3, {[RED]: 'R', [FG]: 'F', [BG]: '.'});
	assert.deepEqual([bitmap.width, bitmap.height], [9, 4]);
	assert.deepEqual(rows, [
		'.R...F...', //
		'R.R..F...',
		'RRRF.F...',
		'R.R.F....',
	]);
});

test('bold draws with the bold font and falls back to the regular one; inverse swaps; dim fades; underline', () => {
	assert.deepEqual(draw('\u001B[1mA✓', 2, {[FG]: 'F', [BG]: '.'}).rows, ['FFF..F', 'F.F..F', 'FFFF.F', 'F.F.F.']);
	assert.deepEqual(draw('\u001B[7;31mA', 1, {[RED]: 'R', [BG]: '.'}).rows, ['R.R', '.R.', '...', '.R.']);
	const dim = blend(FG, BG, 0.45);
	assert.deepEqual(draw('\u001B[2mA', 1, {[dim]: 'd', [BG]: '.'}).rows, ['.d.', 'd.d', 'ddd', 'd.d']);
	assert.deepEqual(draw('\u001B[4;44m ', 1, {[FG]: 'F', [0x0000ff]: 'b'}).rows, ['bbb', 'bbb', 'FFF', 'bbb']);
});

test('a wide character spans two cells; a wide glyph in one cell is squeezed, a narrow one in two is centred', () => {
	assert.deepEqual(draw('：A', 3, {[FG]: 'F', [BG]: '.'}).rows, ['.......F.', '..F...F.F', '......FFF', '..F...F.F']);
	const fonts = new FontSet([tinyFont('t', {W: ['######', '#....#', '#....#', '######']})]);
	assert.deepEqual(fonts.glyph('W', false, 1), glyphFrom(['###', '#.#', '#.#', '###']));
	assert.deepEqual(fonts.glyph('A', false, 1), missingGlyph(3, 4, 1));
	const narrow = new FontSet([tinyFont('n', {x: ['#..', '.#.', '..#', '...']})]).glyph('x', false, 2);
	assert.deepEqual(narrow, glyphFrom(['.#....', '..#...', '...#..', '......']));
});

test('a character no font has: the visible box, and it is listed as missing once', () => {
	const {rows, fonts} = draw('ZZ', 2, {[FG]: 'F', [BG]: '.'});
	const box = missingGlyph(3, 4, 1);
	assert.ok(box.ink.some(v => v === 1), 'the box has ink');
	const expected = Array.from({length: 4}, (_, y) => Array.from({length: 3}, (_, x) => (box.ink[y * 3 + x] ? 'F' : '.')).join('').repeat(2));
	assert.deepEqual(rows, expected);
	assert.deepEqual([...fonts.missing], ['Z']);
});

test('fonts of different cell sizes are refused, with both sizes named', () => {
	const big = {...REGULAR, name: 'big', cellWidth: 8, cellHeight: 16};
	assert.throws(() => new FontSet([REGULAR, big]), /big has 8×16 cells, tiny 3×4/);
});

test('the colour table: 256 colours, then the nearest one', () => {
	const palette = new IndexedPalette();
	for (let i = 0; i < MAX_COLORS; i++) assert.equal(palette.index(i * 0x010000), i);
	assert.equal(palette.index(0xfe0001), 0xfe);
	assert.equal(palette.index(0x7f0001), 0x7f);
	assert.equal(palette.index(0x7f0001), 0x7f);
	assert.equal(palette.colors.length, MAX_COLORS);
	assert.equal(palette.merged, 2);
});
