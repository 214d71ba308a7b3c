/** Cluster files and plans for the plan and render tests. */
import assert from 'node:assert/strict';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import type {ClusterFile, HostSpec} from '../../source/inventory/schema.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan, PlanError} from '../../source/plan/types.ts';

/** The deployment guide's three hosts. */
export const SEED_IPS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'] as const;

/** `count` hosts named h0, h1, … with IPs 10.0.0.1, 10.0.0.2, … */
export function namedHosts(count: number, first = 0): HostSpec[] {
	return Array.from({length: count}, (_, i) => {
		const n = first + i;
		const ip = `10.0.0.${n + 1}`;
		return {name: `h${n}`, ssh: {host: ip}, ip};
	});
}

export function seedCluster(overrides: Partial<ClusterFile> = {}): ClusterFile {
	return {...clusterFromHosts([...SEED_IPS]), ...overrides};
}

/** A default cluster on `hosts` (a count, or specs) with `groups` × `replicas`. */
export function clusterOn(hosts: number | HostSpec[], groups: number, replicas: number, overrides: Partial<ClusterFile> = {}): ClusterFile {
	const specs = typeof hosts === 'number' ? namedHosts(hosts) : hosts;
	return {...clusterFromHosts(specs.map(h => h.ip)), hosts: specs, groups, replicas, ...overrides};
}

export function planOf(cluster: ClusterFile): Plan {
	const result = buildPlan(cluster);
	if (!result.ok) assert.fail(`plan refused: ${JSON.stringify(result.errors, null, 1)}`);
	return result.plan;
}

export function planErrorsOf(cluster: ClusterFile): PlanError[] {
	const result = buildPlan(cluster);
	if (result.ok) assert.fail('expected the plan to be refused');
	for (const e of result.errors) assert.ok(e.fix.length > 0, `plan error at ${e.path} has no fix`);
	return result.errors;
}

/** The cluster as exported/deployed: its computed placement written back into it. */
export function pinned(cluster: ClusterFile): ClusterFile {
	return {...cluster, placement: structuredClone(planOf(cluster).placement)};
}

/** Replicas per host name (0 for hosts holding none). */
export function loads(plan: Plan): Map<string, number> {
	return new Map(plan.hosts.map(h => [h.spec.name, h.brokers.length]));
}

/** `group/selfId` → where that replica runs and keeps its data. */
export function replicaSites(plan: Plan): Map<string, {host: string; storeDir: string}> {
	return new Map(plan.groups.flatMap(g => g.replicas.map(r => [`${g.name}/${r.selfId}`, {host: r.host, storeDir: r.storeDir}] as const)));
}

/** Every group's replicas are on distinct hosts, ids n0..n(R-1), and loads differ by at most one. */
export function assertSpreadAndBalanced(plan: Plan, replicas: number, label: string): void {
	for (const group of plan.groups) {
		assert.deepEqual(group.replicas.map(r => r.selfId), Array.from({length: replicas}, (_, i) => `n${i}`), `${label}: ids of ${group.name}`);
		const hosts = group.replicas.map(r => r.host);
		assert.equal(new Set(hosts).size, replicas, `${label}: ${group.name} has two replicas on one host (${hosts.join(', ')})`);
	}
	const counts = [...loads(plan).values()];
	assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${label}: unbalanced loads ${counts.join(', ')}`);
}
