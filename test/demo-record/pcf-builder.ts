/**
 * Writes small PCF fonts for the parser's tests, in any of the layouts the format allows (byte order, bit order,
 * row padding, scan unit, compressed or full metrics), following the X.Org layout: a little-endian table of
 * contents, then tables that each start with their format word.
 */
export type TestGlyph = {
	readonly codePoint: number;
	/** the ink box, '#' = ink, top row first */
	readonly rows: readonly string[];
	/** left side bearing: x of the box's first column in the cell */
	readonly left: number;
	/** rows of the box above the baseline */
	readonly ascent: number;
	readonly advance: number;
};

export type Layout = {
	readonly msbByte: boolean;
	readonly msbBit: boolean;
	/** row padding: 1, 2, 4 or 8 bytes */
	readonly pad: 1 | 2 | 4 | 8;
	/** scan unit: 1, 2 or 4 bytes */
	readonly scanUnit: 1 | 2 | 4;
	readonly compressedMetrics: boolean;
};

const log2 = (n: number) => Math.round(Math.log2(n));

class Out {
	readonly bytes: number[] = [];
	constructor(private readonly msb: boolean) {}
	int(v: number, size: 2 | 4): void {
		const b = Array.from({length: size}, (_, i) => (v >> (8 * i)) & 0xff);
		this.bytes.push(...(this.msb ? b.reverse() : b));
	}
}

export function buildPcf(glyphs: readonly TestGlyph[], fontAscent: number, fontDescent: number, layout: Layout): Buffer {
	const format = log2(layout.pad) | (layout.msbByte ? 1 << 2 : 0) | (layout.msbBit ? 1 << 3 : 0) | (log2(layout.scanUnit) << 4);
	const table = (type: number, fmt: number, write: (o: Out) => void) => {
		const o = new Out((fmt & (1 << 2)) !== 0);
		write(o);
		const head = Buffer.alloc(4);
		head.writeInt32LE(fmt);
		return {type, fmt, data: Buffer.concat([head, Buffer.from(o.bytes)])};
	};
	const metricsFormat = format | (layout.compressedMetrics ? 0x100 : 0);
	const metrics = table(1 << 2, metricsFormat, o => {
		if (layout.compressedMetrics) o.int(glyphs.length, 2);
		else o.int(glyphs.length, 4);
		for (const g of glyphs) {
			const width = g.rows[0]?.length ?? 0;
			const values = [g.left, g.left + width, g.advance, g.ascent, g.rows.length - g.ascent];
			if (layout.compressedMetrics) o.bytes.push(...values.map(v => v + 0x80));
			else {
				for (const v of values) o.int(v, 2);
				o.int(0, 2);
			}
		}
	});
	const bitmaps = table(1 << 3, format, o => {
		const data: number[] = [];
		const offsets: number[] = [];
		for (const g of glyphs) {
			offsets.push(data.length);
			const width = g.rows[0]?.length ?? 0;
			const rowBytes = Math.ceil(Math.ceil(width / 8) / layout.pad) * layout.pad;
			for (const row of g.rows) {
				const bytes = new Array<number>(rowBytes).fill(0);
				[...row].forEach((c, x) => {
					if (c === '#') bytes[x >> 3]! |= layout.msbBit ? 0x80 >> (x & 7) : 1 << (x & 7);
				});
				if (layout.msbByte !== layout.msbBit) {
					for (let i = 0; i + layout.scanUnit <= bytes.length; i += layout.scanUnit) {
						bytes.splice(i, layout.scanUnit, ...bytes.slice(i, i + layout.scanUnit).reverse());
					}
				}
				data.push(...bytes);
			}
		}
		o.int(glyphs.length, 4);
		for (const off of offsets) o.int(off, 4);
		for (let p = 0; p < 4; p++) o.int(p === log2(layout.pad) ? data.length : 0, 4);
		o.bytes.push(...data);
	});
	const codes = glyphs.map(g => g.codePoint);
	const [min1, max1] = [Math.min(...codes) >> 8, Math.max(...codes) >> 8];
	const [min2, max2] = [Math.min(...codes.map(c => c & 0xff)), Math.max(...codes.map(c => c & 0xff))];
	const encodings = table(1 << 5, format, o => {
		for (const v of [min2, max2, min1, max1, 0]) o.int(v, 2);
		for (let b1 = min1; b1 <= max1; b1++) {
			for (let b2 = min2; b2 <= max2; b2++) {
				const index = codes.indexOf((b1 << 8) | b2);
				o.int(index < 0 ? 0xffff : index, 2);
			}
		}
	});
	const accelerators = table(1 << 8, format, o => {
		o.bytes.push(0, 0, 1, 1, 0, 0, 0, 0);
		o.int(fontAscent, 4);
		o.int(fontDescent, 4);
		o.int(0, 4);
	});
	const all = [metrics, bitmaps, encodings, accelerators];
	const tocSize = 8 + 16 * all.length;
	const toc = Buffer.alloc(tocSize);
	toc.write('\u0001fcp', 0, 'latin1');
	toc.writeInt32LE(all.length, 4);
	let offset = tocSize;
	all.forEach((t, i) => {
		toc.writeInt32LE(t.type, 8 + i * 16);
		toc.writeInt32LE(t.fmt, 12 + i * 16);
		toc.writeInt32LE(t.data.length, 16 + i * 16);
		toc.writeInt32LE(offset, 20 + i * 16);
		offset += t.data.length;
	});
	return Buffer.concat([toc, ...all.map(t => t.data)]);
}
