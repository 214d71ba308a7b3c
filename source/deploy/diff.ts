/**
 * Desired containers vs what a host runs (pure): for each container keep, start, create or recreate, with the
 * reasons a recreate is needed in words an operator can check against the dry-run.
 *
 * Only what rmq-tui sets is compared: the image's own environment variables and labels are not ours to judge.
 */
import {LABEL} from '../render/render.ts';
import type {ObservedContainer} from './observed.ts';
import type {ContainerSpec, Mount, PortBinding} from './spec.ts';

export type ContainerAction =
	| {kind: 'keep'; spec: ContainerSpec; observed: ObservedContainer}
	| {kind: 'start'; spec: ContainerSpec; observed: ObservedContainer; reason: string}
	| {kind: 'create'; spec: ContainerSpec}
	| {kind: 'recreate'; spec: ContainerSpec; observed: ObservedContainer; reasons: string[]}
	/** A container of that name exists but was not made by rmq-tui for this cluster: never touched silently. */
	| {kind: 'conflict'; spec: ContainerSpec; observed: ObservedContainer; reason: string};

/** A container of this cluster that the plan no longer has (a shrunk plan). Its data dirs stay. */
export interface OrphanContainer {
	observed: ObservedContainer;
}

const portText = (p: PortBinding): string => `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}:${p.containerPort}`;
const mountText = (m: Mount): string => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`;
const sortedTexts = <T>(items: readonly T[], text: (item: T) => string): string => items.map(text).sort().join(', ');

const short = (text: string, max = 60): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Why an existing container does not match its spec; empty when it does. */
export function differences(spec: ContainerSpec, observed: ObservedContainer, desiredImageId?: string): string[] {
	const reasons: string[] = [];
	if (spec.image !== observed.image) reasons.push(`image ${observed.image} → ${spec.image}`);
	else if (desiredImageId !== undefined && desiredImageId !== observed.imageId) {
		reasons.push(`image ${spec.image} now resolves to ${desiredImageId.slice(0, 19)} (was ${observed.imageId.slice(0, 19)})`);
	}
	// No command: the image's own, which Docker reports back as the container's (compose semantics).
	if (spec.command.length > 0 && JSON.stringify(spec.command) !== JSON.stringify(observed.command)) reasons.push('command changed');
	const env = new Map(observed.env);
	for (const [key, value] of spec.env) {
		const was = env.get(key);
		if (was !== value) reasons.push(`env ${key}: ${was === undefined ? '(unset)' : short(was)} → ${short(value)}`);
	}
	const wantPorts = sortedTexts(spec.ports, portText);
	const havePorts = sortedTexts(observed.ports, portText);
	if (wantPorts !== havePorts) reasons.push(`ports ${havePorts || '(none)'} → ${wantPorts || '(none)'}`);
	const wantMounts = sortedTexts(spec.mounts, mountText);
	const haveMounts = sortedTexts(observed.mounts, mountText);
	if (wantMounts !== haveMounts) reasons.push(`mounts ${haveMounts || '(none)'} → ${wantMounts || '(none)'}`);
	if (spec.init !== observed.init) reasons.push(`init ${observed.init} → ${spec.init}`);
	if (spec.restart !== observed.restart) reasons.push(`restart policy ${observed.restart || '(none)'} → ${spec.restart}`);
	// Compose keeps stop_grace_period to itself (it passes it when stopping): not on the container to compare.
	const byCompose = observed.labels['com.docker.compose.project'] !== undefined;
	if (spec.stopTimeoutSeconds !== undefined && spec.stopTimeoutSeconds !== observed.stopTimeoutSeconds && !byCompose) {
		reasons.push(`stop timeout ${observed.stopTimeoutSeconds === undefined ? 'default' : `${observed.stopTimeoutSeconds}s`} → ${spec.stopTimeoutSeconds}s`);
	}
	for (const [key, value] of Object.entries(spec.labels)) {
		if (observed.labels[key] === value) continue;
		reasons.push(key === LABEL.confDigest ? 'broker conf changed' : `label ${key}: ${observed.labels[key] ?? '(unset)'} → ${value}`);
	}
	if (!observed.networks.includes(spec.network)) reasons.push(`network ${observed.networks.join(', ') || '(none)'} → ${spec.network}`);
	return reasons;
}

export const belongsTo = (observed: ObservedContainer, cluster: string): boolean => observed.labels[LABEL.cluster] === cluster;

/**
 * One action per desired container, in the specs' order. `imageIds` maps an image reference to the ID it has on
 * that host now (a reference missing from it is compared by name only).
 */
export function diffContainers(
	cluster: string,
	specs: readonly ContainerSpec[],
	observed: readonly ObservedContainer[],
	imageIds: ReadonlyMap<string, string> = new Map(),
): ContainerAction[] {
	const byName = new Map(observed.map(c => [c.name, c]));
	return specs.map((spec): ContainerAction => {
		const existing = byName.get(spec.name);
		if (!existing) return {kind: 'create', spec};
		if (!belongsTo(existing, cluster)) {
			const owner = existing.labels[LABEL.cluster];
			return {
				kind: 'conflict',
				spec,
				observed: existing,
				reason: owner
					? `container ${spec.name} belongs to cluster ${owner}, not ${cluster}`
					: `container ${spec.name} exists but was not created by rmq-tui (made by hand, e.g. from the guide?)`,
			};
		}
		const reasons = differences(spec, existing, imageIds.get(spec.image));
		if (reasons.length > 0) return {kind: 'recreate', spec, observed: existing, reasons};
		if (existing.state === 'running') return {kind: 'keep', spec, observed: existing};
		if (existing.state === 'paused') return {kind: 'start', spec, observed: existing, reason: 'paused: will be unpaused'};
		return {kind: 'start', spec, observed: existing, reason: `${existing.state}: will be started`};
	});
}

/** Containers of this cluster on a host that no desired spec names. */
export function orphans(cluster: string, specs: readonly ContainerSpec[], observed: readonly ObservedContainer[]): OrphanContainer[] {
	const wanted = new Set(specs.map(s => s.name));
	return observed.filter(c => belongsTo(c, cluster) && !wanted.has(c.name)).map(c => ({observed: c}));
}
