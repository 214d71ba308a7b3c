/**
 * The colours of the recorded terminal: a dark theme (Tomorrow Night) for the default colours and the 16 basic
 * ones, the standard xterm cube and grey ramp for 16–255. Resolves a cell's style to the two 0xRRGGBB colours
 * actually drawn: dim blends the foreground toward the background; inverse swaps them.
 */
import {DEFAULT_COLOR, isRgb, rgbValue, type Style} from './cell-grid.ts';

export type Theme = {
	readonly foreground: number;
	readonly background: number;
	/** the 16 basic colours, 0xRRGGBB */
	readonly basic: readonly number[];
};

export const TOMORROW_NIGHT: Theme = {
	foreground: 0xc5c8c6,
	background: 0x1d1f21,
	basic: [
		0x1d1f21, 0xcc6666, 0xb5bd68, 0xf0c674, 0x81a2be, 0xb294bb, 0x8abeb7, 0xc5c8c6,
		0x666666, 0xd54e53, 0xb9ca4a, 0xe7c547, 0x7aa6da, 0xc397d8, 0x70c0b1, 0xeaeaea,
	],
};

const CUBE_LEVELS = [0, 0x5f, 0x87, 0xaf, 0xd7, 0xff];

/** 0xRRGGBB of xterm colour 16–255. */
function xterm256(index: number): number {
	if (index >= 232) {
		const v = 8 + (index - 232) * 10;
		return (v << 16) | (v << 8) | v;
	}
	const i = index - 16;
	return (CUBE_LEVELS[Math.floor(i / 36)]! << 16) | (CUBE_LEVELS[Math.floor(i / 6) % 6]! << 8) | CUBE_LEVELS[i % 6]!;
}

export function colorValue(theme: Theme, color: number, fallback: number): number {
	if (color === DEFAULT_COLOR) return fallback;
	if (isRgb(color)) return rgbValue(color);
	return color < 16 ? theme.basic[color]! : xterm256(color);
}

/** `amount` 0 → a, 1 → b, per channel. */
export function blend(a: number, b: number, amount: number): number {
	let out = 0;
	for (const shift of [16, 8, 0]) {
		const ca = (a >> shift) & 0xff;
		const cb = (b >> shift) & 0xff;
		out |= Math.round(ca + (cb - ca) * amount) << shift;
	}
	return out;
}

const DIM_TOWARD_BACKGROUND = 0.45;

export function cellColors(theme: Theme, style: Style): {fg: number; bg: number} {
	let fg = colorValue(theme, style.fg, theme.foreground);
	const bg = colorValue(theme, style.bg, theme.background);
	if (style.dim) fg = blend(fg, bg, DIM_TOWARD_BACKGROUND);
	return style.inverse ? {fg: bg, bg: fg} : {fg, bg};
}
