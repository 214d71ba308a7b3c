/**
 * One colour table shared by every frame of a GIF (at most 256 entries). Colours get an index on first use; once
 * the table is full, a new colour takes the index of the nearest one already there (and is counted in `merged`).
 */
export const MAX_COLORS = 256;

export class IndexedPalette {
	/** 0xRRGGBB per index */
	readonly colors: number[] = [];
	/** distinct colours that did not fit and were drawn with their nearest neighbour */
	merged = 0;
	private readonly indexOf = new Map<number, number>();

	index(color: number): number {
		const known = this.indexOf.get(color);
		if (known !== undefined) return known;
		let index: number;
		if (this.colors.length < MAX_COLORS) {
			index = this.colors.length;
			this.colors.push(color);
		} else {
			index = this.nearest(color);
			this.merged++;
		}
		this.indexOf.set(color, index);
		return index;
	}

	private nearest(color: number): number {
		let best = 0;
		let bestDistance = Infinity;
		this.colors.forEach((c, i) => {
			let d = 0;
			for (const shift of [16, 8, 0]) {
				const delta = ((c >> shift) & 0xff) - ((color >> shift) & 0xff);
				d += delta * delta;
			}
			if (d < bestDistance) {
				bestDistance = d;
				best = i;
			}
		});
		return best;
	}
}
