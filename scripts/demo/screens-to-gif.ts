/**
 * Timed screens (as captured with colours) → a GIF: each screen parsed and drawn; screens that draw the same
 * pixels merge into one longer frame; each frame stores only the rectangle that changed since the frame before.
 */
import {parseScreen} from './ansi-screen.ts';
import {changedRect, crop} from './frame-diff.ts';
import {DelayClock, type TimedScreen} from './frame-timeline.ts';
import type {FontSet} from './font-set.ts';
import {GifWriter} from './gif-writer.ts';
import {IndexedPalette} from './indexed-palette.ts';
import {renderGrid, type IndexedBitmap} from './render-grid.ts';
import type {Theme} from './terminal-theme.ts';

export type GifRecording = {
	readonly bytes: Uint8Array;
	readonly frames: number;
	/** how long one loop plays, from the GIF's own delays */
	readonly durationMs: number;
	readonly width: number;
	readonly height: number;
	/** colours that did not fit the 256-colour table and were drawn with their nearest neighbour */
	readonly colorsMerged: number;
};

export type GifOptions = {
	readonly cols: number;
	readonly rows: number;
	readonly fonts: FontSet;
	readonly theme: Theme;
	/** called with each frame as it goes into the GIF (whole screen) and the palette so far, e.g. to write PNGs */
	readonly onFrame?: (bitmap: IndexedBitmap, palette: readonly number[], index: number) => void;
};

export function screensToGif(screens: readonly TimedScreen[], options: GifOptions): GifRecording {
	const {cols, rows, fonts, theme} = options;
	if (screens.length === 0) throw new Error('no frames to write: nothing was captured on camera');
	const palette = new IndexedPalette();
	const clock = new DelayClock();
	const writer = new GifWriter(cols * fonts.cellWidth, rows * fonts.cellHeight);
	let shown: IndexedBitmap | undefined;
	let pending: {bitmap: IndexedBitmap; durationMs: number} | undefined;
	const write = (frame: {bitmap: IndexedBitmap; durationMs: number}) => {
		const rect = changedRect(shown, frame.bitmap) ?? {left: 0, top: 0, width: 1, height: 1};
		writer.addFrame({...rect, pixels: crop(frame.bitmap, rect), delayCs: clock.delayCs(frame.durationMs)});
		options.onFrame?.(frame.bitmap, palette.colors, writer.frames - 1);
		shown = frame.bitmap;
	};
	for (const screen of screens) {
		const bitmap = renderGrid(parseScreen(screen.screen, cols, rows), fonts, theme, palette);
		if (pending !== undefined && changedRect(pending.bitmap, bitmap) === undefined) {
			pending.durationMs += screen.durationMs;
			continue;
		}
		if (pending !== undefined) write(pending);
		pending = {bitmap, durationMs: screen.durationMs};
	}
	write(pending!);
	return {
		bytes: writer.finish(palette.colors),
		frames: writer.frames,
		durationMs: clock.shownCs * 10,
		width: writer.width,
		height: writer.height,
		colorsMerged: palette.merged,
	};
}
