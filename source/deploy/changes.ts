/**
 * What a deploy would change (pure): from the plan, its rendered files and what every host holds now, the file
 * actions, the dirs, the images, the container actions and their Raft-aware order. The dry-run prints this; the
 * executor carries it out. Running it again after a deploy gives no changes.
 */
import type {Plan} from '../plan/types.ts';
import {IMAGE} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import {diffContainers, orphans, type ContainerAction, type OrphanContainer} from './diff.ts';
import {diffFiles, type FileAction} from './files.ts';
import type {DirSpec} from './host.ts';
import type {ObservedContainer} from './observed.ts';
import {rolloutSteps, rolloutWarnings, type RolloutStep} from './rollout.ts';
import {containerSpecs, type ContainerSpec} from './spec.ts';

/** What was read from one host before deciding anything. */
export interface HostState {
	files: ReadonlyMap<string, string>;
	containers: readonly ObservedContainer[];
	/** image reference → ID on this host (absent: not there). */
	imageIds: ReadonlyMap<string, string>;
	networks: readonly string[];
}

export interface HostChanges {
	host: string;
	dirs: DirSpec[];
	files: FileAction[];
	/** Images this host needs that it does not have. */
	missingImages: string[];
	createNetwork: boolean;
	containers: ContainerAction[];
	orphans: OrphanContainer[];
}

export interface Changes {
	hosts: HostChanges[];
	steps: RolloutStep[];
	warnings: string[];
}

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** Dirs to create: the containers' writable dirs (owned by the image's uid) and every file's dir (root's). */
export function hostDirs(plan: Plan, hostName: string, files: readonly RenderedFile[]): DirSpec[] {
	const host = plan.hosts.find(h => h.spec.name === hostName)!;
	const writable = new Set(host.writableDirs);
	const dirs: DirSpec[] = host.writableDirs.map(path => ({path, uid: IMAGE.uid, gid: IMAGE.gid}));
	for (const dir of new Set(files.map(f => dirOf(f.path)))) if (!writable.has(dir)) dirs.push({path: dir});
	return dirs;
}

export function imagesOf(specs: readonly ContainerSpec[]): string[] {
	return [...new Set(specs.map(s => s.image))];
}

export function computeChanges(
	plan: Plan,
	files: readonly RenderedFile[],
	states: ReadonlyMap<string, HostState>,
	leaderOf: (group: string) => string | undefined,
	at: Date,
): Changes {
	const specs = containerSpecs(files);
	const hosts = plan.hosts.map((h): HostChanges => {
		const name = h.spec.name;
		const state = states.get(name);
		if (!state) throw new Error(`no state read from host ${name}`);
		const mine = specs.filter(s => s.host === name);
		const myFiles = files.filter(f => f.host === name);
		return {
			host: name,
			dirs: hostDirs(plan, name, myFiles),
			files: diffFiles(myFiles, state.files, at),
			missingImages: imagesOf(mine).filter(image => !state.imageIds.has(image)),
			createNetwork: mine.length > 0 && !state.networks.includes(plan.options.network),
			containers: diffContainers(plan.options.name, mine, state.containers, state.imageIds),
			orphans: orphans(plan.options.name, specs.filter(s => s.host === name), state.containers),
		};
	});
	const steps = rolloutSteps(hosts.flatMap(h => h.containers), leaderOf);
	return {hosts, steps, warnings: rolloutWarnings(steps)};
}

/** True when a deploy would change nothing on any host (the idempotence the tests check). */
export function isNoop(changes: Changes): boolean {
	return changes.hosts.every(
		h => h.files.every(f => f.kind === 'unchanged') && h.missingImages.length === 0 && !h.createNetwork && h.containers.every(c => c.kind === 'keep') && h.orphans.length === 0,
	);
}
