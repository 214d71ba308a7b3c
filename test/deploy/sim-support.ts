/** Shared by the tests that deploy to simulated hosts. */
import assert from 'node:assert/strict';
import type {DeployEvent} from '../../source/deploy/events.ts';
import type {DeployRequest} from '../../source/deploy/execute.ts';
import {simWorld, type SimWorld} from '../../source/deploy/sim-world.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import type {ClusterFile} from '../../source/inventory/schema.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {renderCluster} from '../../source/render/render.ts';

export const HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
export const IMAGES = {'apacherocketmq/rocketmq:4.7.1-alpine': 'sha256:aaa', 'apacherocketmq/rocketmq-console:2.0.0': 'sha256:ccc'};

export function planOf(cluster: ClusterFile): Plan {
	const result = buildPlan(cluster);
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return result.plan;
}

export const seed = (extra: Record<string, string> = {}): ClusterFile =>
	clusterFromHosts(HOSTS, {ports: {namesrv: 29876, listen: 40911, dledger: 50911}, brokerProperties: extra});

export function request(world: SimWorld, plan: Plan, events: DeployEvent[], options: DeployRequest['options'] = {}): DeployRequest {
	return {
		plan,
		files: renderCluster(plan),
		hosts: world.hosts,
		observe: world.observe,
		operator: {user: 'tester', from: 'ci', pid: 1},
		emit: e => events.push(e),
		options: {timeoutMs: 20_000, pollMs: 50, ...options},
	};
}

/**
 * `firstIp`: host i listens on 127.0.0.(firstIp + i). Test files run two at a time, so each file keeps its own
 * range: sim-deploy 41–55, sim-teardown 56–58, cli/deploy 61–63, ui/deploy 71–79, live-sim 81–83, panes 101–113.
 */
export async function withWorld(plan: Plan, run: (world: SimWorld) => Promise<void>, firstIp = 41): Promise<void> {
	const world = await simWorld(plan, {scale: 10, images: IMAGES, placement: HOSTS.map((_, i) => ({ip: `127.0.0.${firstIp + i}`, shift: 0}))});
	try {
		await run(world);
	} finally {
		await world.close();
	}
}

