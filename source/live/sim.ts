/**
 * `monitor --sim`: the seed cluster (3 hosts, 2 groups) deployed by the real executor onto simulated hosts (the
 * protocol simulator on loopback), and the pane's sources over it. The probe runs on the simulator's clock, so
 * drill times are in simulated time, as the simulator's own record is (with --time-scale N both run N× faster).
 */
import {deploy, type Operator} from '../deploy/execute.ts';
import {simWorld, type SimWorld} from '../deploy/sim-world.ts';
import {clusterFromHosts} from '../inventory/from-flags.ts';
import {buildPlan} from '../plan/plan.ts';
import type {Plan} from '../plan/types.ts';
import {observer} from '../probe/observer.ts';
import {targetsFromPlan} from '../probe/targets.ts';
import {renderCluster} from '../render/render.ts';
import {RemotingClient} from '../rocketmq/client.ts';
import {mappedTcp} from '../rocketmq/transport.ts';
import type {PaneSources} from './controller.ts';

export const SIM_SEED_HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];

export interface SimPaneOptions {
	/** Default: the seed's three hosts, every option at its default. */
	plan?: Plan;
	/** Speed-up of simulated time (default 1: the real DLedger timers). */
	scale?: number;
	/** Where host i really listens (default 127.0.0.(11+i), the planned ports). */
	placement?: ReadonlyArray<{ip: string; shift: number}>;
	/** Per probe request, in real ms (default 300: loopback answers in a millisecond; a frozen node never does). */
	probeTimeoutMs?: number;
	operator?: Operator;
	/** Deploy progress, one line at a time. */
	progress?: (line: string) => void;
}

export interface SimPane {
	plan: Plan;
	world: SimWorld;
	sources: PaneSources;
	/** The simulator's clock: the pane's reference clock. */
	now: () => number;
	close(): Promise<void>;
}

export function seedPlan(): Plan {
	const planned = buildPlan(clusterFromHosts(SIM_SEED_HOSTS));
	if (!planned.ok) throw new Error(planned.errors.map(e => e.message).join('; '));
	return planned.plan;
}

/** What the executor is given on simulated hosts: loopback answers at once, so poll often; elections take seconds. */
export const SIM_DEPLOY_OPTIONS = {timeoutMs: 120_000, pollMs: 50} as const;

/** The pane's sources over a simulated world, with a probe on the simulator's clock (drill times in simulated time). */
export function simPaneSources(world: SimWorld, options: {scale?: number; probeTimeoutMs?: number} = {}): Omit<SimPane, 'world'> {
	const {plan} = world;
	const scale = options.scale ?? 1;
	const timeoutMs = options.probeTimeoutMs ?? 300;
	const client = new RemotingClient({socketFactory: mappedTcp(world.map, {connectTimeoutMs: timeoutMs}), timeoutMs});
	const now = () => world.clock.now();
	const observe = observer(client, {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(plan)}, now);
	return {
		plan,
		now,
		sources: {plan, hosts: world.hosts, observe, source: scale === 1 ? 'simulated' : `simulated ×${scale}`},
		close: () => client.close(),
	};
}

/** Simulated hosts, the cluster deployed onto them (and elected), and a probe on the simulator's clock. */
export async function openSimPane(options: SimPaneOptions = {}): Promise<SimPane> {
	const plan = options.plan ?? seedPlan();
	const scale = options.scale ?? 1;
	const images = Object.fromEntries([plan.options.image, plan.options.console.image].map((image, i) => [image, `sha256:${'sim'.padEnd(64, String(i))}`]));
	const world = await simWorld(plan, {scale, images, ...(options.placement ? {placement: options.placement} : {})});
	try {
		const result = await deploy({
			plan,
			files: renderCluster(plan),
			hosts: world.hosts,
			observe: world.observe,
			operator: options.operator ?? {user: 'rmq-tui', from: 'simulator', pid: process.pid},
			emit: event => {
				if (event.type === 'rollout' && event.state === 'ok') options.progress?.(`  ✓ ${event.title}`);
			},
			options: SIM_DEPLOY_OPTIONS,
		});
		if (!result.ok) throw new Error(`the simulated deploy failed: ${result.failures.map(f => f.message).join('; ')}`);
	} catch (error) {
		await world.close();
		throw error;
	}
	const pane = simPaneSources(world, {scale, ...(options.probeTimeoutMs !== undefined ? {probeTimeoutMs: options.probeTimeoutMs} : {})});
	return {
		...pane,
		world,
		close: async () => {
			await pane.close();
			await world.close();
		},
	};
}
