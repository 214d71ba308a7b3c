/** Build a cluster file from `--hosts A,B,C` and option flags (pure). */
import type {Result} from './errors.ts';
import {Collector, parseHosts, parseOptions, type SshResolver} from './parse.ts';
import {CLUSTER_FILE_VERSION, type ClusterFile, type ClusterOptions} from './schema.ts';

/** Split a `--hosts` value on `,`, `;` and white space. Empty entries are reported, not dropped. */
export function splitHostList(value: string): string[] {
	return value.split(/[,;\s]+/).filter((part, i, all) => part !== '' || (i > 0 && i < all.length - 1));
}

type OptionInput = Omit<Partial<ClusterOptions>, 'heap' | 'ports' | 'console'> & {
	heap?: Partial<ClusterOptions['heap']>;
	ports?: Partial<ClusterOptions['ports']>;
	console?: Partial<ClusterOptions['console']>;
};

export function clusterFromHostsChecked(hosts: string[], options: OptionInput = {}, resolveSsh?: SshResolver): Result<ClusterFile> {
	const c = new Collector();
	const parsedOptions = parseOptions(options as Record<string, unknown>, c);
	const parsedHosts = parseHosts(hosts, c, resolveSsh);
	for (const e of c.errors) e.path = e.path.replace(/^hosts\[(\d+)\](\.ssh)?/, (_, i: string) => `--hosts entry ${Number(i) + 1} (${hosts[Number(i)]})`);
	if (c.errors.length > 0) return {ok: false, errors: c.errors};
	return {ok: true, value: {version: CLUSTER_FILE_VERSION, ...parsedOptions, hosts: parsedHosts, placement: {}}};
}

/** As clusterFromHostsChecked, throwing on bad input (for tests and trusted callers). */
export function clusterFromHosts(hosts: string[], options: OptionInput = {}): ClusterFile {
	const result = clusterFromHostsChecked(hosts, options);
	if (!result.ok) throw new Error(result.errors.map(e => `${e.path}: ${e.message}`).join('; '));
	return result.value;
}
