/**
 * SGR (Select Graphic Rendition, `ESC [ … m`) applied to a style: reset, bold, dim, italic, underline, inverse,
 * the 8 + 8 basic colours, 256-colour and truecolor in both the `;` and the `:` (ITU T.416) spellings, and the
 * resets of each. Unknown parameters are ignored, as a terminal does.
 */
import {DEFAULT_COLOR, PLAIN, rgb, type Style} from './cell-grid.ts';

type Mutable<T> = {-readonly [K in keyof T]: T[K]};

/** `params` is what stands between `ESC [` and `m`, e.g. "1;38;5;208" or "38:2::255:0:0". */
export function applySgr(style: Style, params: string): Style {
	const next: Mutable<Style> = {...style};
	const groups = (params === '' ? '0' : params).split(';');
	for (let i = 0; i < groups.length; i++) {
		const group = groups[i]!;
		if (group.includes(':')) {
			extendedColor(next, group.split(':').map(toNumber));
			continue;
		}
		const code = toNumber(group);
		if (code === 38 || code === 48) {
			const consumed = extendedColor(next, [code, ...groups.slice(i + 1, i + 5).map(toNumber)], true);
			i += consumed;
			continue;
		}
		simple(next, code);
	}
	return next;
}

const toNumber = (s: string): number => (s === '' ? 0 : Number.parseInt(s, 10));

function simple(s: Mutable<Style>, code: number): void {
	if (code === 0) Object.assign(s, PLAIN);
	else if (code === 1) s.bold = true;
	else if (code === 2) s.dim = true;
	else if (code === 3) s.italic = true;
	else if (code === 4) s.underline = true;
	else if (code === 7) s.inverse = true;
	else if (code === 22) s.bold = s.dim = false;
	else if (code === 23) s.italic = false;
	else if (code === 24) s.underline = false;
	else if (code === 27) s.inverse = false;
	else if (code >= 30 && code <= 37) s.fg = code - 30;
	else if (code === 39) s.fg = DEFAULT_COLOR;
	else if (code >= 40 && code <= 47) s.bg = code - 40;
	else if (code === 49) s.bg = DEFAULT_COLOR;
	else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
	else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
}

/**
 * `38;5;n`, `38;2;r;g;b`, `38:5:n`, `38:2::r:g:b` or `38:2:r:g:b` (48 for the background). Returns how many
 * `;`-separated parameters after the 38/48 it used (only meaningful when `semicolons`).
 */
function extendedColor(s: Mutable<Style>, p: number[], semicolons = false): number {
	const [which, mode] = p;
	if (which !== 38 && which !== 48) return 0;
	let color: number | undefined;
	let used = 1;
	if (mode === 5 && p[2] !== undefined) {
		color = p[2] & 0xff;
		used = 2;
	} else if (mode === 2) {
		// the colon form may carry a colour-space id before r:g:b
		const channels = !semicolons && p.length >= 6 ? p.slice(3, 6) : p.slice(2, 5);
		if (channels.length === 3) color = rgb(channels[0]! & 0xff, channels[1]! & 0xff, channels[2]! & 0xff);
		used = 4;
	}
	if (color !== undefined) {
		if (which === 38) s.fg = color;
		else s.bg = color;
	}
	return used;
}
