/**
 * Probe verdicts produced by driving the simulator over REAL sockets: 5 hosts (127.0.0.20–24, each a loopback
 * address of its own, so what the name servers list is what the probe dials) × 3 DLedger groups of 3, name server
 * on every host, timers sped up ×5 (a 6 s failover takes ~1.2 s). The probe is the production one:
 * RemotingClient + directTcp + probeRound + clusterSnapshot.
 *
 * Rounds are started every few ms without waiting for the previous one (a paused process answers nothing, so its
 * requests run into the client timeout) and folded into snapshots in start order, as the UI's poller would.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {probeRound, type ProbeSource} from '../../source/probe/probe.ts';
import {clusterSnapshot} from '../../source/probe/snapshot.ts';
import {targetsFromPlan} from '../../source/probe/targets.ts';
import type {ClusterSnapshot, GroupSnapshot, GroupTarget, ProbeRound, Verdict} from '../../source/probe/types.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {RealClock, seededRandom} from '../../source/sim/clock.ts';

const SCALE = 5;
const HOSTS = Array.from({length: 5}, (_, i) => `127.0.0.${20 + i}`);

function planOn(shift: number): Plan {
	const cluster = clusterFromHosts(HOSTS, {groups: 3, replicas: 3, ports: {namesrv: 19976 + shift, listen: 33911 + shift, dledger: 43911 + shift}});
	const result = buildPlan(cluster);
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return result.plan;
}

/** The sim listening on every loopback IP of the plan; ports shifted and retried if another test holds them. */
async function listeningSim(): Promise<{sim: SimCluster; plan: Plan; clock: RealClock}> {
	for (let attempt = 0; ; attempt++) {
		const plan = planOn(attempt * 200);
		const clock = new RealClock({scale: SCALE});
		const sim = SimCluster.fromPlan(plan, {clock, random: seededRandom(20 + attempt)});
		sim.startAll();
		try {
			await sim.listen();
			return {sim, plan, clock};
		} catch (error) {
			await sim.close();
			if (attempt >= 4) throw error;
		}
	}
}

const tick = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/** Probe rounds, possibly overlapping, folded in start order into a list of snapshots. */
class Watch {
	readonly snapshots: ClusterSnapshot[] = [];
	private seq = 0;
	private folded = 0;
	private inflight = 0;
	private readonly done = new Map<number, ProbeRound>();
	private readonly timer: NodeJS.Timeout;
	private last: ClusterSnapshot | undefined;
	private lastStart = 0;
	/** Index of the first snapshot the next `until` looks at. */
	cursor = 0;

	/**
	 * Dense: a round every 4 ms, however many are under way (to catch a window of a few tens of ms while a frozen
	 * process makes each round wait for its timeout). Otherwise one round at a time, at most every 15 ms, so the
	 * probe's own load does not delay the simulator's timers.
	 */
	dense = false;
	/** More to say when a wait times out. */
	describe: (() => string) | undefined;

	constructor(client: RemotingClient, source: ProbeSource, now: () => number) {
		this.timer = setInterval(() => {
			if (this.inflight >= (this.dense ? 64 : 1) || (!this.dense && performance.now() - this.lastStart < 15)) return;
			this.lastStart = performance.now();
			const n = this.seq++;
			this.inflight++;
			void probeRound(client, source, now).then(round => {
				this.inflight--;
				this.done.set(n, round);
				this.fold();
			});
		}, 4);
	}

	private fold(): void {
		for (let round = this.done.get(this.folded); round; round = this.done.get(this.folded)) {
			this.done.delete(this.folded++);
			this.last = clusterSnapshot(round, this.last);
			this.snapshots.push(this.last);
		}
	}

	/** The first snapshot from the cursor on where `pred` holds for `group`; the cursor moves past it. */
	async until(what: string, group: string, pred: (g: GroupSnapshot, all: ClusterSnapshot) => boolean, ms = 8000): Promise<GroupSnapshot> {
		const end = Date.now() + ms;
		for (;;) {
			for (; this.cursor < this.snapshots.length; this.cursor++) {
				const g = groupOf(this.snapshots[this.cursor]!, group);
				if (pred(g, this.snapshots[this.cursor]!)) {
					this.cursor++;
					return g;
				}
			}
			if (Date.now() > end) {
				const seen = this.snapshots.slice(-3).map(s => JSON.stringify(groupOf(s, group), ['verdict', 'reasons', 'leader', 'leaderSince']));
				assert.fail(`timed out after ${ms} ms waiting for ${what}; last: ${seen.join(' | ')}${this.describe ? `; ${this.describe()}` : ''}`);
			}
			await tick(5);
		}
	}

	/** Verdicts of `group` from snapshot `from` on, consecutive repeats collapsed. */
	verdicts(group: string, from: number, to = this.snapshots.length): Verdict[] {
		const out: Verdict[] = [];
		for (const s of this.snapshots.slice(from, to)) {
			const v = groupOf(s, group).verdict;
			if (out.at(-1) !== v) out.push(v);
		}
		return out;
	}

	async stop(): Promise<void> {
		clearInterval(this.timer);
		while (this.inflight > 0) await tick(5);
	}
}

const groupOf = (s: ClusterSnapshot, name: string): GroupSnapshot => s.groups.find(g => g.group === name) ?? assert.fail(`no group ${name}`);
const replica = (g: GroupSnapshot, selfId: string) => g.replicas.find(r => r.selfId === selfId) ?? assert.fail(`no ${selfId} in ${g.group}`);
const addrOf = (t: GroupTarget, selfId: string) => {
	const r = t.replicas.find(x => x.selfId === selfId)!;
	return `${r.ip}:${r.listenPort}`;
};

test('probe verdicts on a 5-host, 3-group simulated cluster: healthy, electing, degraded, stale, unreachable; leaderSince', {timeout: 30_000}, async t => {
	const {sim, plan, clock} = await listeningSim();
	const groups = targetsFromPlan(plan);
	const namesrvs = plan.namesrvs.map(n => `${n.ip}:${n.port}`);
	const client = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 500}), timeoutMs: 150, connectTimeoutMs: 500});
	const now = () => clock.now();
	let watch: Watch | undefined;
	try {
		const [G0, G1, G2] = groups.map(g => g.name) as [string, string, string];
		assert.equal(namesrvs.length, 5);
		watch = new Watch(client, {namesrvs, groups}, now);
		const w = watch;
		w.describe = () => `sim: ${JSON.stringify(sim.state().brokers.map(b => `${b.id} ${b.status} ${b.role} t${b.term} →${b.leaderId}`))}`;

		// 1. Every group healthy, with one agreed leader.
		const up: Record<string, GroupSnapshot> = {};
		for (const g of [G0, G1, G2]) up[g] = await w.until(`${g} healthy`, g, s => s.verdict === 'healthy', 15_000);
		const allHealthy = await w.until('all healthy in one snapshot', G0, (_, all) => all.groups.every(g => g.verdict === 'healthy'));
		assert.ok(allHealthy.leader);

		// …also without a plan: groups discovered through the name servers and each broker's live config.
		const discovered = await probeRound(client, {namesrvs}, now);
		assert.deepEqual(discovered.problems, []);
		assert.deepEqual(
			discovered.groups.map(g => ({name: g.name, replicas: g.replicas.map(r => ({selfId: r.selfId, ip: r.ip, listenPort: r.listenPort, dledgerPort: r.dledgerPort}))})),
			groups.map(g => ({name: g.name, replicas: g.replicas.map(({host: _h, ...r}) => r)})),
		);
		const discoveredSnap = clusterSnapshot(discovered);
		assert.deepEqual(discoveredSnap.groups.map(g => g.verdict), ['healthy', 'healthy', 'healthy']);
		assert.deepEqual(discoveredSnap.namesrvs.map(n => n.reachable), [true, true, true, true, true]);

		// 2. Kill G0's leader: electing (no brokerId 0 anywhere), then a NEW leader while the dead one is down
		//    (degraded), then healthy again once it is restarted and follows.
		const g0 = groupOf(w.snapshots.at(-1)!, G0);
		const oldLeader = g0.leader!;
		const killFrom = w.snapshots.length;
		const killedAt = clock.now();
		await sim.kill(`${G0}/${oldLeader}`);
		const electing = await w.until(`${G0} electing`, G0, s => s.verdict === 'electing');
		assert.equal(electing.leader, undefined);
		assert.match(electing.reasons[0]!, new RegExp(`no name server lists a brokerId 0 for ${G0}`));
		assert.ok(electing.leaderSince! >= killedAt, 'the loss of the leader is dated');
		const lostAt = electing.leaderSince!;
		const newLeaderSnap = await w.until(`${G0} has a new leader`, G0, s => s.leader !== undefined);
		const newLeader = newLeaderSnap.leader!;
		assert.notEqual(newLeader, oldLeader);
		assert.equal(newLeaderSnap.verdict, 'degraded');
		assert.deepEqual(newLeaderSnap.reasons, [`${oldLeader} (${addrOf(groups[0]!, oldLeader)}) is down`]);
		assert.equal(replica(newLeaderSnap, oldLeader).role, 'down');
		assert.ok(newLeaderSnap.leaderSince! > lostAt, 'leaderSince moves to the new leader');
		const failoverMs = newLeaderSnap.leaderSince! - killedAt;
		assert.ok(failoverMs > 3000 && failoverMs < 12_000, `kill → new leader seen after ${failoverMs} simulated ms`);
		const killSeq = w.verdicts(G0, killFrom, w.cursor);
		assert.deepEqual(killSeq.slice(killSeq.indexOf('electing')), ['electing', 'degraded'], `after the kill: ${killSeq.join(' → ')}`);
		for (const g of [G1, G2]) assert.equal(groupOf(w.snapshots[w.cursor - 1]!, g).verdict, 'healthy', `${g} untouched by ${G0}'s failover`);

		const restartFrom = w.cursor;
		sim.start(`${G0}/${oldLeader}`);
		const back = await w.until(`${G0} healthy after restart`, G0, s => s.verdict === 'healthy');
		// As on real 4.7.1, the restarted node rejoins as a follower of the new leader (it revotes in the highest
		// term it learns of, is told the group already has a leader, and then hears its heartbeat).
		const truth = sim.groups[0]!.leaders().map(m => m.selfId);
		assert.deepEqual(truth, [back.leader], 'the probe names the leader the simulator has');
		assert.equal(back.leader, newLeader, 'the restarted node did not depose the new leader');
		assert.equal(replica(back, oldLeader).role, 'follower');
		assert.equal(replica(back, oldLeader).followsLeader, newLeader);
		assert.equal(back.leaderSince, newLeaderSnap.leaderSince, 'same leader, same leaderSince');
		for (const r of back.replicas) assert.equal(r.role, r.selfId === back.leader ? 'leader' : 'follower');
		const restartSeq = w.verdicts(G0, restartFrom, w.cursor);
		assert.deepEqual(restartSeq, ['degraded', 'healthy'], `a restarted candidate is no competing leader: ${restartSeq.join(' → ')}`);

		// 3. Pause G1's leader (a frozen JVM: ports open, nothing answered). The live nodes elect a new leader while
		//    the name servers still list the frozen one as brokerId 0 → stale, until the new leader registers.
		const pausedLeader = groupOf(w.snapshots.at(-1)!, G1).leader!;
		const pauseFrom = w.cursor;
		const pausedAt = clock.now();
		w.dense = true;
		sim.pause(`${G1}/${pausedLeader}`);
		const stale = await w.until(`${G1} stale`, G1, s => s.verdict === 'stale');
		assert.equal(stale.leader, undefined);
		assert.match(stale.reasons[0]!, new RegExp(`still lists ${pausedLeader} as leader, but the live DLedger nodes follow: `));
		assert.equal(stale.leaderByDledger[pausedLeader], undefined, 'the frozen node answers nothing');
		for (const [addr, leader] of Object.entries(stale.leaderByNamesrv)) assert.equal(leader, pausedLeader, `name server ${addr}`);
		const moved = await w.until(`${G1} has a new leader`, G1, s => s.leader !== undefined && s.leader !== pausedLeader);
		assert.equal(moved.verdict, 'degraded');
		assert.deepEqual(moved.reasons, [`${pausedLeader} (${addrOf(groups[1]!, pausedLeader)}) is down`]);
		assert.ok(moved.leaderSince! > pausedAt);
		w.dense = false;
		const pauseSeq = w.verdicts(G1, pauseFrom, w.cursor);
		assert.ok(pauseSeq.indexOf('stale') > pauseSeq.indexOf('degraded'), `frozen leader first shows as down, then stale: ${pauseSeq.join(' → ')}`);

		const resumeFrom = w.cursor;
		sim.resume(`${G1}/${pausedLeader}`);
		// On thaw its overdue timers fire: it may re-register as brokerId 0 (overwriting the new leader's entry →
		// stale), then step down and register as a slave, which removes that entry (→ electing) until the new
		// leader's next periodic registration (30 s simulated). Hence the long deadline.
		const thawed = await w.until(`${G1} healthy after resume`, G1, s => s.verdict === 'healthy', 15_000);
		assert.equal(replica(thawed, pausedLeader).role, 'follower');
		assert.equal(thawed.leader, replica(thawed, pausedLeader).followsLeader);
		const resumeSeq = w.verdicts(G1, resumeFrom, w.cursor);

		// 4. Stop a follower of G2 (clean shutdown, it unregisters): degraded, naming it; the leader stays.
		const g2 = groupOf(w.snapshots.at(-1)!, G2);
		const follower = g2.replicas.find(r => r.role === 'follower')!.selfId;
		await sim.stop(`${G2}/${follower}`);
		// (A round already under way when it stopped may still have read it registered: wait until it is gone there too.)
		const down = await w.until(`${G2} degraded and ${follower} unregistered`, G2, s => s.verdict === 'degraded' && Object.values(replica(s, follower).brokerIdByNamesrv).every(id => id === null));
		assert.deepEqual(down.reasons, [`${follower} (${addrOf(groups[2]!, follower)}) is down`]);
		assert.equal(down.leader, g2.leader);
		assert.equal(down.leaderSince, g2.leaderSince);
		assert.equal(replica(down, follower).role, 'down');

		// 5. Everything of the cluster gone: nothing answers → unreachable (stopping only a group's replicas leaves
		//    the name servers answering, which is "electing", as seen above).
		await w.stop();
		watch = undefined;
		await Promise.all([...sim.namesrvs, ...sim.brokers].map(p => sim.kill(p.id)));
		const gone = clusterSnapshot(await probeRound(client, {namesrvs, groups}, now));
		assert.deepEqual(gone.groups.map(g => g.verdict), ['unreachable', 'unreachable', 'unreachable']);
		assert.match(gone.groups[0]!.reasons[0]!, /no name server and no DLedger node of RaftNode00 answered/);
		assert.deepEqual(gone.namesrvs.map(n => n.reachable), [false, false, false, false, false], JSON.stringify(gone.namesrvs));

		// The truthful sequences, for the record (a restarted or thawed node is a candidate until it hears the leader).
		t.diagnostic(`kill: ${killSeq.join(' → ')}; restart: ${restartSeq.join(' → ')}; pause: ${pauseSeq.join(' → ')}; resume: ${resumeSeq.join(' → ')}; ${w.snapshots.length} snapshots`);
	} finally {
		await watch?.stop();
		await client.close();
		await sim.close();
	}
});
