/** Build a cluster file from `--hosts A,B,C` and option flags (pure). */
import type {Result} from './errors.ts';
import {Collector, parseHosts, parseOptions, type SshResolver} from './parse.ts';
import {CLUSTER_FILE_VERSION, type ClusterFile, type ClusterOptions} from './schema.ts';

/** Split a `--hosts` value on `,`, `;` and white space; an empty entry between separators is kept (and reported). */
export function splitHostList(value: string): string[] {
	const parts = value.trim().split(/\s*[,;]\s*|\s+/);
	return parts.length === 1 && parts[0] === '' ? [] : parts;
}

export type OptionInput = Omit<Partial<ClusterOptions>, 'heap' | 'ports' | 'console'> & {
	heap?: Partial<ClusterOptions['heap']>;
	ports?: Partial<ClusterOptions['ports']>;
	console?: Partial<ClusterOptions['console']>;
};

/** A `--hosts` entry: the text as typed, or an object as in a cluster file's hosts[]. */
export type HostInput = string | Record<string, unknown>;

export function clusterFromHostsChecked(hosts: readonly HostInput[], options: OptionInput = {}, resolveSsh?: SshResolver): Result<ClusterFile> {
	const c = new Collector();
	const parsedOptions = parseOptions(options as Record<string, unknown>, c);
	const parsedHosts = parseHosts([...hosts], c, resolveSsh);
	if (hosts.length === 0) c.errors.splice(c.errors.findIndex(e => e.path === 'hosts'), 1, {path: '--hosts', message: 'lists no host', fix: 'give at least three, e.g. --hosts 192.168.1.71,192.168.1.76,192.168.1.77'});
	for (const e of c.errors) {
		e.path = e.path.replace(/^hosts\[(\d+)\](\.ssh(\.host)?)?/, (_, i: string) => {
			const entry = hosts[Number(i)];
			const text = typeof entry === 'string' ? entry : String((entry?.ssh as {host?: string} | undefined)?.host ?? entry?.ssh ?? '');
			return `--hosts entry ${Number(i) + 1} (${JSON.stringify(text)})`;
		});
	}
	if (c.errors.length > 0) return {ok: false, errors: c.errors};
	return {ok: true, value: {version: CLUSTER_FILE_VERSION, ...parsedOptions, hosts: parsedHosts, placement: {}}};
}

/** As clusterFromHostsChecked, throwing on bad input (for tests and trusted callers). */
export function clusterFromHosts(hosts: readonly HostInput[], options: OptionInput = {}): ClusterFile {
	const result = clusterFromHostsChecked(hosts, options);
	if (!result.ok) throw new Error(result.errors.map(e => `${e.path}: ${e.message}`).join('; '));
	return result.value;
}
