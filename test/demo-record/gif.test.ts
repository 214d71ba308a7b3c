/**
 * The GIF writer and the screens → GIF step, read back with an independent decoder (omggif): header, size, loop,
 * frame count, delays, disposal, the changed rectangles, and every frame's pixels as drawn.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {GifReader} from 'omggif';
import {parseScreen} from '../../scripts/demo/ansi-screen.ts';
import {FontSet} from '../../scripts/demo/font-set.ts';
import {GifWriter} from '../../scripts/demo/gif-writer.ts';
import {IndexedPalette} from '../../scripts/demo/indexed-palette.ts';
import {renderGrid} from '../../scripts/demo/render-grid.ts';
import {screensToGif} from '../../scripts/demo/screens-to-gif.ts';
import {checkGifSize} from '../../scripts/demo/size-limit.ts';
import {TOMORROW_NIGHT} from '../../scripts/demo/terminal-theme.ts';
import {BOLD, REGULAR} from './tiny-font.ts';

/** Deterministic noise: runs of random length and colour, so LZW sees both repetition and a full table. */
function noise(length: number, colors: number, seed: number): Uint8Array {
	let s = seed;
	const next = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 16;
	const out = new Uint8Array(length);
	for (let i = 0; i < length; ) {
		const run = 1 + (next() % 6);
		const c = next() % colors;
		for (let j = 0; j < run && i < length; j++) out[i++] = c;
	}
	return out;
}

/** RGBA of each frame as a viewer shows it (frames drawn over one another). */
function decodeAll(bytes: Uint8Array) {
	const reader = new GifReader(Buffer.from(bytes));
	const canvas = new Uint8Array(reader.width * reader.height * 4);
	const frames: Uint8Array[] = [];
	for (let i = 0; i < reader.numFrames(); i++) {
		reader.decodeAndBlitFrameRGBA(i, canvas);
		frames.push(canvas.slice());
	}
	return {reader, frames};
}

const rgbaAt = (rgba: Uint8Array, i: number) => (rgba[i * 4]! << 16) | (rgba[i * 4 + 1]! << 8) | rgba[i * 4 + 2]!;

test('GifWriter: header, loop forever, frames with their delays and rectangles, pixels back exactly (full LZW tables included)', () => {
	const palette = Array.from({length: 200}, (_, i) => i * 0x010203);
	const gif = new GifWriter(320, 200);
	const full = noise(320 * 200, 200, 1);
	const patch = noise(37 * 11, 3, 2);
	gif.addFrame({left: 0, top: 0, width: 320, height: 200, pixels: full, delayCs: 10});
	gif.addFrame({left: 100, top: 50, width: 37, height: 11, pixels: patch, delayCs: 250});
	gif.addFrame({left: 319, top: 199, width: 1, height: 1, pixels: Uint8Array.of(7), delayCs: 3});
	const bytes = gif.finish(palette);
	assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), 'GIF89a');
	assert.equal(bytes.at(-1), 0x3b, 'the trailer');
	const {reader, frames} = decodeAll(bytes);
	assert.deepEqual([reader.width, reader.height, reader.numFrames(), reader.loopCount()], [320, 200, 3, 0]);
	assert.deepEqual(
		[0, 1, 2].map(i => {
			const f = reader.frameInfo(i);
			return [f.x, f.y, f.width, f.height, f.delay, f.disposal];
		}),
		[
			[0, 0, 320, 200, 10, 1],
			[100, 50, 37, 11, 250, 1],
			[319, 199, 1, 1, 3, 1],
		],
	);
	for (let i = 0; i < full.length; i++) assert.equal(rgbaAt(frames[0]!, i), palette[full[i]!], `pixel ${i} of frame 1`);
	const inPatch = (x: number, y: number) => patch[(y - 50) * 37 + (x - 100)]!;
	assert.equal(rgbaAt(frames[1]!, 50 * 320 + 100), palette[inPatch(100, 50)]);
	assert.equal(rgbaAt(frames[1]!, 60 * 320 + 136), palette[inPatch(136, 60)]);
	assert.equal(rgbaAt(frames[1]!, 0), palette[full[0]!], 'outside the patch: the frame before');
	assert.equal(rgbaAt(frames[2]!, 320 * 200 - 1), palette[7]);
	assert.equal(bytes.length, gif.size + 13 + 768 + 19 + 1, 'header, table, loop extension, frames, trailer');
});

test('GifWriter refuses a frame outside the screen and a palette over 256', () => {
	const gif = new GifWriter(10, 10);
	assert.throws(() => gif.addFrame({left: 5, top: 0, width: 6, height: 1, pixels: new Uint8Array(6), delayCs: 1}), /outside the 10×10 screen/);
	assert.throws(() => gif.finish(new Array<number>(257).fill(0)), /1–256 colours, not 257/);
});

test('screens → GIF: same-looking screens merge, only changed rectangles are stored, each frame decodes to its screen', () => {
	const fonts = new FontSet([REGULAR], [BOLD]);
	const screens = [
		{screen: 'A ✓\n\u001B[31mAA', durationMs: 500},
		{screen: '\u001B[0mA ✓\n\u001B[31mAA\u001B[0m', durationMs: 300}, // other escapes, the same pixels
		{screen: 'A ✓\n\u001B[1;32mAA', durationMs: 1_000},
		{screen: 'A \u001B[7m✓\u001B[27m\n\u001B[1;32mAA', durationMs: 260},
	];
	const shown: Uint8Array[] = [];
	const gif = screensToGif(screens, {cols: 3, rows: 2, fonts, theme: TOMORROW_NIGHT, onFrame: bitmap => shown.push(bitmap.pixels)});
	assert.deepEqual([gif.frames, gif.width, gif.height, gif.durationMs], [3, 9, 8, 2_060]);
	const {reader, frames} = decodeAll(gif.bytes);
	assert.equal(reader.numFrames(), 3);
	assert.deepEqual([0, 1, 2].map(i => reader.frameInfo(i).delay), [80, 100, 26]);
	// The second frame changes only the bottom row of cells; the third only the ✓'s cell.
	const rect = (i: number) => {
		const f = reader.frameInfo(i);
		return [f.x, f.y, f.width, f.height];
	};
	assert.deepEqual(rect(0), [0, 0, 9, 8]);
	assert.ok(rect(1)[1]! >= 4 && rect(1)[3]! <= 4, `frame 2 rectangle ${rect(1)} within the bottom row`);
	assert.ok(rect(2)[0]! >= 6 && rect(2)[1]! + rect(2)[3]! <= 4, `frame 3 rectangle ${rect(2)} within the ✓'s cell`);
	[0, 2, 3].forEach((screenIndex, frame) => {
		const palette = new IndexedPalette();
		const expected = renderGrid(parseScreen(screens[screenIndex]!.screen, 3, 2), fonts, TOMORROW_NIGHT, palette);
		for (let i = 0; i < expected.pixels.length; i++) {
			assert.equal(rgbaAt(frames[frame]!, i), palette.colors[expected.pixels[i]!], `frame ${frame + 1}, pixel ${i}`);
		}
	});
	assert.equal(shown.length, 3);
});

test('screens → GIF with nothing captured says so', () => {
	assert.throws(() => screensToGif([], {cols: 1, rows: 1, fonts: new FontSet([REGULAR]), theme: TOMORROW_NIGHT}), /nothing was captured on camera/);
});

test('the 3 MB limit: at it passes, over it fails loudly with what to do', () => {
	checkGifSize(3_000_000);
	assert.throws(() => checkGifSize(3_000_001), /the GIF would be 3\.00 MB, over the 3\.00 MB limit; nothing written\. Shorten the scene's holds/);
});
