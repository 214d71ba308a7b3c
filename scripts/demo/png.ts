/** An indexed bitmap as a PNG (colour type 3, 8 bits per index), to look at single frames of a recording. */
import {crc32, deflateSync} from 'node:zlib';
import type {IndexedBitmap} from './render-grid.ts';

function chunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

export function indexedPng(bitmap: IndexedBitmap, palette: readonly number[]): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(bitmap.width, 0);
	header.writeUInt32BE(bitmap.height, 4);
	header.set([8, 3, 0, 0, 0], 8); // bit depth 8, palette colour, deflate, adaptive filtering, no interlace
	const plte = Buffer.alloc(3 * Math.max(1, palette.length));
	palette.forEach((c, i) => plte.set([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff], i * 3));
	const raw = Buffer.alloc((bitmap.width + 1) * bitmap.height);
	for (let y = 0; y < bitmap.height; y++) {
		// filter byte 0 (none), then the row
		raw.set(bitmap.pixels.subarray(y * bitmap.width, (y + 1) * bitmap.width), y * (bitmap.width + 1) + 1);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('PLTE', plte),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', new Uint8Array(0)),
	]);
}
