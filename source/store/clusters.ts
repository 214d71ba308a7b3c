/**
 * Saved clusters: a small store over `conf` (~/.config/rmq-tui-nodejs/config.json by default; `cwd` for tests).
 * A cluster is kept as its cluster-file YAML text (clusterToYaml), so what is saved is what `rmq-tui lint` reads.
 * The cluster schema holds no secrets; save() refuses anything with a password/passphrase key all the same.
 */
import {renameSync} from 'node:fs';
import Conf from 'conf';
import {parseClusterText} from '../inventory/parse.ts';
import type {InventoryError, Result} from '../inventory/errors.ts';
import type {ClusterFile} from '../inventory/schema.ts';
import {clusterToYaml} from '../inventory/write.ts';

export interface SavedCluster {
	name: string;
	/** Hosts in the saved cluster; undefined when the entry does not parse. */
	hosts: number | undefined;
	/** ISO time of the save ('' when the entry lost it). */
	savedAt: string;
	/** Why the entry cannot be opened, if it cannot. */
	problem?: string;
}

interface Entry {
	yaml: string;
	savedAt: string;
}

const SECRET_KEY = /^(password|passphrase)$/i;

/** Paths of every key named password/passphrase in a value (objects and arrays, any depth). */
export function secretKeys(value: unknown, path = ''): string[] {
	if (Array.isArray(value)) return value.flatMap((v, i) => secretKeys(v, `${path}[${i}]`));
	if (value === null || typeof value !== 'object') return [];
	return Object.entries(value).flatMap(([k, v]) => [
		...(SECRET_KEY.test(k) ? [path ? `${path}.${k}` : k] : []),
		...secretKeys(v, path ? `${path}.${k}` : k),
	]);
}

export interface StoreOptions {
	/** Directory of the config file (tests: a temp dir). Default: conf's per-user config directory. */
	cwd?: string;
	now?: () => Date;
}

/** The conf file could not be read: what, where, and the way forward. */
export interface BrokenStore {
	ok: false;
	path: string;
	message: string;
	fix: string;
	/** Moves the file to <path>.corrupt-<timestamp> and opens an empty store. */
	moveAside: () => {store: ClusterStore; movedTo: string};
}
export type OpenedStore = {ok: true; store: ClusterStore} | BrokenStore;

export class ClusterStore {
	readonly #conf: Conf<Record<string, unknown>>;
	readonly #now: () => Date;

	private constructor(conf: Conf<Record<string, unknown>>, now: () => Date) {
		this.#conf = conf;
		this.#now = now;
	}

	/** Opens the store; a config file that is not JSON gives a BrokenStore (never a throw). */
	static open(options: StoreOptions = {}): OpenedStore {
		const now = options.now ?? (() => new Date());
		const make = () => new Conf<Record<string, unknown>>({projectName: 'rmq-tui', ...(options.cwd ? {cwd: options.cwd} : {})});
		let path = '';
		try {
			const conf = make();
			path = conf.path;
			void conf.store; // read now, so a broken file is reported here
			return {ok: true, store: new ClusterStore(conf, now)};
		} catch (error) {
			if (!path) path = options.cwd ? `${options.cwd}/config.json` : 'the rmq-tui config file';
			const file = path;
			return {
				ok: false,
				path: file,
				message: `the saved-clusters file ${file} cannot be read: ${(error as Error).message.split('\n')[0]}`,
				fix: `press m to move it aside to ${file}.corrupt-<timestamp> and start with no saved clusters, or fix the JSON by hand`,
				moveAside: () => {
					const movedTo = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
					renameSync(file, movedTo);
					return {store: new ClusterStore(make(), now), movedTo};
				},
			};
		}
	}

	/** The conf file's path. */
	get path(): string {
		return this.#conf.path;
	}

	#entries(): Record<string, unknown> {
		const all = this.#conf.get('clusters') as unknown;
		return all !== null && typeof all === 'object' && !Array.isArray(all) ? (all as Record<string, unknown>) : {};
	}

	#fix(): string {
		return `delete it with d, or fix ${this.path}`;
	}

	/** Saved clusters, by name. Broken entries are listed with their problem. */
	list(): SavedCluster[] {
		return Object.keys(this.#entries())
			.sort((a, b) => a.localeCompare(b))
			.map(name => {
				const raw = this.#entries()[name] as Partial<Entry> | undefined;
				const savedAt = typeof raw?.savedAt === 'string' ? raw.savedAt : '';
				const loaded = this.load(name);
				return loaded.ok ? {name, hosts: loaded.value.hosts.length, savedAt} : {name, hosts: undefined, savedAt, problem: describe(loaded.errors)};
			});
	}

	/** Saves (or replaces) a cluster under a name, as its YAML text. */
	save(name: string, cluster: ClusterFile): SavedCluster {
		const clean = name.trim();
		if (clean === '') throw new Error('a saved cluster needs a name');
		if (clean.includes('.')) throw new Error(`"${clean}" cannot name a saved cluster: use no "."`);
		const yaml = clusterToYaml(cluster);
		const parsed = parseClusterText(yaml);
		const entry: Entry = {yaml, savedAt: this.#now().toISOString()};
		const secrets = [...secretKeys(cluster), ...(parsed.ok ? secretKeys(parsed.value) : []), ...secretKeys(entry)];
		if (secrets.length > 0) throw new Error(`refusing to save "${clean}": it holds ${secrets.join(', ')}; saved clusters never keep secrets`);
		this.#conf.set('clusters', {...this.#entries(), [clean]: entry});
		return {name: clean, hosts: cluster.hosts.length, savedAt: entry.savedAt};
	}

	/** The saved cluster, parsed as a cluster file; a broken entry gives errors naming it and the fix. */
	load(name: string): Result<ClusterFile> {
		const raw = this.#entries()[name];
		const at = `saved cluster "${name}"`;
		if (raw === undefined) return {ok: false, errors: [{path: at, message: 'does not exist', fix: 'pick one from the list'}]};
		const yaml = (raw as Partial<Entry> | null)?.yaml;
		if (typeof yaml !== 'string') {
			return {ok: false, errors: [{path: at, message: 'has no cluster text (the entry was edited by hand)', fix: this.#fix()}]};
		}
		const parsed = parseClusterText(yaml);
		if (parsed.ok) return parsed;
		return {ok: false, errors: parsed.errors.map(e => ({path: `${at}: ${e.path}`, message: e.message, fix: `${e.fix}; or ${this.#fix()}`}))};
	}

	remove(name: string): void {
		const {[name]: _gone, ...rest} = this.#entries();
		this.#conf.set('clusters', rest);
	}
}

function describe(errors: readonly InventoryError[]): string {
	const e = errors[0]!;
	return `${e.path}: ${e.message} (${e.fix})${errors.length > 1 ? ` and ${errors.length - 1} more` : ''}`;
}
