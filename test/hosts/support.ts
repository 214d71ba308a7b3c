/**
 * Shared by the tests on real test hosts (test/testbed: three network-namespace hosts with OpenSSH and Docker):
 * a cluster file for them, the real fleet (SSH sessions) with the testbed's known_hosts, and a deploy call.
 */
import type {TestContext} from 'node:test';
import type {DeployEvent} from '../../source/deploy/events.ts';
import {deploy, type DeployOptions, type DeployResult} from '../../source/deploy/execute.ts';
import {realFleet, type Fleet, type RealFleetOptions} from '../../source/deploy/fleet.ts';
import {withRecord} from '../../source/deploy/record.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import type {ClusterFile} from '../../source/inventory/schema.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {renderCluster} from '../../source/render/render.ts';
import {need} from '../support/need.ts';
import {after, before} from 'node:test';
import {buildTestImages} from '../testbed/images.ts';
import {startTestbed, testbedMissing, type Testbed} from '../testbed/testbed.ts';

export function needTestbed(t: TestContext): boolean {
	const missing = testbedMissing();
	return need(t, missing.join('; '), missing.length === 0);
}

/** The seed topology (3 hosts × 2 groups × 3 replicas) on the testbed's hosts, as `user`, with the testbed's key. */
export function testCluster(bed: Testbed, options: {user?: string; brokerProperties?: Record<string, string>; heap?: string} = {}): ClusterFile {
	const base = clusterFromHosts(
		bed.hosts.map(h => h.ip),
		{heap: {broker: options.heap ?? '256m', namesrv: '128m'}, ...(options.brokerProperties ? {brokerProperties: options.brokerProperties} : {})},
	);
	return {...base, hosts: base.hosts.map(h => ({...h, ssh: {...h.ssh, user: options.user ?? 'root', identity: bed.clientKey}}))};
}

export function planFor(cluster: ClusterFile): Plan {
	const result = buildPlan(cluster);
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.plan;
}

export function fleetFor(bed: Testbed, plan: Plan, options: Partial<RealFleetOptions> = {}): Fleet {
	return realFleet(plan, {
		ask: async () => undefined,
		confirmUnknownHost: async () => false,
		knownHostsFile: bed.knownHostsFile,
		agent: null,
		...options,
	});
}

export interface Deployed {
	result: DeployResult;
	events: DeployEvent[];
}

/** One deploy of `cluster` to the testbed through real SSH sessions (closed afterwards). */
export async function deployTo(
	bed: Testbed,
	cluster: ClusterFile,
	options: DeployOptions = {},
	hooks: {onEvent?: (e: DeployEvent) => void; fleet?: Partial<RealFleetOptions>} = {},
): Promise<Deployed> {
	const plan = planFor(cluster);
	const fleet = fleetFor(bed, plan, hooks.fleet);
	const events: DeployEvent[] = [];
	try {
		const result = await deploy({
			plan,
			files: withRecord(cluster, plan, renderCluster(plan)),
			hosts: fleet.hosts,
			observe: fleet.observe,
			operator: {user: 'tester', from: 'testbed', pid: process.pid},
			emit: e => {
				events.push(e);
				hooks.onEvent?.(e);
			},
			options: {timeoutMs: 90_000, pollMs: 250, ...options},
		});
		return {result, events};
	} finally {
		await fleet.close();
	}
}

/** Container name → [id, startedAt] on every host, through the testbed's own docker CLI (not the code under test). */
export async function containerIds(bed: Testbed): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const h of bed.hosts) {
		const ids = (await bed.dockerOk(h, ['ps', '-aq'])).split('\n').filter(Boolean);
		if (ids.length === 0) continue;
		const lines = (await bed.dockerOk(h, ['inspect', '--format', '{{.Name}} {{.Id}} {{.State.StartedAt}}', ...ids])).split('\n');
		for (const line of lines) {
			const [name, id, started] = line.split(' ');
			out[`${h.name}${name}`] = `${id} ${started}`;
		}
	}
	return out;
}

/** One testbed (3 hosts) and the test image archive for a whole test file: started before its tests, stopped after. */
export function useTestbed(): {bed: () => Testbed | undefined; archive: () => string} {
	let bed: Testbed | undefined;
	let archive = '';
	before(async () => {
		if (testbedMissing().length > 0) return;
		bed = await startTestbed({hosts: 3});
		archive = await buildTestImages();
	});
	after(async () => bed?.stop());
	return {bed: () => bed, archive: () => archive};
}

/** Every container, image and file of a cluster gone from every host (a fresh start for the next deploy). */
export const wipeHosts = async (b: Testbed): Promise<void> => {
	await Promise.all(
		b.hosts.map(h => b.exec(h, ['sh', '-c', 'ids=$(docker ps -aq); [ -z "$ids" ] || docker rm -f $ids >/dev/null; docker image prune -af >/dev/null; docker network rm bridge_network >/dev/null 2>&1; rm -rf /data/docker-services'])),
	);
};

/** A testbed (3 hosts) with the seed cluster deployed from the test image archive; undefined without a testbed. */
export async function deployedSeed(): Promise<{bed: Testbed; plan: Plan; setup: string} | undefined> {
	if (testbedMissing().length > 0) return undefined;
	const bed = await startTestbed({hosts: 3});
	const archive = await buildTestImages();
	const cluster = testCluster(bed);
	const deployStart = Date.now();
	const deployed = await deployTo(bed, cluster, {imageArchive: archive});
	if (deployed.result.failures.length > 0) throw new Error(`the seed did not deploy: ${JSON.stringify(deployed.result.failures)}`);
	return {bed, plan: planFor(cluster), setup: `testbed up in ${bed.timings.upMs} ms (${bed.timings.lockWaitMs} ms waiting for another), deploy ${Date.now() - deployStart} ms`};
}
