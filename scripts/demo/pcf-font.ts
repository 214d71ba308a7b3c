/**
 * Reads an X11 PCF bitmap font (as Debian ships them, e.g. xfonts-terminus' ter-u16n_unicode.pcf.gz; gzip or not)
 * into a BitmapFont. Only what a fixed-cell terminal font needs: metrics, bitmaps, the encoding table (Unicode
 * code points for an ISO10646-1 font) and the font's ascent/descent. Layout as described by the X.Org and
 * FreeType sources (pcfread.c): a table of contents, then tables whose own first word says their byte order.
 */
import {gunzipSync} from 'node:zlib';
import type {BitmapFont, Glyph} from './bitmap-font.ts';

const TABLE = {accelerators: 1 << 1, metrics: 1 << 2, bitmaps: 1 << 3, encodings: 1 << 5, bdfAccelerators: 1 << 8} as const;
const FORMAT = {compressedMetrics: 0x100, msbByte: 1 << 2, msbBit: 1 << 3} as const;
const NO_GLYPH = 0xffff;

type Metrics = {left: number; right: number; advance: number; ascent: number; descent: number};

class Reader {
	private readonly bigEndian: boolean;
	constructor(
		private readonly bytes: Buffer,
		private at: number,
		readonly format: number,
	) {
		this.bigEndian = (format & FORMAT.msbByte) !== 0;
	}

	int32(): number {
		const v = this.bigEndian ? this.bytes.readInt32BE(this.at) : this.bytes.readInt32LE(this.at);
		this.at += 4;
		return v;
	}

	int16(): number {
		const v = this.bigEndian ? this.bytes.readInt16BE(this.at) : this.bytes.readInt16LE(this.at);
		this.at += 2;
		return v;
	}

	uint16(): number {
		const v = this.bigEndian ? this.bytes.readUInt16BE(this.at) : this.bytes.readUInt16LE(this.at);
		this.at += 2;
		return v;
	}

	uint8(): number {
		return this.bytes.readUInt8(this.at++);
	}

	slice(length: number): Buffer {
		const s = this.bytes.subarray(this.at, this.at + length);
		this.at += length;
		return s;
	}
}

function tables(bytes: Buffer, source: string): Map<number, Reader> {
	if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== '\u0001fcp') throw new Error(`${source} is not a PCF font (no "\\x01fcp" header)`);
	const count = bytes.readInt32LE(4);
	const found = new Map<number, Reader>();
	for (let i = 0; i < count; i++) {
		const entry = 8 + i * 16;
		const type = bytes.readInt32LE(entry);
		const offset = bytes.readInt32LE(entry + 12);
		// Each table repeats its format as its first word, always little-endian.
		found.set(type, new Reader(bytes, offset + 4, bytes.readInt32LE(offset)));
	}
	return found;
}

function need(found: Map<number, Reader>, type: number, name: string, source: string): Reader {
	const r = found.get(type);
	if (r === undefined) throw new Error(`${source}: the PCF font has no ${name} table`);
	return r;
}

function readMetrics(r: Reader): Metrics[] {
	const compressed = (r.format & FORMAT.compressedMetrics) !== 0;
	const count = compressed ? r.uint16() : r.int32();
	const all: Metrics[] = [];
	for (let i = 0; i < count; i++) {
		if (compressed) {
			const [left, right, advance, ascent, descent] = [r.uint8(), r.uint8(), r.uint8(), r.uint8(), r.uint8()].map(b => b - 0x80) as [number, number, number, number, number];
			all.push({left, right, advance, ascent, descent});
		} else {
			all.push({left: r.int16(), right: r.int16(), advance: r.int16(), ascent: r.int16(), descent: r.int16()});
			r.int16(); // attributes
		}
	}
	return all;
}

/** Every glyph's bitmap rows, normalised to most-significant-bit-first bytes. */
function readBitmaps(r: Reader): {offsets: number[]; data: Buffer; rowPad: number} {
	const count = r.int32();
	const offsets = Array.from({length: count}, () => r.int32());
	const sizes = [r.int32(), r.int32(), r.int32(), r.int32()];
	const padIndex = r.format & 3;
	const data = Buffer.from(r.slice(sizes[padIndex]!));
	if ((r.format & FORMAT.msbBit) === 0) {
		for (let i = 0; i < data.length; i++) data[i] = reverseBits(data[i]!);
	}
	const scanUnit = 1 << ((r.format >> 4) & 3);
	const msbByte = (r.format & FORMAT.msbByte) !== 0;
	const msbBit = (r.format & FORMAT.msbBit) !== 0;
	if (msbByte !== msbBit && scanUnit > 1) {
		for (let i = 0; i + scanUnit <= data.length; i += scanUnit) data.subarray(i, i + scanUnit).reverse();
	}
	return {offsets, data, rowPad: 1 << padIndex};
}

function reverseBits(b: number): number {
	let v = 0;
	for (let i = 0; i < 8; i++) v |= ((b >> i) & 1) << (7 - i);
	return v;
}

/** Code point → glyph index. */
function readEncodings(r: Reader): Map<number, number> {
	const minByte2 = r.int16();
	const maxByte2 = r.int16();
	const minByte1 = r.int16();
	const maxByte1 = r.int16();
	r.int16(); // default char
	const map = new Map<number, number>();
	for (let b1 = minByte1; b1 <= maxByte1; b1++) {
		for (let b2 = minByte2; b2 <= maxByte2; b2++) {
			const index = r.uint16();
			if (index !== NO_GLYPH) map.set((b1 << 8) | b2, index);
		}
	}
	return map;
}

function readAscentDescent(r: Reader): {ascent: number; descent: number} {
	r.slice(8); // noOverlap … padding: eight one-byte flags
	return {ascent: r.int32(), descent: r.int32()};
}

export function parsePcf(file: Uint8Array, source = 'font'): BitmapFont {
	const raw = Buffer.from(file);
	const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
	const found = tables(bytes, source);
	const metrics = readMetrics(need(found, TABLE.metrics, 'metrics', source));
	const bitmaps = readBitmaps(need(found, TABLE.bitmaps, 'bitmaps', source));
	const encodings = readEncodings(need(found, TABLE.encodings, 'encodings', source));
	const {ascent, descent} = readAscentDescent(found.get(TABLE.bdfAccelerators) ?? need(found, TABLE.accelerators, 'accelerators', source));
	const cellHeight = ascent + descent;
	const cellWidth = Math.min(...metrics.filter(m => m.advance > 0).map(m => m.advance));
	const glyphs = new Map<number, Glyph>();
	for (const [codePoint, index] of encodings) {
		const m = metrics[index];
		const offset = bitmaps.offsets[index];
		if (m === undefined || offset === undefined) continue;
		glyphs.set(codePoint, placeGlyph(m, bitmaps.data, offset, bitmaps.rowPad, cellWidth, cellHeight, ascent));
	}
	return {name: source, cellWidth, cellHeight, glyphs};
}

/** Draws a glyph's bitmap into its cell: baseline at the font's ascent, left edge at the glyph's left bearing. */
function placeGlyph(m: Metrics, data: Buffer, offset: number, rowPad: number, cellWidth: number, cellHeight: number, fontAscent: number): Glyph {
	const width = m.advance > cellWidth ? 2 * cellWidth : cellWidth;
	const ink = new Uint8Array(width * cellHeight);
	const bitsWide = m.right - m.left;
	const rowBytes = Math.ceil(Math.ceil(bitsWide / 8) / rowPad) * rowPad;
	for (let row = 0; row < m.ascent + m.descent; row++) {
		const y = fontAscent - m.ascent + row;
		if (y < 0 || y >= cellHeight) continue;
		for (let bit = 0; bit < bitsWide; bit++) {
			const x = m.left + bit;
			if (x < 0 || x >= width) continue;
			const byte = data[offset + row * rowBytes + (bit >> 3)]!;
			if ((byte >> (7 - (bit & 7))) & 1) ink[y * width + x] = 1;
		}
	}
	return {width, ink};
}
