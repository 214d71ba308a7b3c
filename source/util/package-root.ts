/** The installed package's root folder (holds package.json and templates/), from source or from dist/. */
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
	if (root) return root;
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(join(dir, 'templates')) && existsSync(join(dir, 'package.json'))) return (root = dir);
		const parent = dirname(dir);
		if (parent === dir) throw new Error('rmq-tui: cannot find its package folder with templates/ (a broken install?)');
		dir = parent;
	}
}

export function packageVersion(): string {
	return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string}).version;
}
