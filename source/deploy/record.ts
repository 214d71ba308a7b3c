/**
 * The record a deploy leaves on every host: the cluster file with the placement it realised pinned
 * (`<baseDir>/.rmq-tui/cluster.yaml`). The next deploy reads it when the local cluster file has no placement, so
 * a replica never moves to another host's store. Pure.
 */
import {parse} from 'yaml';
import type {ClusterFile, Placement} from '../inventory/schema.ts';
import {clusterToYaml} from '../inventory/write.ts';
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import type {Host} from './host.ts';

export const recordPath = (plan: Plan): string => `${plan.options.baseDir}/.rmq-tui/cluster.yaml`;

/** The deployed record of the cluster (pinned placement) as one more file on every host. */
export function withRecord(cluster: ClusterFile, plan: Plan, files: readonly RenderedFile[]): RenderedFile[] {
	const pinned: ClusterFile = {...cluster, placement: plan.placement, console: {...cluster.console, ...(plan.console ? {host: plan.console.host} : {})}};
	const content = clusterToYaml(pinned);
	return [...files, ...plan.hosts.map(h => ({host: h.spec.name, path: recordPath(plan), content, kind: 'cluster-record' as const}))];
}

/** The placement an earlier deploy recorded on the hosts (the first host that has one; unreachable hosts are passed over). */
export async function recordedPlacement(hosts: Iterable<Host>, plan: Plan): Promise<Placement | undefined> {
	for (const host of hosts) {
		try {
			const text = await host.readFile(recordPath(plan));
			const placement = text ? (parse(text) as {placement?: Placement}).placement : undefined;
			if (placement && Object.keys(placement).length > 0) return placement;
		} catch {
			// unreachable: the caller reports it when it uses the host
		}
	}
	return undefined;
}
