/**
 * The linter's I/O shell: find and read the files named on the command line, map them to hosts by folder, and
 * lint them (plus any cluster file and what rmq-tui would render from it).
 */
import {readdir, readFile, stat} from 'node:fs/promises';
import {basename, isAbsolute, relative, resolve, sep} from 'node:path';
import {parse} from 'yaml';
import {isIPv4, isIPv6, isHostname} from '../inventory/address.ts';
import {parseClusterText} from '../inventory/parse.ts';
import {buildPlan} from '../plan/plan.ts';
import {renderCluster} from '../render/render.ts';
import {lintFiles, lintRendered} from './index.ts';
import {lintClusterText} from './inventory-rules.ts';
import {sortFindings, type Finding, type LintInput, type LintSource} from './types.ts';

type Kind = 'conf' | 'compose' | 'inventory';

interface FoundFile {
	abs: string;
	/** The directory argument it was found under (undefined for a file argument). */
	root?: string;
	kind: Kind;
	text: string;
}

export interface LoadedLintInput {
	input: LintInput;
	inventories: Array<{path: string; text: string}>;
	/** Usage problems (a path that does not exist, a file of unknown kind), each with its fix. */
	problems: string[];
	/** How many files were read. */
	fileCount: number;
}

const SKIP_DIRS = new Set(['node_modules']);

function kindByName(name: string): Kind | undefined {
	if (/\.(conf|properties)$/.test(name)) return 'conf';
	if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(name)) return 'compose';
	if (/^(.+\.)?cluster\.ya?ml$/.test(name)) return 'inventory';
	return undefined;
}

/** A YAML that is not named like one of ours: a cluster file (version 1 + hosts), a compose file (services), or neither. */
function kindByContent(text: string): Kind | undefined {
	try {
		const doc = parse(text) as Record<string, unknown> | null;
		if (doc && doc.version === 1 && Array.isArray(doc.hosts)) return 'inventory';
		if (doc && typeof doc.services === 'object') return 'compose';
	} catch {
		// not YAML: not ours
	}
	return undefined;
}

async function walk(dir: string): Promise<string[]> {
	const entries = await readdir(dir, {withFileTypes: true});
	const nested = await Promise.all(entries.map(async entry => {
		const path = resolve(dir, entry.name);
		if (entry.isDirectory()) return entry.name.startsWith('.') || SKIP_DIRS.has(entry.name) ? [] : walk(path);
		return entry.isFile() || entry.isSymbolicLink() ? [path] : [];
	}));
	return nested.flat();
}

async function classify(abs: string, explicit: boolean): Promise<{kind?: Kind; text: string}> {
	const text = await readFile(abs, 'utf8');
	const byName = kindByName(basename(abs));
	if (byName) return {kind: byName, text};
	if (/\.ya?ml$/.test(abs)) return {kind: kindByContent(text), text};
	return explicit ? {kind: 'conf', text} : {text};
}

const isAddress = (segment: string): boolean => isIPv4(segment) || isIPv6(segment);

/**
 * Host folders directly under a root: IP-named folders, folders a cluster file in that root names, and — when every
 * sub-folder holding files has both confs and compose files (one folder per host) — host-name folders.
 */
function hostFoldersOf(root: string, files: readonly FoundFile[], inventoryHosts: ReadonlySet<string>): Set<string> {
	const bySubfolder = new Map<string, Set<Kind>>();
	for (const f of files) {
		const parts = relative(root, f.abs).split(sep);
		if (parts.length > 1) bySubfolder.set(parts[0]!, (bySubfolder.get(parts[0]!) ?? new Set()).add(f.kind));
	}
	const perHostLayout = bySubfolder.size > 0 && [...bySubfolder.values()].every(k => k.has('conf') && k.has('compose'));
	return new Set([...bySubfolder.keys()].filter(name => isAddress(name) || inventoryHosts.has(name) || (perHostLayout && isHostname(name))));
}

/** The host of a file: a host folder under its root, else the deepest IP-named folder in its path. */
function hostOf(file: FoundFile, hostFolders: Map<string, Set<string>>): string | undefined {
	if (file.root !== undefined) {
		const first = relative(file.root, file.abs).split(sep)[0]!;
		if (hostFolders.get(file.root)?.has(first) && first !== relative(file.root, file.abs)) return first;
	}
	return file.abs.split(sep).slice(0, -1).reverse().find(isAddress);
}

export async function loadLintInput(paths: readonly string[], cwd = process.cwd()): Promise<LoadedLintInput> {
	const problems: string[] = [];
	const found = new Map<string, FoundFile>();
	for (const arg of paths) {
		const abs = resolve(cwd, arg);
		const info = await stat(abs).catch(() => undefined);
		if (!info) {
			problems.push(`${arg}: no such file or directory (looked for ${abs}); check the path`);
			continue;
		}
		const candidates = info.isDirectory() ? await walk(abs) : [abs];
		let matched = 0;
		for (const file of candidates) {
			if (found.has(file)) continue;
			const read = await classify(file, !info.isDirectory()).catch((error: NodeJS.ErrnoException) => error);
			if (read instanceof Error) {
				problems.push(`${file}: cannot be read (${read.code ?? read.message}); check its permissions`);
				continue;
			}
			const {kind, text} = read;
			if (!kind) continue;
			matched++;
			found.set(file, {abs: file, root: info.isDirectory() ? abs : undefined, kind, text});
		}
		if (matched === 0) {
			problems.push(info.isDirectory()
				? `${arg}: no broker .conf/.properties, docker-compose*.yml or cluster.yaml inside; name a folder that holds them`
				: `${arg}: not a broker conf, compose file or cluster file; name .conf/.properties, docker-compose*.yml or cluster.yaml files`);
		}
	}
	const files = [...found.values()];
	const display = (abs: string) => {
		const rel = relative(cwd, abs);
		return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
	};
	const inventories = files.filter(f => f.kind === 'inventory').map(f => ({path: display(f.abs), text: f.text, root: f.root}));
	const hostIps: Record<string, string> = {};
	const inventoryHostsByRoot = new Map<string, Set<string>>();
	for (const inv of inventories) {
		const parsed = parseClusterText(inv.text);
		if (!parsed.ok || inv.root === undefined) continue;
		for (const h of parsed.value.hosts) hostIps[h.name] = h.ip;
		inventoryHostsByRoot.set(inv.root, new Set([...(inventoryHostsByRoot.get(inv.root) ?? []), ...parsed.value.hosts.map(h => h.name)]));
	}
	const roots = new Set(files.map(f => f.root).filter((r): r is string => r !== undefined));
	const hostFolders = new Map([...roots].map(root => [root, hostFoldersOf(root, files.filter(f => f.root === root), inventoryHostsByRoot.get(root) ?? new Set())]));
	const source = (f: FoundFile): LintSource => ({path: display(f.abs), host: hostOf(f, hostFolders), text: f.text});
	return {
		input: {
			confs: files.filter(f => f.kind === 'conf').map(source),
			composes: files.filter(f => f.kind === 'compose').map(source),
			hostIps,
		},
		inventories: inventories.map(({path, text}) => ({path, text})),
		problems,
		fileCount: files.length,
	};
}

/** Lint a cluster file and the files rmq-tui renders from it (findings on those name `<cluster file> → host:path`). */
function lintInventory(path: string, text: string): Finding[] {
	const {findings, cluster} = lintClusterText(path, text);
	const plan = cluster && buildPlan(cluster);
	if (!plan?.ok) return findings;
	const hostIps = Object.fromEntries(plan.plan.hosts.map(h => [h.spec.name, h.spec.ip]));
	const rendered = lintRendered(renderCluster(plan.plan), hostIps).map(f => ({...f, file: `${path} → ${f.file}`}));
	return [...findings, ...rendered];
}

/** Everything `rmq-tui lint PATH...` does short of printing. */
export async function lintPaths(paths: readonly string[], cwd = process.cwd()): Promise<{findings: Finding[]; problems: string[]; fileCount: number}> {
	const loaded = await loadLintInput(paths, cwd);
	if (loaded.problems.length > 0) return {findings: [], problems: loaded.problems, fileCount: loaded.fileCount};
	const findings = [...lintFiles(loaded.input), ...loaded.inventories.flatMap(inv => lintInventory(inv.path, inv.text))];
	return {findings: sortFindings(findings), problems: [], fileCount: loaded.fileCount};
}
