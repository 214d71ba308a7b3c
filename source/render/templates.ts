/** Locating and reading the `templates/` folder (the only I/O of rendering). */
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const TEMPLATE_NAMES = ['namesrv-compose', 'broker-compose', 'broker-service', 'console-compose', 'broker.conf'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type Templates = Record<TemplateName, string>;

/** The package's `templates/` folder, found from this module whether run from source or from dist/. */
export function templatesDir(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const candidate = join(dir, 'templates');
		if (existsSync(join(candidate, 'broker.conf.yaml'))) return candidate;
		const parent = dirname(dir);
		if (parent === dir) throw new Error('rmq-tui: cannot find its templates/ folder (a broken install?)');
		dir = parent;
	}
}

let cached: Templates | undefined;

export function loadTemplates(dir = templatesDir()): Templates {
	if (cached && dir === templatesDir()) return cached;
	const loaded = Object.fromEntries(TEMPLATE_NAMES.map(name => [name, readFileSync(join(dir, `${name}.yaml`), 'utf8')])) as Templates;
	if (dir === templatesDir()) cached = loaded;
	return loaded;
}
