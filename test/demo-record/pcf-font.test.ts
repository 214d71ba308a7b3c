/**
 * The PCF reader: fonts written here in every layout the format allows read back to the same pixels in the same
 * place of the cell; Debian's Terminus and Unifont read with their real metrics, and together they have a glyph
 * for every character the app's source draws.
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import type {Glyph} from '../../scripts/demo/bitmap-font.ts';
import {DEBIAN_FONT_PACKAGES, loadFont, loadFontSet, missingFontFiles} from '../../scripts/demo/debian-fonts.ts';
import {parsePcf} from '../../scripts/demo/pcf-font.ts';
import {need} from '../support/need.ts';
import {buildPcf, type Layout, type TestGlyph} from './pcf-builder.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const picture = (g: Glyph, rows: number): string[] =>
	Array.from({length: rows}, (_, y) => Array.from({length: g.width}, (_, x) => (g.ink[y * g.width + x] === 1 ? '#' : '.')).join(''));

// A 6×8 cell, ascent 6, descent 2. "A" sits on the baseline one pixel in; "g" has a descender; U+2713 is 9 bits
// wide (two bytes a row) and starts left of the cell's edge by one, to be clipped.
const glyphs: TestGlyph[] = [
	{codePoint: 0x41, left: 1, ascent: 5, advance: 6, rows: ['.##.', '#..#', '####', '#..#', '#..#']},
	{codePoint: 0x67, left: 1, ascent: 4, advance: 6, rows: ['###', '#.#', '###', '..#', '##.', '...']},
	{codePoint: 0x2713, left: -1, ascent: 3, advance: 6, rows: ['.......#.', '#.....#..', '.#...#..#']},
];
const expected: Record<number, string[]> = {
	0x41: ['......', '..##..', '.#..#.', '.####.', '.#..#.', '.#..#.', '......', '......'],
	0x67: ['......', '......', '.###..', '.#.#..', '.###..', '...#..', '.##...', '......'],
	0x2713: ['......', '......', '......', '......', '.....#', '#...#.', '......', '......'],
};

const layouts: Layout[] = [
	{msbByte: true, msbBit: true, pad: 4, scanUnit: 1, compressedMetrics: true}, // as Debian's fonts
	{msbByte: false, msbBit: false, pad: 1, scanUnit: 1, compressedMetrics: false},
	{msbByte: false, msbBit: true, pad: 4, scanUnit: 4, compressedMetrics: false},
	{msbByte: true, msbBit: false, pad: 2, scanUnit: 2, compressedMetrics: true},
];

for (const layout of layouts) {
	test(`PCF ${JSON.stringify(layout)}: every glyph back in its cell, pixel for pixel`, () => {
		const font = parsePcf(buildPcf(glyphs, 6, 2, layout), 'test.pcf');
		assert.equal(font.cellWidth, 6);
		assert.equal(font.cellHeight, 8);
		assert.deepEqual([...font.glyphs.keys()].sort((a, b) => a - b), [0x41, 0x67, 0x2713]);
		for (const [codePoint, rows] of Object.entries(expected)) {
			assert.deepEqual(picture(font.glyphs.get(Number(codePoint))!, 8), rows, `U+${Number(codePoint).toString(16)}`);
		}
	});
}

test('a gzipped PCF reads the same; a file that is not PCF says so', () => {
	const layout = layouts[0]!;
	const plain = parsePcf(buildPcf(glyphs, 6, 2, layout));
	const gzipped = parsePcf(gzipSync(buildPcf(glyphs, 6, 2, layout)));
	assert.deepEqual(picture(gzipped.glyphs.get(0x41)!, 8), picture(plain.glyphs.get(0x41)!, 8));
	assert.throws(() => parsePcf(Buffer.from('STARTFONT 2.1\n'), 'x.bdf'), /x\.bdf is not a PCF font/);
});

const haveFonts = () => missingFontFiles().length === 0;
const why = () => `Debian fonts (apt-get install ${DEBIAN_FONT_PACKAGES.join(' ')}): missing ${missingFontFiles().join(', ')}`;

test("Debian's Terminus 8×16: its real metrics, and 'A' as Terminus draws it", t => {
	if (!need(t, why(), haveFonts())) return;
	const font = loadFont('regular');
	assert.equal(font.cellWidth, 8);
	assert.equal(font.cellHeight, 16);
	assert.ok(font.glyphs.size > 1000, `${font.glyphs.size} glyphs`);
	assert.deepEqual(picture(font.glyphs.get(0x41)!, 16), [
		'........',
		'........',
		'..####..',
		'.#....#.',
		'.#....#.',
		'.#....#.',
		'.#....#.',
		'.######.',
		'.#....#.',
		'.#....#.',
		'.#....#.',
		'.#....#.',
		'........',
		'........',
		'........',
		'........',
	]);
	const bold = loadFont('bold');
	const inkOf = (g: Glyph) => g.ink.reduce((a, b) => a + b, 0);
	assert.ok(inkOf(bold.glyphs.get(0x41)!) > inkOf(font.glyphs.get(0x41)!), 'bold has more ink');
});

/** Every non-ASCII character written in source/ (literally or as a \u escape of a printable one). */
function charactersTheAppDraws(): Set<string> {
	const chars = new Set<string>();
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (/\.tsx?$/.test(name)) {
				const text = readFileSync(path, 'utf8');
				for (const c of text) if (c.codePointAt(0)! > 0x7f && c !== '\uFEFF') chars.add(c);
				for (const m of text.matchAll(/\\u([0-9A-Fa-f]{4})/g)) {
					const code = Number.parseInt(m[1]!, 16);
					if (code > 0x9f && code !== 0xfeff) chars.add(String.fromCodePoint(code));
				}
			}
		}
	};
	walk(join(ROOT, 'source'));
	return chars;
}

test('Terminus with Unifont behind it has a glyph for every character the app draws', t => {
	if (!need(t, why(), haveFonts())) return;
	const fonts = loadFontSet();
	const chars = charactersTheAppDraws();
	assert.ok(chars.has('✓') && chars.has('▸'), 'the scan found the app\'s characters');
	for (const c of chars) fonts.glyph(c, false, 1);
	for (const c of chars) fonts.glyph(c, true, 1);
	assert.deepEqual([...fonts.missing], []);
});
