/**
 * GIF's variable-length LZW (GIF89a spec, appendix F): palette indices → the image data of one frame, as the
 * minimum code size byte followed by ≤255-byte sub-blocks and the empty terminator block. Codes grow from
 * minCodeSize + 1 up to 12 bits; a full table (4096 codes) is cleared with the clear code.
 */
const MAX_CODES = 4096;

class BitWriter {
	readonly bytes: number[] = [];
	private acc = 0;
	private bits = 0;

	write(code: number, size: number): void {
		this.acc |= code << this.bits;
		this.bits += size;
		while (this.bits >= 8) {
			this.bytes.push(this.acc & 0xff);
			this.acc >>>= 8;
			this.bits -= 8;
		}
	}

	flush(): void {
		if (this.bits > 0) this.bytes.push(this.acc & 0xff);
		this.acc = 0;
		this.bits = 0;
	}
}

export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
	const clear = 1 << minCodeSize;
	const end = clear + 1;
	const out = new BitWriter();
	let codeSize = minCodeSize + 1;
	let next = end + 1;
	let table = new Map<number, number>();
	out.write(clear, codeSize);
	if (indices.length > 0) {
		let prefix = indices[0]!;
		for (let i = 1; i < indices.length; i++) {
			const k = indices[i]!;
			const key = (prefix << 8) | k;
			const known = table.get(key);
			if (known !== undefined) {
				prefix = known;
				continue;
			}
			out.write(prefix, codeSize);
			if (next === MAX_CODES) {
				out.write(clear, codeSize);
				table = new Map();
				next = end + 1;
				codeSize = minCodeSize + 1;
			} else {
				// the decoder widens its codes when its table reaches 2^codeSize, one code after us
				if (next >= 1 << codeSize) codeSize++;
				table.set(key, next++);
			}
			prefix = k;
		}
		out.write(prefix, codeSize);
	}
	out.write(end, codeSize);
	out.flush();
	return subBlocks(minCodeSize, out.bytes);
}

function subBlocks(minCodeSize: number, data: number[]): Uint8Array {
	const blocks = Math.ceil(data.length / 255);
	const bytes = new Uint8Array(1 + data.length + blocks + 1);
	bytes[0] = minCodeSize;
	let at = 1;
	for (let i = 0; i < data.length; i += 255) {
		const chunk = data.slice(i, i + 255);
		bytes[at++] = chunk.length;
		bytes.set(chunk, at);
		at += chunk.length;
	}
	bytes[at] = 0;
	return bytes;
}
