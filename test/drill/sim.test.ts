/**
 * The drill against the simulator (virtual clock, the real DLedger timer values): probe snapshots every 250 ms
 * built from what the simulated name servers and DLedger nodes would answer, the simulator's log lines fed as a
 * tail would. The drill's times must agree with the simulator's own record of when things happened (within one
 * poll interval), and every log line must agree with the probe within 1 s.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crossCheck} from '../../source/drill/crosscheck.ts';
import {drillTargets, findTarget, type DrillAction, type DrillTarget} from '../../source/drill/target.ts';
import {drillReducer} from '../../source/drill/timeline.ts';
import type {Drill, DrillInput} from '../../source/drill/types.ts';
import {clusterSnapshot} from '../../source/probe/snapshot.ts';
import {targetsFromPlan} from '../../source/probe/targets.ts';
import type {ClusterSnapshot, ProbeRound} from '../../source/probe/types.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {seededRandom, VirtualClock} from '../../source/sim/clock.ts';
import {PLAN3} from './support.ts';

const POLL = 250;
const NODES = drillTargets(PLAN3);
const GROUPS = targetsFromPlan(PLAN3);

/** What a probe round would get from the simulator now: a process answers only when running (not paused, not booting). */
function round(sim: SimCluster): ProbeRound {
	const state = sim.state();
	const at = state.at;
	return {
		at,
		groups: GROUPS,
		namesrvs: state.namesrvs.map(n => (n.status === 'running' ? {addr: n.addr, at, ok: true, brokers: n.brokerAddrs} : {addr: n.addr, at, ok: false, error: n.status})),
		dledger: state.brokers.map(b => {
			const [group, selfId] = b.id.split('/') as [string, string];
			return b.status === 'running' ? {group, selfId, at, ok: true, ...(b.leaderId ? {leaderId: b.leaderId} : {})} : {group, selfId, at, ok: false, error: b.status};
		}),
		brokers: [],
	};
}

class Harness {
	readonly clock = new VirtualClock();
	readonly sim: SimCluster;
	private previous: ClusterSnapshot | undefined;
	drill: Drill | undefined;
	private logCursor = new Map<string, number>();

	constructor(seed: number) {
		this.sim = SimCluster.fromPlan(PLAN3, {clock: this.clock, random: seededRandom(seed)});
		this.sim.startAll();
		assert.ok(this.clock.runUntil(() => this.sim.groups.every(g => this.sim.leaderAtNamesrvs(g.name).every(a => a !== undefined)), 60_000));
		this.clock.advance(15_000);
		for (const p of [...this.sim.brokers, ...this.sim.namesrvs]) this.logCursor.set(p.id, p.log.entries().length);
	}

	snapshot(): ClusterSnapshot {
		return (this.previous = clusterSnapshot(round(this.sim), this.previous));
	}

	feed(input: DrillInput): void {
		this.drill = drillReducer(this.drill, input);
	}

	act(id: string, action: DrillAction): DrillTarget {
		const target = findTarget(NODES, id)!;
		const before = this.snapshot();
		const at = this.clock.now();
		if (action === 'kill') void this.sim.kill(id);
		else if (action === 'stop') void this.sim.stop(id);
		else if (action === 'pause') this.sim.pause(id);
		else if (action === 'unpause') this.sim.resume(id);
		else if (action === 'start') this.sim.start(id);
		this.feed({type: 'sent', at, target, action, before, nodes: NODES});
		return target;
	}

	/** New log lines of every process, as a tail delivers them (the line only: its time has 1 s resolution). */
	private tailLogs(): void {
		for (const p of [...this.sim.brokers, ...this.sim.namesrvs]) {
			const entries = p.log.entries();
			const from = this.logCursor.get(p.id) ?? 0;
			const node = findTarget(NODES, p.id)!;
			for (const e of entries.slice(from)) this.feed({type: 'log', host: node.host, container: node.containerName, line: e.line});
			this.logCursor.set(p.id, entries.length);
		}
	}

	/**
	 * Poll every 250 ms until `until`; in between, run the simulator event by event and note the exact moment each
	 * truth first holds (the simulator's own record).
	 */
	run(ms: number, truths: Record<string, () => boolean>, until: () => boolean = () => false): Record<string, number> {
		const seen: Record<string, number> = {};
		const check = () => {
			for (const [name, holds] of Object.entries(truths)) if (seen[name] === undefined && holds()) seen[name] = this.clock.now();
			return false;
		};
		const end = this.clock.now() + ms;
		while (this.clock.now() < end) {
			const next = this.clock.now() + POLL;
			this.clock.runUntil(check, next - this.clock.now());
			check();
			this.tailLogs();
			this.feed({type: 'snapshot', snapshot: this.snapshot()});
			if (until()) break;
		}
		return seen;
	}
}

const leaderNow = (sim: SimCluster, group: string): string | undefined => sim.groups.find(g => g.name === group)!.leaders()[0]?.selfId;

function withinPoll(measured: number | undefined, truth: number | undefined, what: string): void {
	assert.ok(truth !== undefined, `${what}: the simulator never got there`);
	assert.ok(measured !== undefined, `${what}: the drill did not measure it`);
	assert.ok(measured >= truth && measured < truth + POLL + 1, `${what}: drill ${measured - truth} ms after the simulator`);
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
	test(`kill the leader then start it (seed ${seed}): the drill agrees with the simulator's record, the logs with the probe`, () => {
		const h = new Harness(seed);
		const group = seed % 2 === 0 ? 'RaftNode00' : 'RaftNode01';
		const old = leaderNow(h.sim, group)!;
		const oldAddr = h.sim.broker(`${group}/${old}`).addr;
		// land anywhere in the leader's 2 s heartbeat cycle and the 250 ms poll
		h.clock.advance(seed * 397);
		h.act(`${group}/${old}`, 'kill');
		const truth = h.run(
			12_000,
			{
				gone: () => h.sim.leaderAtNamesrvs(group).every(a => a !== oldAddr),
				newLeader: () => {
					const l = h.sim.leaderAtNamesrvs(group);
					return l.every(a => a !== undefined && a !== oldAddr) && new Set(l).size === 1;
				},
				dledger: () => {
					const members = h.sim.state().brokers.filter(b => b.id.startsWith(`${group}/`) && b.status === 'running');
					const leader = leaderNow(h.sim, group);
					return leader !== undefined && members.filter(b => b.leaderId === leader).length >= 2;
				},
			},
			() => h.drill!.phase === 'elected',
		);
		const d = h.drill!;
		assert.equal(d.phase, 'elected');
		assert.equal(d.newLeader, leaderNow(h.sim, group));
		withinPoll(Math.max(...Object.values(d.namesrvs).map(n => n.leaderGoneAt!)), truth.gone, 'leader gone at every name server');
		withinPoll(d.newLeaderAt, truth.newLeader, 'new leader at every name server');
		withinPoll(d.dledgerMajorityAt, truth.dledger, 'DLedger majority');
		const ttl = d.newLeaderAt! - d.sentAt;
		assert.ok(ttl >= 4000 && ttl <= 6700, `time to new leader ${ttl} ms (measured on 4.7.1: 4.2–6.4 s)`);

		h.clock.advance(3000);
		h.act(`${group}/${old}`, 'start');
		const back = h.run(
			10_000,
			{
				back: () => {
					const b = h.sim.state().brokers.find(x => x.id === `${group}/${old}`)!;
					const ids = h.sim.state().namesrvs.map(n => Object.entries(n.brokerAddrs[group] ?? {}).find(([, a]) => a === oldAddr)?.[0]);
					return b.status === 'running' && b.leaderId === leaderNow(h.sim, group) && ids.every(id => id !== undefined && id !== '0');
				},
			},
			() => h.drill!.phase === 'done',
		);
		assert.equal(h.drill!.phase, 'done');
		withinPoll(h.drill!.recovery!.backAt, back.back, 'back as follower');
		assert.equal(h.drill!.recovery!.backBrokerId, Number(old.slice(1)) + 1);
		h.run(1500, {}); // late log lines
		const checks = crossCheck(h.drill!);
		assert.ok(checks.some(c => c.kind === 'elected'), 'the VOTE_RESULT line was read');
		assert.ok(checks.some(c => c.kind === 'change-to-master'));
		assert.ok(checks.some(c => c.kind === 'broker-removed'));
		assert.deepEqual(checks.filter(c => c.status !== 'agree').map(c => c.text), []);
	});
}

test('pause the leader in the simulator: stale at every name server until the new leader overwrites it, then unpause', () => {
	const h = new Harness(11);
	const group = 'RaftNode00';
	const old = leaderNow(h.sim, group)!;
	const oldAddr = h.sim.broker(`${group}/${old}`).addr;
	h.act(`${group}/${old}`, 'pause');
	const truth = h.run(
		40_000,
		{
			overwritten: () => h.sim.leaderAtNamesrvs(group).every(a => a !== undefined && a !== oldAddr),
		},
		() => h.drill!.phase === 'elected',
	);
	const d = h.drill!;
	assert.equal(d.phase, 'elected');
	assert.ok(d.verdicts.some(v => v.verdict === 'stale'), `verdicts: ${d.verdicts.map(v => v.verdict).join(' → ')}`);
	for (const ns of Object.values(d.namesrvs)) {
		assert.ok(ns.staleSince! - d.sentAt <= POLL, 'stale from the first snapshot after the pause');
		assert.equal(ns.staleUntil, ns.newLeaderAt);
	}
	withinPoll(d.newLeaderAt, truth.overwritten, 'new leader overwrites the frozen one');
	assert.ok(d.dledgerMajorityAt! < d.newLeaderAt!, 'DLedger knows the new leader before the name servers do');
	h.act(`${group}/${old}`, 'unpause');
	h.run(20_000, {}, () => h.drill!.phase === 'done');
	assert.equal(h.drill!.phase, 'done');
	assert.equal(h.drill!.recovery!.backAs, 'follower');
});
