/**
 * The record a deploy leaves on every host: the cluster file with the placement it realised pinned
 * (`<baseDir>/.rmq-tui/cluster.yaml`). The next deploy reads it when the local cluster file has no placement, so
 * a replica never moves to another host's store. Pure.
 */
import type {ClusterFile} from '../inventory/schema.ts';
import {clusterToYaml} from '../inventory/write.ts';
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';

export const recordPath = (plan: Plan): string => `${plan.options.baseDir}/.rmq-tui/cluster.yaml`;

/** The deployed record of the cluster (pinned placement) as one more file on every host. */
export function withRecord(cluster: ClusterFile, plan: Plan, files: readonly RenderedFile[]): RenderedFile[] {
	const pinned: ClusterFile = {...cluster, placement: plan.placement, console: {...cluster.console, ...(plan.console ? {host: plan.console.host} : {})}};
	const content = clusterToYaml(pinned);
	return [...files, ...plan.hosts.map(h => ({host: h.spec.name, path: recordPath(plan), content, kind: 'cluster-record' as const}))];
}
