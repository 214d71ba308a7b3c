/** A small hand-driven cluster for the drill tests: name-server tables and DLedger answers → real probe snapshots. */
import {readFileSync} from 'node:fs';
import type {ContainerState} from '../../source/deploy/observed.ts';
import {drillTargets, findTarget, type BrokerTarget, type DrillAction, type DrillTarget, type NamesrvTarget} from '../../source/drill/target.ts';
import {drillReducer, liveStatus} from '../../source/drill/timeline.ts';
import type {Drill, DrillInput} from '../../source/drill/types.ts';
import type {Plan} from '../../source/plan/types.ts';
import {clusterSnapshot} from '../../source/probe/snapshot.ts';
import {targetsFromPlan} from '../../source/probe/targets.ts';
import type {BrokerObservation, ClusterSnapshot, DledgerObservation, GroupTarget, NamesrvObservation, ProbeRound} from '../../source/probe/types.ts';
import {clusterOn, planOf} from '../plan/fixtures.ts';

export const FIXTURES = new URL('../fixtures/rocketmq-4.7.1/', import.meta.url);
export const fixtureText = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

/** The fixtures' cluster: 127.0.0.1, name servers 9876–9878, RaftNode00 n0–n2 on 10911/10921/10931 (DLedger 40911…). */
export const LOCAL_NS = ['127.0.0.1:9876', '127.0.0.1:9877', '127.0.0.1:9878'];
export const LOCAL_GROUP: GroupTarget = {
	name: 'RaftNode00',
	replicas: [0, 1, 2].map(k => ({selfId: `n${k}`, ip: '127.0.0.1', listenPort: 10911 + 10 * k, dledgerPort: 40911 + 10 * k})),
};
export const LOCAL_NODES: DrillTarget[] = [
	...LOCAL_NS.map((addr, i): NamesrvTarget => ({kind: 'namesrv', id: `namesrv@ns${i}`, host: 'local', ip: '127.0.0.1', containerName: `namesrv-${9876 + i}`, port: 9876 + i, addr})),
	...LOCAL_GROUP.replicas.map((r): BrokerTarget => ({
		kind: 'broker',
		id: `RaftNode00/${r.selfId}`,
		host: 'local',
		ip: r.ip,
		containerName: `raftnode00-${r.selfId}`,
		group: 'RaftNode00',
		selfId: r.selfId,
		listenPort: r.listenPort,
		dledgerPort: r.dledgerPort,
	})),
];
export const localTarget = (id: string): DrillTarget => LOCAL_NODES.find(n => n.id === id)!;

/** What each source answers at one moment. */
export interface World {
	groups: GroupTarget[];
	/** Name server addr → group → brokerId → broker addr; 'down' when it does not answer. */
	namesrvs: Record<string, Record<string, Record<number, string>> | 'down'>;
	/** `group/selfId` → the leaderId it reports (null: none, a candidate), or 'down'. */
	dledger: Record<string, string | null | 'down'>;
	/** `group/selfId` → commit log offset (brokers not listed do not answer GET_BROKER_RUNTIME_INFO). */
	offsets?: Record<string, number>;
}

export function probeRoundOf(world: World, at: number): ProbeRound {
	const namesrvs: NamesrvObservation[] = Object.entries(world.namesrvs).map(([addr, t]) =>
		t === 'down' ? {addr, at, ok: false, error: 'timeout'} : {addr, at, ok: true, brokers: t},
	);
	const dledger: DledgerObservation[] = Object.entries(world.dledger).map(([key, v]) => {
		const [group, selfId] = key.split('/') as [string, string];
		return v === 'down' ? {group, selfId, at, ok: false, error: 'timeout'} : {group, selfId, at, ok: true, ...(v ? {leaderId: v} : {})};
	});
	const brokers: BrokerObservation[] = Object.entries(world.offsets ?? {}).map(([key, offset]) => {
		const [group, selfId] = key.split('/') as [string, string];
		return {group, selfId, at, ok: true, runtime: {commitLogMaxOffset: offset}};
	});
	return {at, groups: world.groups, namesrvs, dledger, brokers};
}

/** Folds worlds into snapshots the way the probe's observer does (leaderSince carries over). */
export class Snapshots {
	private previous: ClusterSnapshot | undefined;
	next(world: World, at: number): ClusterSnapshot {
		this.previous = clusterSnapshot(probeRoundOf(world, at), this.previous);
		return this.previous;
	}
}

export interface TrialState {
	atMs: number;
}
export interface Trial {
	trial: number;
	killedNode: string;
	killedAddr: string;
	killIsoUtc: string;
	pollIntervalMs: {namesrv: number; dledger: number};
	nameServers: Record<string, {brokerId0GoneMs: number; newBrokerId0Ms: number; newLeaderAddr: string; states: Array<TrialState & {brokerAddrs: Record<string, string>}>}>;
	dledgerSurvivors: Record<string, {selfId: string; leaderIdAbsentFromMs: number; newLeaderIdMs: number; newLeaderId: string; states: Array<TrialState & {leaderId: string}>}>;
}

export const TRIALS: Trial[] = JSON.parse(fixtureText('failover-trials.json')) as Trial[];

const lastAt = <T extends TrialState>(states: readonly T[], t: number): T => [...states].reverse().find(s => s.atMs <= t) ?? states[0]!;

/** The recorded sources of a trial as they stood `t` ms after the kill (before the kill when t < 0). */
export function trialWorld(trial: Trial, t: number): World {
	const namesrvs: World['namesrvs'] = {};
	for (const [addr, ns] of Object.entries(trial.nameServers)) {
		const state = lastAt(ns.states, t);
		namesrvs[addr] = {RaftNode00: Object.fromEntries(Object.entries(state.brokerAddrs).map(([id, a]) => [Number(id), a]))};
	}
	const dledger: World['dledger'] = {[`RaftNode00/${trial.killedNode}`]: t < 0 ? trial.killedNode : 'down'};
	for (const node of Object.values(trial.dledgerSurvivors)) {
		const state = lastAt(node.states, t);
		dledger[`RaftNode00/${node.selfId}`] = state.leaderId === '(absent)' ? null : state.leaderId;
	}
	return {groups: [LOCAL_GROUP], namesrvs, dledger};
}

/** 3 hosts h0–h2 (10.0.0.1–3), 2 groups × 3 replicas, a name server on every host, the console on h0. */
export const PLAN3: Plan = planOf(clusterOn(3, 2, 3));
/** 5 hosts, 1 group × 5 replicas, name servers on h0 and h1 only. */
export const PLAN5: Plan = planOf(clusterOn(5, 1, 5, {namesrvHosts: ['h0', 'h1']}));

/** A world for a plan that can be changed step by step, as a failover changes it. */
export class PlanWorld {
	readonly world: World;
	private readonly addrs = new Map<string, string>();

	constructor(
		readonly plan: Plan,
		leaders: Record<string, string>,
	) {
		const groups = targetsFromPlan(plan);
		for (const g of groups) for (const r of g.replicas) this.addrs.set(`${g.name}/${r.selfId}`, `${r.ip}:${r.listenPort}`);
		const namesrvs: World['namesrvs'] = {};
		for (const ns of plan.namesrvs) {
			const tables: Record<string, Record<number, string>> = {};
			for (const g of groups) {
				tables[g.name] = {};
				for (const r of g.replicas) tables[g.name]![r.selfId === leaders[g.name] ? 0 : Number(r.selfId.slice(1)) + 1] = this.addr(g.name, r.selfId);
			}
			namesrvs[`${ns.ip}:${ns.port}`] = tables;
		}
		const dledger: World['dledger'] = {};
		for (const g of groups) for (const r of g.replicas) dledger[`${g.name}/${r.selfId}`] = leaders[g.name]!;
		this.world = {groups, namesrvs, dledger};
	}

	addr(group: string, selfId: string): string {
		return this.addrs.get(`${group}/${selfId}`)!;
	}

	get nsAddrs(): string[] {
		return Object.keys(this.world.namesrvs);
	}

	private tables(ns: string | undefined): Array<Record<string, Record<number, string>>> {
		return (ns === undefined ? this.nsAddrs : [ns]).map(a => this.world.namesrvs[a]).filter((t): t is Record<string, Record<number, string>> => t !== 'down' && t !== undefined);
	}

	/** The node stops answering its DLedger port (killed, stopped, paused). */
	down(group: string, selfId: string): this {
		this.world.dledger[`${group}/${selfId}`] = 'down';
		return this;
	}

	/** What the node's DLedger METADATA says (null: candidate). */
	follow(group: string, selfId: string, leader: string | null): this {
		this.world.dledger[`${group}/${selfId}`] = leader;
		return this;
	}

	/** The name server(s) drop every entry of the node. */
	drop(group: string, selfId: string, ns?: string): this {
		for (const t of this.tables(ns)) {
			const table = t[group]!;
			for (const [id, a] of Object.entries(table)) if (a === this.addr(group, selfId)) delete table[Number(id)];
		}
		return this;
	}

	/** The node registers at the name server(s) with `id` (0: as leader, replacing any brokerId 0). */
	register(group: string, selfId: string, id: number, ns?: string): this {
		this.drop(group, selfId, ns);
		for (const t of this.tables(ns)) t[group]![id] = this.addr(group, selfId);
		return this;
	}

	nsDown(addr: string): this {
		this.world.namesrvs[addr] = 'down';
		return this;
	}

	/** A name server back with empty tables (brokers re-register within 30 s). */
	nsEmpty(addr: string): this {
		this.world.namesrvs[addr] = Object.fromEntries(this.world.groups.map(g => [g.name, {}]));
		return this;
	}

	/** Copy another name server's tables into addr (the brokers re-registered). */
	nsLike(addr: string, from: string): this {
		this.world.namesrvs[addr] = structuredClone(this.world.namesrvs[from]!);
		return this;
	}
}

export const T0 = Date.UTC(2026, 10, 25, 3, 37, 0);
export const NODES = drillTargets(PLAN3);
export const target = (id: string): DrillTarget => findTarget(NODES, id)!;
export const G = 'RaftNode00';
export const NS = ['10.0.0.1:9876', '10.0.0.2:9876', '10.0.0.3:9876'];

/** A scripted drill: `at` steps (ms after T0) that change the world, each followed by a snapshot. */
export class Script {
	readonly w = new PlanWorld(PLAN3, {RaftNode00: 'n0', RaftNode01: 'n1'});
	private readonly snaps = new Snapshots();
	drill: Drill | undefined;
	readonly phases: string[] = [];

	constructor(id: string, action: DrillAction, options: {before?: boolean} = {}) {
		const before = options.before === false ? undefined : this.snaps.next(this.w.world, T0 - 200);
		this.apply({type: 'sent', at: T0, target: target(id), action, nodes: NODES, ...(before ? {before} : {})});
	}

	apply(input: DrillInput): this {
		this.drill = drillReducer(this.drill, input);
		if (this.phases.at(-1) !== this.drill!.phase) this.phases.push(this.drill!.phase);
		return this;
	}

	snap(at: number, change: (w: PlanWorld) => unknown = () => undefined): this {
		change(this.w);
		return this.apply({type: 'snapshot', snapshot: this.snaps.next(this.w.world, T0 + at)});
	}

	container(at: number, id: string, state: ContainerState): this {
		const t = target(id);
		return this.apply({type: 'container', at: T0 + at, host: t.host, name: t.containerName, state});
	}

	send(at: number, id: string, action: DrillAction): this {
		return this.apply({type: 'sent', at: T0 + at, target: target(id), action, nodes: NODES});
	}

	get d(): Drill {
		return this.drill!;
	}

	live(at: number): string {
		return liveStatus(this.d, T0 + at);
	}
}

