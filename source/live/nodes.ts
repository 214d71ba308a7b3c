/**
 * The nodes the pane lists and the selection moves over (pure): with a plan, every container of every host in
 * the plan's host order (name server, the brokers by group, the console); without one (`--namesrv` only), the
 * replicas the probe discovered, which can be looked at but not acted on.
 */
import {drillTargets, type DrillTarget} from '../drill/target.ts';
import type {Plan} from '../plan/types.ts';
import type {ClusterSnapshot} from '../probe/types.ts';

const KIND_ORDER = {namesrv: 0, broker: 1, console: 2} as const;

/** Drill targets grouped by host, in the plan's host order. */
export function paneTargets(plan: Plan): DrillTarget[] {
	const hostIndex = new Map(plan.hosts.map((h, i) => [h.spec.name, i]));
	return drillTargets(plan)
		.map((t, i) => ({t, i}))
		.sort((a, b) => (hostIndex.get(a.t.host) ?? 0) - (hostIndex.get(b.t.host) ?? 0) || KIND_ORDER[a.t.kind] - KIND_ORDER[b.t.kind] || a.i - b.i)
		.map(x => x.t);
}

/** Ids the selection moves over. */
export function selectableIds(targets: readonly DrillTarget[], snapshot: ClusterSnapshot | undefined): string[] {
	if (targets.length > 0) return targets.map(t => t.id);
	return (snapshot?.groups ?? []).flatMap(g => g.replicas.map(r => `${g.group}/${r.selfId}`));
}

/** The selection moved by `delta` (clamped); the first id when nothing (or something gone) was selected. */
export function moveSelection(ids: readonly string[], selected: string | undefined, delta: number): string | undefined {
	if (ids.length === 0) return selected;
	const at = selected === undefined ? -1 : ids.indexOf(selected);
	if (at < 0) return ids[0];
	return ids[Math.max(0, Math.min(ids.length - 1, at + delta))];
}

/** Short label for compact rows: `ns`, `00/n0`, `console`. */
export function shortLabel(t: DrillTarget): string {
	if (t.kind === 'namesrv') return 'ns';
	if (t.kind === 'console') return 'console';
	const suffix = /(\d+)$/.exec(t.group)?.[1];
	return `${suffix ?? t.group}/${t.selfId}`;
}

/** Where a broker's 4.7.1 log files are on its host (the logs dir is mounted at /home/rocketmq/logs). */
export function brokerLogFiles(plan: Plan, t: DrillTarget): string[] {
	if (t.kind !== 'broker') return [];
	const b = plan.groups.find(g => g.name === t.group)?.replicas.find(r => r.selfId === t.selfId);
	if (!b) return [];
	const dir = `${b.logsDir.replace(/\/+$/, '')}/rocketmqlogs`;
	return [`${dir}/broker.log`, `${dir}/broker_default.log`];
}
