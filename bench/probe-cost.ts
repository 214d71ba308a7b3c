/**
 * Probe cost against the simulator on real sockets: wall time, requests and bytes per full probe round (one
 * snapshot), for the seed cluster (3 hosts × 2 groups × 3 replicas) and for 30 hosts × 10 groups × 3 replicas,
 * with the groups known from the plan (discovery off) and found through the name servers (discovery on).
 *
 *   node --import tsx bench/probe-cost.ts [--rounds 50] [--warmup 10] [--scale 10]
 *
 * Each host gets a loopback address of its own (127.0.2.x for the seed, 127.0.1.x for the large cluster; Linux
 * answers on all of 127/8), so the name servers list addresses the probe can dial. The simulator runs in this
 * process: the wall times include its (small) share of the event loop, as any single-process measurement would.
 */
import {parseArgs} from 'node:util';
import type {Socket} from 'node:net';
import {clusterFromHosts, type OptionInput} from '../source/inventory/from-flags.ts';
import {buildPlan} from '../source/plan/plan.ts';
import type {Plan} from '../source/plan/types.ts';
import {probeRound, type ProbeClient, type ProbeSource} from '../source/probe/probe.ts';
import {clusterSnapshot} from '../source/probe/snapshot.ts';
import {targetsFromPlan} from '../source/probe/targets.ts';
import {RemotingClient} from '../source/rocketmq/client.ts';
import {directTcp, type SocketFactory} from '../source/rocketmq/transport.ts';
import {SimCluster} from '../source/sim/cluster.ts';
import {RealClock, seededRandom} from '../source/sim/clock.ts';

const {values: args} = parseArgs({
	options: {
		rounds: {type: 'string', default: '50'},
		warmup: {type: 'string', default: '10'},
		scale: {type: 'string', default: '10'},
	},
});
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const SCALE = Number(args.scale);

interface Scenario {
	label: string;
	hosts: string[];
	options: OptionInput;
	namesrvHosts?: number;
}

const ips = (prefix: string, count: number): string[] => Array.from({length: count}, (_, i) => `${prefix}.${i + 1}`);
const PORTS = {namesrv: 29876, listen: 30911, dledger: 40911};

const SCENARIOS: Scenario[] = [
	{label: 'seed 3h×2g', hosts: ips('127.0.2', 3), options: {groups: 2, replicas: 3, ports: PORTS}},
	{label: '30h×10g', hosts: ips('127.0.1', 30), options: {groups: 10, replicas: 3, ports: PORTS}},
	{label: '30h×10g, 3 ns', hosts: ips('127.0.1', 30), options: {groups: 10, replicas: 3, ports: PORTS}, namesrvHosts: 3},
];

/** directTcp, remembering every socket so bytes in and out can be summed (net.Socket keeps its counters after close). */
function countingTcp(): {factory: SocketFactory; bytes: () => {sent: number; received: number}; connects: () => number} {
	const inner = directTcp({connectTimeoutMs: 2000});
	const sockets: Socket[] = [];
	return {
		factory: async (endpoint, signal) => {
			const socket = (await inner(endpoint, signal)) as Socket;
			sockets.push(socket);
			return socket;
		},
		bytes: () => ({sent: sockets.reduce((n, s) => n + s.bytesWritten, 0), received: sockets.reduce((n, s) => n + s.bytesRead, 0)}),
		connects: () => sockets.length,
	};
}

/** Requests per kind, counted on the way to the real client. */
function countingClient(client: ProbeClient): {client: ProbeClient; requests: () => number} {
	let n = 0;
	const count = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A): Promise<R> => (n++, fn(...a));
	return {
		client: {
			clusterInfo: count(client.clusterInfo.bind(client)),
			brokerConfig: count(client.brokerConfig.bind(client)),
			brokerRuntimeInfo: count(client.brokerRuntimeInfo.bind(client)),
			dledgerMetadata: count(client.dledgerMetadata.bind(client)),
		},
		requests: () => n,
	};
}

function planOf(s: Scenario): Plan {
	const cluster = clusterFromHosts(s.hosts, s.options);
	const result = buildPlan(s.namesrvHosts ? {...cluster, namesrvHosts: cluster.hosts.slice(0, s.namesrvHosts).map(h => h.name)} : cluster);
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.plan;
}

const median = (xs: number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

interface Figures {
	scenario: string;
	discovery: boolean;
	namesrvs: number;
	groups: number;
	replicas: number;
	requests: number;
	coldMs: number;
	coldConnects: number;
	medianMs: number;
	p90Ms: number;
	sent: number;
	received: number;
}

async function measure(s: Scenario, plan: Plan, discovery: boolean): Promise<Figures> {
	const tcp = countingTcp();
	const real = new RemotingClient({socketFactory: tcp.factory, timeoutMs: 2000, connectTimeoutMs: 2000});
	const {client, requests} = countingClient(real);
	const groups = targetsFromPlan(plan);
	const source: ProbeSource = {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), ...(discovery ? {} : {groups})};
	try {
		const one = async () => {
			const b0 = tcp.bytes();
			const r0 = requests();
			const t0 = performance.now();
			const round = await probeRound(client, source);
			const ms = performance.now() - t0;
			const b1 = tcp.bytes();
			const snap = clusterSnapshot(round);
			const bad = snap.groups.filter(g => g.verdict !== 'healthy');
			if (snap.groups.length !== groups.length || bad.length > 0) throw new Error(`${s.label}: not all healthy: ${bad.map(g => `${g.group} ${g.verdict} ${g.reasons.join('; ')}`).join(' | ')}`);
			return {ms, sent: b1.sent - b0.sent, received: b1.received - b0.received, requests: requests() - r0};
		};
		const cold = await one();
		const coldConnects = tcp.connects();
		for (let i = 1; i < WARMUP; i++) await one();
		const runs = [];
		for (let i = 0; i < ROUNDS; i++) runs.push(await one());
		const replicas = groups.reduce((n, g) => n + g.replicas.length, 0);
		return {
			scenario: s.label,
			discovery,
			namesrvs: source.namesrvs.length,
			groups: groups.length,
			replicas,
			requests: median(runs.map(r => r.requests)),
			coldMs: cold.ms,
			coldConnects,
			medianMs: median(runs.map(r => r.ms)),
			p90Ms: quantile(runs.map(r => r.ms), 0.9),
			sent: median(runs.map(r => r.sent)),
			received: median(runs.map(r => r.received)),
		};
	} finally {
		await real.close();
	}
}

/** Wait (polling, with a deadline) until a probe sees every group healthy. */
async function healthy(plan: Plan, label: string): Promise<void> {
	const client = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 500}), timeoutMs: 500});
	const source = {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(plan)};
	const end = Date.now() + 60_000;
	try {
		for (;;) {
			const snap = clusterSnapshot(await probeRound(client, source));
			if (snap.groups.every(g => g.verdict === 'healthy')) return;
			if (Date.now() > end) throw new Error(`${label}: not healthy within 60 s: ${snap.groups.filter(g => g.verdict !== 'healthy').map(g => `${g.group} ${g.verdict}`).join(', ')}`);
			await new Promise(r => setTimeout(r, 50));
		}
	} finally {
		await client.close();
	}
}

const kb = (n: number): string => (n >= 10_000 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const f1 = (n: number): string => n.toFixed(1);

async function main(): Promise<void> {
	const results: Figures[] = [];
	for (const s of SCENARIOS) {
		const plan = planOf(s);
		const sim = SimCluster.fromPlan(plan, {clock: new RealClock({scale: SCALE}), random: seededRandom(7)});
		sim.startAll();
		try {
			await sim.listen();
			await healthy(plan, s.label);
			for (const discovery of [false, true]) results.push(await measure(s, plan, discovery));
		} finally {
			await sim.close();
		}
	}

	console.log(`probe cost per full round (one snapshot), simulator on real sockets, clock ×${SCALE}; median of ${ROUNDS} rounds after ${WARMUP} warm-up; node ${process.version}`);
	console.log('');
	const header = ['scenario', 'discovery', 'ns', 'groups', 'replicas', 'requests', 'cold ms (connects)', 'median ms', 'p90 ms', 'sent', 'received', 'bytes/replica'];
	const rows = results.map(r => [
		r.scenario, r.discovery ? 'on' : 'off', String(r.namesrvs), String(r.groups), String(r.replicas), String(r.requests),
		`${f1(r.coldMs)} (${r.coldConnects})`, f1(r.medianMs), f1(r.p90Ms), kb(r.sent), kb(r.received), kb(Math.round((r.sent + r.received) / r.replicas)),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)));
	const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
	console.log(line(header));
	for (const row of rows) console.log(line(row));

	console.log('');
	console.log('growth (large ÷ seed, same discovery setting):');
	const seed = (d: boolean) => results.find(r => r.scenario === SCENARIOS[0]!.label && r.discovery === d)!;
	for (const r of results.filter(x => x.scenario !== SCENARIOS[0]!.label)) {
		const b = seed(r.discovery);
		const bytes = (x: Figures) => x.sent + x.received;
		console.log(
			`  ${r.scenario.padEnd(14)} discovery ${r.discovery ? 'on ' : 'off'}: replicas ×${f1(r.replicas / b.replicas)}, requests ×${f1(r.requests / b.requests)}, ` +
				`bytes ×${f1(bytes(r) / bytes(b))}, median time ×${f1(r.medianMs / b.medianMs)}; per replica: ${kb(Math.round(bytes(b) / b.replicas))} → ${kb(Math.round(bytes(r) / r.replicas))}, ` +
				`${(b.medianMs / b.replicas).toFixed(2)} → ${(r.medianMs / r.replicas).toFixed(2)} ms`,
		);
	}
	console.log('');
	console.log('discovery on ÷ off (same cluster):');
	for (const s of SCENARIOS) {
		const off = results.find(r => r.scenario === s.label && !r.discovery)!;
		const on = results.find(r => r.scenario === s.label && r.discovery)!;
		console.log(`  ${s.label.padEnd(14)} requests ${off.requests} → ${on.requests}, bytes ×${f1((on.sent + on.received) / (off.sent + off.received))}, median time ×${f1(on.medianMs / off.medianMs)}`);
	}
}

await main();
