// cgroups of the test harness (cgroup v1 or v2, cgroupfs: no systemd): where our processes are tracked, every pid
// of a subtree, the freezer, memory, killing everything inside and removing the directories. Every function that
// walks, kills or removes takes the caller's name prefix and refuses any other cgroup.
import {existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync, type Dirent} from 'node:fs';
import {join} from 'node:path';
import {kill, sleepSync, tick} from './processes.ts';

const CG = '/sys/fs/cgroup';
export const CG_V2 = existsSync(join(CG, 'cgroup.controllers'));

const dirents = (dir: string): Dirent[] => {
	try {
		return readdirSync(dir, {withFileTypes: true});
	} catch {
		return [];
	}
};

/** Hierarchies our processes join (v1: these controllers, when mounted; v2: the unified tree). */
export function cgroupRoots(controllers: readonly string[] = ['pids', 'memory', 'freezer']): string[] {
	if (CG_V2) return [CG];
	return controllers.map(c => join(CG, c)).filter(d => existsSync(join(d, 'cgroup.procs')));
}

/** Every hierarchy (v1: each mounted controller; dockerd creates container cgroups in all of them). */
function allRoots(): string[] {
	return CG_V2 ? [CG] : dirents(CG).map(d => join(CG, d.name));
}

/** Every pid in the subtree <root>/<cg> (ours only: cg must start with prefix). */
export function cgroupPids(cg: string, prefix: string, root: string | undefined = cgroupRoots()[0]): number[] {
	if (root === undefined || !cg.startsWith(prefix)) return [];
	const pids = new Set<number>();
	const walk = (dir: string) => {
		for (const e of dirents(dir)) {
			if (e.isDirectory()) walk(join(dir, e.name));
			else if (e.name === 'cgroup.procs') {
				try {
					for (const l of readFileSync(join(dir, e.name), 'utf8').split('\n')) if (l.trim() !== '') pids.add(Number(l));
				} catch {}
			}
		}
	};
	walk(join(root, cg));
	pids.delete(process.pid);
	return [...pids];
}

/** Our cgroup names (starting with prefix) present in any hierarchy. */
export function cgroupsNamed(prefix: string): string[] {
	const names = new Set<string>();
	for (const r of allRoots()) for (const e of dirents(r)) if (e.name.startsWith(prefix)) names.add(e.name);
	return [...names];
}

/** rmdir <every hierarchy>/<cg> depth-first (only empty cgroups go). */
export function removeCgroup(cg: string, prefix: string): void {
	if (!cg.startsWith(prefix)) return;
	const rm = (dir: string) => {
		for (const e of dirents(dir)) if (e.isDirectory()) rm(join(dir, e.name));
		try {
			rmdirSync(dir);
		} catch {}
	};
	for (const r of allRoots()) rm(join(r, cg));
}

function freezerFile(cg: string): string | undefined {
	const f = CG_V2 ? join(CG, cg, 'cgroup.freeze') : join(CG, 'freezer', cg, 'freezer.state');
	return existsSync(f) ? f : undefined;
}

export function isFrozen(cg: string): boolean {
	const f = freezerFile(cg);
	if (f === undefined) return false;
	try {
		const v = readFileSync(f, 'utf8').trim();
		return CG_V2 ? v === '1' : v !== 'THAWED';
	} catch {
		return false;
	}
}

/** v1: the freezer state reached FROZEN (v2 freezes synchronously enough: always true). */
export function frozenDone(cg: string): boolean {
	if (CG_V2) return true;
	const f = freezerFile(cg);
	return f !== undefined && readFileSync(f, 'utf8').trim() === 'FROZEN';
}

export function setFrozen(cg: string, frozen: boolean): void {
	const f = freezerFile(cg);
	if (f === undefined) throw new Error(`no freezer cgroup for ${cg}`);
	writeFileSync(f, CG_V2 ? (frozen ? '1' : '0') : frozen ? 'FROZEN' : 'THAWED');
}

export function cgroupMemory(cg: string): number {
	const f = CG_V2 ? join(CG, cg, 'memory.current') : join(CG, 'memory', cg, 'memory.usage_in_bytes');
	try {
		return Number(readFileSync(f, 'utf8').trim());
	} catch {
		return 0;
	}
}

export interface KillOptions {
	/** Give up after (default 10 s). */
	ms?: number;
	/** Pause between rounds (default 30 ms). */
	pauseMs?: number;
	/** Hierarchy to find the pids in (default the first of cgroupRoots()). */
	root?: string;
	/** Thaw first: a frozen task dies only when thawed. */
	thaw?: boolean;
}

/**
 * Thaw every frozen cgroup of the subtree, nested ones included: runc freezes a container's own cgroup while it
 * signals its processes, and a runc killed at that moment leaves it frozen, with tasks no SIGKILL can end.
 */
export function thawSubtree(cg: string, prefix: string): void {
	if (!cg.startsWith(prefix)) return;
	const walk = (rel: string) => {
		try {
			if (isFrozen(rel)) setFrozen(rel, false);
		} catch {}
		const dir = CG_V2 ? join(CG, rel) : join(CG, 'freezer', rel);
		for (const e of dirents(dir)) if (e.isDirectory()) walk(join(rel, e.name));
	};
	walk(cg);
}

function killRound(cg: string, prefix: string, o: KillOptions): () => boolean {
	const end = Date.now() + (o.ms ?? 10_000);
	return () => {
		if (o.thaw) thawSubtree(cg, prefix);
		const pids = cgroupPids(cg, prefix, o.root ?? cgroupRoots()[0]);
		if (pids.length === 0 || Date.now() >= end) return false;
		kill(pids);
		return true;
	};
}

/** SIGKILL every process of the cgroup, round after round, until none is left (or the time is up). */
export function killCgroupSync(cg: string, prefix: string, o: KillOptions = {}): void {
	const round = killRound(cg, prefix, o);
	while (round()) sleepSync(o.pauseMs ?? 30);
}

export async function killCgroup(cg: string, prefix: string, o: KillOptions = {}): Promise<void> {
	const round = killRound(cg, prefix, o);
	while (round()) await tick(o.pauseMs ?? 30);
}
