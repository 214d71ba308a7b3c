/**
 * A GIF89a file, written frame by frame: per frame a graphic control extension (delay; "do not dispose", so each
 * frame is drawn over the last) and an image that may cover only the part of the screen that changed. The header,
 * its one global colour table and the NETSCAPE2.0 loop extension are put in front at the end, once the frames have
 * told which colours they use.
 */
import {lzwEncode} from './gif-lzw.ts';

export type GifFrame = {
	readonly left: number;
	readonly top: number;
	readonly width: number;
	readonly height: number;
	/** palette indices, width × height */
	readonly pixels: Uint8Array;
	/** hundredths of a second */
	readonly delayCs: number;
};

const DISPOSE_NONE = 1;
/** Always a full 256-entry table: the palette grows while frames are drawn, and 768 bytes do not matter. */
const PALETTE_SIZE = 256;
const MIN_CODE_SIZE = 8;

const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];

export class GifWriter {
	private readonly chunks: Uint8Array[] = [];
	/** bytes of the frames so far (the header and the colour table add 800) */
	size = 0;
	frames = 0;

	/** `loops` 0 = forever. */
	constructor(
		readonly width: number,
		readonly height: number,
		private readonly loops = 0,
	) {}

	addFrame(frame: GifFrame): void {
		const {left, top, width, height, pixels, delayCs} = frame;
		if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > this.width || top + height > this.height) {
			throw new Error(`frame ${width}×${height} at ${left},${top} is outside the ${this.width}×${this.height} screen`);
		}
		if (pixels.length !== width * height) throw new Error(`frame has ${pixels.length} pixels, ${width}×${height} expected`);
		this.push([0x21, 0xf9, 0x04, DISPOSE_NONE << 2, ...u16(Math.round(delayCs)), 0, 0]);
		this.push([0x2c, ...u16(left), ...u16(top), ...u16(width), ...u16(height), 0]);
		this.push(lzwEncode(pixels, MIN_CODE_SIZE));
		this.frames++;
	}

	/** The whole file. `palette`: 0xRRGGBB per index used by the frames (≤ 256), known once every frame is drawn. */
	finish(palette: readonly number[]): Uint8Array {
		if (palette.length === 0 || palette.length > PALETTE_SIZE) throw new Error(`a GIF palette has 1–256 colours, not ${palette.length}`);
		const table = new Uint8Array(3 * PALETTE_SIZE);
		palette.forEach((c, i) => table.set([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff], i * 3));
		const header = Uint8Array.from([
			...Buffer.from('GIF89a', 'latin1'),
			...u16(this.width),
			...u16(this.height),
			0x80 | (7 << 4) | 7, // global colour table of 2^(7+1) entries, 8 bits per channel
			0,
			0,
		]);
		const loop = Uint8Array.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, ...u16(this.loops), 0x00]);
		return Buffer.concat([header, table, loop, ...this.chunks, Uint8Array.from([0x3b])]);
	}

	private push(bytes: Uint8Array | number[]): void {
		const chunk = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
		this.chunks.push(chunk);
		this.size += chunk.length;
	}
}
