/**
 * The recorder's fonts, from Debian packages: Terminus 8×16 (xfonts-terminus, regular and bold) first, GNU Unifont
 * 8×16/16×16 (xfonts-unifont) for the characters Terminus lacks (▸ ⚠ ◌ …). Missing files → an error that says
 * which package to install.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {BitmapFont} from './bitmap-font.ts';
import {FontSet} from './font-set.ts';
import {parsePcf} from './pcf-font.ts';

export const X11_MISC_FONTS = '/usr/share/fonts/X11/misc';

export const FONT_FILES = {
	regular: {file: 'ter-u16n_unicode.pcf.gz', debianPackage: 'xfonts-terminus'},
	bold: {file: 'ter-u16b_unicode.pcf.gz', debianPackage: 'xfonts-terminus'},
	fallback: {file: 'unifont.pcf.gz', debianPackage: 'xfonts-unifont'},
} as const;

export const DEBIAN_FONT_PACKAGES = [...new Set(Object.values(FONT_FILES).map(f => f.debianPackage))];

/** The font files not found in `dir`, as "file (package)" — [] when all are there. */
export function missingFontFiles(dir = X11_MISC_FONTS): string[] {
	return Object.values(FONT_FILES)
		.filter(f => !existsSync(join(dir, f.file)))
		.map(f => `${join(dir, f.file)} (${f.debianPackage})`);
}

export function loadFont(name: keyof typeof FONT_FILES, dir = X11_MISC_FONTS): BitmapFont {
	const path = join(dir, FONT_FILES[name].file);
	return parsePcf(readFileSync(path), path);
}

export function loadFontSet(dir = X11_MISC_FONTS): FontSet {
	const missing = missingFontFiles(dir);
	if (missing.length > 0) {
		throw new Error(`font files missing: ${missing.join(', ')}. Install them with: apt-get install ${DEBIAN_FONT_PACKAGES.join(' ')}`);
	}
	const fallback = loadFont('fallback', dir);
	return new FontSet([loadFont('regular', dir), fallback], [loadFont('bold', dir)]);
}
