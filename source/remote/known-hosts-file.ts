/**
 * known_hosts files on this machine: the user's (where accepted keys are recorded) and the system-wide ones, read as
 * ssh(1) reads them (missing files are simply empty).
 */
import {appendFile, mkdir, readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {parseKnownHosts, type KnownHosts} from './known-hosts.ts';

export interface KnownHostsStore {
	/** The file new keys are appended to. */
	readonly file: string;
	/** Every entry of every file (user files first), and their problems. */
	load(): Promise<KnownHosts>;
	/** Appends one line (from knownHostsLine) to `file`, creating it (and its directory, mode 0700) when missing. */
	append(line: string): Promise<void>;
}

export interface KnownHostsFilesOptions {
	/** UserKnownHostsFile: the first one is where keys are recorded. Default ~/.ssh/known_hosts, ~/.ssh/known_hosts2. */
	user?: string[];
	/** GlobalKnownHostsFile. Default /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2. */
	global?: string[];
}

async function readIfPresent(path: string): Promise<string | undefined> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
		throw new Error(`cannot read known hosts file ${path}: ${code ?? (error as Error).message}`, {cause: error});
	}
}

export function knownHostsFiles(options: KnownHostsFilesOptions = {}): KnownHostsStore {
	const home = homedir();
	const user = options.user ?? [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
	const global = options.global ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
	const file = user[0];
	if (file === undefined) throw new Error('knownHostsFiles: at least one user known_hosts file is needed');
	return {
		file,
		async load() {
			const all: KnownHosts = {entries: [], problems: []};
			for (const path of [...user, ...global]) {
				const text = await readIfPresent(path);
				if (text === undefined) continue;
				const parsed = parseKnownHosts(text, path);
				all.entries.push(...parsed.entries);
				all.problems.push(...parsed.problems);
			}
			return all;
		},
		async append(line) {
			await mkdir(dirname(file), {recursive: true, mode: 0o700});
			const existing = await readIfPresent(file);
			const prefix = existing !== undefined && existing !== '' && !existing.endsWith('\n') ? '\n' : '';
			await appendFile(file, `${prefix}${line}\n`, {mode: 0o644});
		},
	};
}
