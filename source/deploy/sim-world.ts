/**
 * A whole simulated deployment target: one SimHost per planned host over one simulated cluster whose processes
 * advertise the plan's addresses but listen on loopback (host i → 127.0.0.(11+i), or 127.0.0.1 with ports shifted
 * where that cannot be bound), and a probe that dials through the same mapping. Nothing but loopback is dialled.
 */
import type {Plan} from '../plan/types.ts';
import {observer, type Observe} from '../probe/observer.ts';
import {targetsFromPlan} from '../probe/targets.ts';
import {RemotingClient} from '../rocketmq/client.ts';
import {mappedTcp, type Endpoint} from '../rocketmq/transport.ts';
import {RealClock, seededRandom, type Clock} from '../sim/clock.ts';
import {SimCluster, type SimTimings} from '../sim/cluster.ts';
import {SimHost} from './sim-host.ts';

export interface SimWorldOptions {
	/** Speed-up of simulated time (1 = the real timers). */
	scale?: number;
	seed?: number;
	opMs?: number;
	imageSeconds?: number;
	/** The registry does not answer from any host, with this error. */
	registryError?: string;
	/** Images every host has from the start (reference → ID). */
	images?: Record<string, string>;
	/** Where each host's addresses really listen; default 127.0.0.(11+i) with the planned ports. */
	placement?: ReadonlyArray<{ip: string; shift: number}>;
	timings?: Partial<SimTimings>;
	logDir?: string;
	probeTimeoutMs?: number;
}

export interface SimWorld {
	plan: Plan;
	clock: Clock;
	cluster: SimCluster;
	hosts: Map<string, SimHost>;
	observe: Observe;
	/** Planned endpoint → where it really listens. */
	map: (endpoint: Endpoint) => Endpoint;
	close(): Promise<void>;
}

export async function simWorld(plan: Plan, options: SimWorldOptions = {}): Promise<SimWorld> {
	const placement = options.placement ?? plan.hosts.map((_, i) => ({ip: `127.0.0.${11 + i}`, shift: 0}));
	const byIp = new Map(plan.hosts.map((h, i) => [h.spec.ip, placement[i]!] as const));
	const map = (e: Endpoint): Endpoint => {
		const p = byIp.get(e.host);
		return p ? {host: p.ip, port: e.port + p.shift} : e;
	};
	const clock = new RealClock({scale: options.scale ?? 1});
	const cluster = SimCluster.fromPlan(plan, {
		clock,
		random: seededRandom(options.seed ?? 1),
		bind: map,
		...(options.timings ? {timings: options.timings} : {}),
		...(options.logDir ? {logDir: options.logDir} : {}),
	});
	await cluster.listen();
	const hosts = new Map(
		plan.hosts.map(h => [
			h.spec.name,
			new SimHost({
				name: h.spec.name,
				ip: h.spec.ip,
				cluster,
				clock,
				...(options.opMs !== undefined ? {opMs: options.opMs} : {}),
				...(options.imageSeconds !== undefined ? {imageSeconds: options.imageSeconds} : {}),
				...(options.registryError !== undefined ? {registryError: options.registryError} : {}),
				...(options.images ? {images: options.images} : {}),
			}),
		]),
	);
	const timeout = options.probeTimeoutMs ?? 1000;
	const client = new RemotingClient({socketFactory: mappedTcp(map, {connectTimeoutMs: timeout}), timeoutMs: timeout});
	const observe = observer(client, {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(plan)});
	return {
		plan,
		clock,
		cluster,
		hosts,
		observe,
		map,
		async close() {
			await client.close();
			await cluster.close();
		},
	};
}
