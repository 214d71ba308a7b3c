/** The part of a frame that differs from the one before: the smallest rectangle holding every changed pixel. */
import type {IndexedBitmap} from './render-grid.ts';

export type Rect = {readonly left: number; readonly top: number; readonly width: number; readonly height: number};

/** undefined when nothing changed; the whole frame when there is no previous one. */
export function changedRect(previous: IndexedBitmap | undefined, next: IndexedBitmap): Rect | undefined {
	const {width, height} = next;
	if (previous === undefined || previous.width !== width || previous.height !== height) return {left: 0, top: 0, width, height};
	let top = -1;
	let bottom = -1;
	let left = width;
	let right = -1;
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let first = -1;
		let last = -1;
		for (let x = 0; x < width; x++) {
			if (previous.pixels[row + x] !== next.pixels[row + x]) {
				if (first < 0) first = x;
				last = x;
			}
		}
		if (first < 0) continue;
		if (top < 0) top = y;
		bottom = y;
		left = Math.min(left, first);
		right = Math.max(right, last);
	}
	return top < 0 ? undefined : {left, top, width: right - left + 1, height: bottom - top + 1};
}

export function crop(bitmap: IndexedBitmap, rect: Rect): Uint8Array {
	const out = new Uint8Array(rect.width * rect.height);
	for (let y = 0; y < rect.height; y++) {
		const from = (rect.top + y) * bitmap.width + rect.left;
		out.set(bitmap.pixels.subarray(from, from + rect.width), y * rect.width);
	}
	return out;
}
