/** Reading the `templates/` folder (the only I/O of rendering). */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../util/package-root.ts';

/** Template name → file in templates/. */
export const TEMPLATE_FILES = {
	'namesrv-compose': 'namesrv-compose.yaml',
	'broker-compose': 'broker-compose.yaml',
	'broker-service': 'broker-service.yaml',
	'console-compose': 'console-compose.yaml',
	'broker.conf': 'broker.conf.yaml',
	'graceful-start': 'graceful-start.sh',
} as const;
export type TemplateName = keyof typeof TEMPLATE_FILES;
export type Templates = Record<TemplateName, string>;

export const templatesDir = (): string => join(packageRoot(), 'templates');

const cache = new Map<string, Templates>();

export function loadTemplates(dir = templatesDir()): Templates {
	let loaded = cache.get(dir);
	if (!loaded) {
		loaded = Object.fromEntries(
			Object.entries(TEMPLATE_FILES).map(([name, file]) => [name, readFileSync(join(dir, file), 'utf8')]),
		) as Templates;
		cache.set(dir, loaded);
	}
	return loaded;
}
