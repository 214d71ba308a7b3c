/**
 * The export tree (pure): `<host>/<absolute remote path>` for every rendered file, the dirs the
 * containers write to, a RUNBOOK.md per host, SUMMARY.md and the pinned cluster.yaml.
 */
import {clusterToYaml} from '../inventory/write.ts';
import type {ClusterFile} from '../inventory/schema.ts';
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import {renderRunbook} from './runbook.ts';
import {renderSummary} from './summary.ts';

export interface TreeEntry {
	/** Relative to the export directory, `/`-separated. */
	path: string;
	/** Absent for an (empty) directory. */
	content?: string;
}

/** Where a remote absolute path lands in the export tree. */
export const mirrorPath = (host: string, remotePath: string): string => `${host}/${remotePath.replace(/^\/+/, '')}`;

export function exportTree(cluster: ClusterFile, plan: Plan, files: readonly RenderedFile[]): TreeEntry[] {
	// Pin what reordering hosts would otherwise move: replicas, and the console (default: the first host).
	const pinned: ClusterFile = {
		...cluster,
		placement: plan.placement,
		console: {...cluster.console, ...(plan.console ? {host: plan.console.host} : {})},
	};
	const entries: TreeEntry[] = [
		{path: 'cluster.yaml', content: clusterToYaml(pinned)},
		{path: 'SUMMARY.md', content: renderSummary(plan, files)},
	];
	for (const host of plan.hosts) {
		const name = host.spec.name;
		entries.push({path: `${name}/RUNBOOK.md`, content: renderRunbook(plan, host, files.filter(f => f.host === name))});
		for (const file of files.filter(f => f.host === name)) entries.push({path: mirrorPath(name, file.path), content: file.content});
		for (const dir of host.writableDirs) entries.push({path: mirrorPath(name, dir)});
	}
	return entries;
}
