/** Election and name-server behaviour with the real DLedger timer values, on the virtual clock. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {SimCluster} from '../../source/sim/cluster.ts';
import {seededRandom, VirtualClock} from '../../source/sim/clock.ts';
import {fixtureTopology} from './fixture-topology.ts';

function booted(seed: number): {sim: SimCluster; clock: VirtualClock} {
	const clock = new VirtualClock();
	const sim = new SimCluster(fixtureTopology(), {clock, random: seededRandom(seed)});
	sim.startAll();
	const led = (): boolean => sim.groups.every(g => sim.leaderAtNamesrvs(g.name).length === 3 && sim.leaderAtNamesrvs(g.name).every(a => a !== undefined));
	assert.ok(clock.runUntil(led, 60_000), 'every group gets a leader registered at every name server');
	clock.advance(15_000);
	return {sim, clock};
}

const leaderOf = (sim: SimCluster, group: string): string => {
	const leaders = sim.groups.find(g => g.name === group)!.leaders();
	assert.equal(leaders.length, 1, `${group} has exactly one leader`);
	return `${group}/${leaders[0]!.selfId}`;
};

test('initial election: one leader per group, followers registered as selfId+1 everywhere', () => {
	const {sim} = booted(1);
	for (const g of sim.groups) {
		const leader = sim.broker(leaderOf(sim, g.name));
		for (const ns of sim.state().namesrvs) {
			const addrs = ns.brokerAddrs[g.name]!;
			assert.equal(addrs[0], leader.addr);
			for (const b of sim.brokers.filter(b => b.group === g && b !== leader)) assert.equal(addrs[Number(b.selfId.slice(1)) + 1], b.addr);
			assert.equal(Object.keys(addrs).length, 3);
		}
		assert.equal(leader.storeRole, 'SYNC_MASTER');
	}
});

test('kill the leader: dropped at all name servers within ~0.1 s, no brokerId 0 until the new leader, logs in order', () => {
	const {sim, clock} = booted(2);
	const killed = leaderOf(sim, 'RaftNode00');
	const oldAddr = sim.broker(killed).addr;
	const t0 = clock.now();
	void sim.kill(killed);
	assert.ok(clock.runUntil(() => sim.leaderAtNamesrvs('RaftNode00').every(a => a === undefined), 1000));
	const gone = clock.now() - t0;
	assert.ok(gone >= 100 && gone <= 130, `dropped after ${gone} ms`);
	for (const ns of sim.state().namesrvs) assert.ok(!Object.values(ns.brokerAddrs.RaftNode00!).includes(oldAddr), 'the dead broker is gone entirely');
	// no brokerId 0 from then until a new leader registers, at every name server at once
	let sawPartial = false;
	assert.ok(
		clock.runUntil(() => {
			const l = sim.leaderAtNamesrvs('RaftNode00');
			if (l.some(a => a !== undefined) && !l.every(a => a !== undefined)) sawPartial = true;
			return l.every(a => a !== undefined);
		}, 10_000),
	);
	assert.equal(sawPartial, false);
	const newLeader = sim.broker(leaderOf(sim, 'RaftNode00'));
	assert.notEqual(newLeader.id, killed);
	const lines = newLeader.log.lines('broker_default.log');
	const timeout = lines.findIndex(l => l.includes(`[${newLeader.selfId}][HeartBeatTimeOut] lastLeaderHeartBeatTime: `));
	const elected = lines.findIndex(l => / INFO StateMaintainer - \[n\d\] \[VOTE_RESULT\] has been elected to be the leader in term \d+$/.test(l));
	assert.ok(timeout >= 0 && elected > timeout, 'HeartBeatTimeOut logged before VOTE_RESULT');
	const brokerLog = newLeader.log.lines('broker.log');
	assert.ok(brokerLog.some(l => / INFO DLegerRoleChangeHandler_1 - Begin to change to master brokerName=RaftNode00$/.test(l)));
	assert.ok(brokerLog.some(l => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO brokerOutApi_thread_\d - register broker\[0\]to name server 127\.0\.0\.1:9876 OK$/.test(l)));
	const follower = sim.brokers.find(b => b.group.name === 'RaftNode00' && b.up && b !== newLeader)!;
	assert.ok(follower.log.lines('broker.log').some(l => l.endsWith(`Begin to change to slave brokerName=RaftNode00 brokerId=${Number(follower.selfId.slice(1)) + 1}`)));
	const nsLog = sim.namesrvs[0]!.log.lines();
	assert.ok(nsLog.some(l => l.endsWith(`the broker's channel destroyed, ${oldAddr}, clean it's data structure at once`)));
	assert.ok(nsLog.some(l => l.endsWith(`remove brokerAddr[0, ${oldAddr}] from brokerAddrTable, because channel destroyed`)));
});

test('24 kills at random heartbeat phases: new brokerId 0 at all name servers 4.2–6.4 s after the kill, spread over ≥ 1 s', () => {
	const {sim, clock} = booted(3);
	const random = seededRandom(99);
	const times: number[] = [];
	for (let i = 0; i < 24; i++) {
		clock.advance(12_000 + random() * 2000); // lands anywhere in the leader's 2 s heartbeat cycle
		const group = i % 2 === 0 ? 'RaftNode00' : 'RaftNode01';
		const killed = leaderOf(sim, group);
		const oldAddr = sim.broker(killed).addr;
		const t0 = clock.now();
		void sim.kill(killed);
		assert.ok(clock.runUntil(() => sim.leaderAtNamesrvs(group).every(a => a !== undefined && a !== oldAddr), 20_000));
		times.push(clock.now() - t0);
		sim.start(killed);
	}
	const min = Math.min(...times);
	const max = Math.max(...times);
	assert.ok(min >= 4200 && max <= 6400, `times ${times.map(Math.round).join(', ')}`);
	assert.ok(max - min >= 1000, `spread ${max - min}`);
});

test('pause the leader: it stays listed as brokerId 0 (stale) while the live members elect a new leader; then it is overwritten', () => {
	const {sim, clock} = booted(4);
	const paused = sim.broker(leaderOf(sim, 'RaftNode00'));
	sim.pause(paused.id);
	const others = sim.brokers.filter(b => b.group === paused.group && b !== paused);
	assert.ok(clock.runUntil(() => others.some(b => b.member.role === 'leader'), 20_000));
	const newLeader = others.find(b => b.member.role === 'leader')!;
	// DLedger metadata from the live members names the new leader; the name servers still list the frozen one
	assert.ok(clock.runUntil(() => others.every(b => b.metadataView().leaderId === newLeader.selfId), 100));
	assert.deepEqual(sim.leaderAtNamesrvs('RaftNode00'), [paused.addr, paused.addr, paused.addr]);
	assert.ok(clock.runUntil(() => sim.leaderAtNamesrvs('RaftNode00').every(a => a === newLeader.addr), 1000), 'the new leader overwrites id 0');
	// the thawed old leader learns the new term and becomes a follower
	sim.resume(paused.id);
	assert.ok(clock.runUntil(() => paused.member.role === 'follower' && paused.member.leaderId === newLeader.selfId, 5000));
	assert.ok(clock.runUntil(() => sim.state().namesrvs.every(n => n.brokerAddrs.RaftNode00![Number(paused.selfId.slice(1)) + 1] === paused.addr), 1000));
	assert.equal(sim.groups[0]!.leaders().length, 1);
});

test('a paused leader nobody replaces stays listed until the name servers expire it (~120 s)', () => {
	const {sim, clock} = booted(5);
	const group = sim.groups[0]!;
	const leader = sim.broker(leaderOf(sim, group.name));
	for (const b of sim.brokers.filter(b => b.group === group && b !== leader)) void sim.kill(b.id);
	sim.pause(leader.id);
	clock.advance(100_000);
	assert.deepEqual(sim.leaderAtNamesrvs(group.name), [leader.addr, leader.addr, leader.addr]);
	clock.advance(45_000);
	assert.deepEqual(sim.leaderAtNamesrvs(group.name), [undefined, undefined, undefined]);
});

test('a group that loses its majority has no leader: the old leader steps down and re-registers as a follower', () => {
	const {sim, clock} = booted(6);
	const leader = sim.broker(leaderOf(sim, 'RaftNode01'));
	const followers = sim.brokers.filter(b => b.group === leader.group && b !== leader);
	for (const f of followers) void sim.kill(f.id);
	assert.ok(clock.runUntil(() => leader.member.role !== 'leader', 10_000), 'steps down');
	const steppedDownAfter = clock.now();
	clock.advance(20_000);
	assert.equal(leader.member.role, 'candidate');
	assert.equal(leader.group.leaders().length, 0);
	assert.deepEqual(sim.leaderAtNamesrvs('RaftNode01'), [undefined, undefined, undefined]);
	assert.ok(sim.state().namesrvs.every(n => n.brokerAddrs.RaftNode01![Number(leader.selfId.slice(1)) + 1] === leader.addr));
	assert.ok(steppedDownAfter > 0);
	// one member back → majority → a leader again
	sim.start(followers[0]!.id);
	assert.ok(clock.runUntil(() => leader.group.leaders().length === 1 && sim.leaderAtNamesrvs('RaftNode01').every(a => a !== undefined), 30_000));
});

test('a restarted killed node rejoins as a follower without deposing the leader', () => {
	const {sim, clock} = booted(7);
	const leader = sim.broker(leaderOf(sim, 'RaftNode00'));
	const term = leader.member.term;
	const victim = sim.brokers.find(b => b.group === leader.group && b !== leader)!;
	void sim.kill(victim.id);
	clock.advance(3000);
	const t0 = clock.now();
	sim.start(victim.id);
	const id = Number(victim.selfId.slice(1)) + 1;
	assert.ok(clock.runUntil(() => sim.state().namesrvs.every(n => n.brokerAddrs.RaftNode00![id] === victim.addr), 5000));
	const registeredAfter = clock.now() - t0;
	assert.ok(registeredAfter < 2000, `registered as follower after ${registeredAfter} ms`);
	assert.ok(clock.runUntil(() => victim.member.role === 'follower' && victim.member.leaderId === leader.selfId, 5000));
	assert.equal(leader.member.role, 'leader');
	assert.equal(leader.member.term, term);
	assert.equal(victim.configText().match(/^brokerRole=(.*)$/m)![1], 'SLAVE');
	assert.equal(leader.configText().match(/^brokerRole=(.*)$/m)![1], 'SYNC_MASTER');
});

test('fromPlan: hosts mapped by bindHost, ids namesrv@<host> and <group>/<selfId>; log files written under logDir', async () => {
	const {planOf, clusterOn} = await import('../plan/fixtures.ts');
	const {mkdtempSync, readFileSync, rmSync} = await import('node:fs');
	const {tmpdir} = await import('node:os');
	const {join} = await import('node:path');
	const dir = mkdtempSync(join(tmpdir(), 'rmq-sim-'));
	try {
		const plan = planOf(clusterOn(3, 2, 3));
		const clock = new VirtualClock();
		const sim = SimCluster.fromPlan(plan, {clock, random: seededRandom(8), bindHost: i => `127.0.0.${i + 1}`, logDir: dir});
		assert.deepEqual(sim.namesrvs.map(n => n.id), ['namesrv@h0', 'namesrv@h1', 'namesrv@h2']);
		assert.equal(sim.namesrvs[1]!.addr, '127.0.0.2:9876');
		sim.startAll();
		assert.ok(clock.runUntil(() => sim.groups.every(g => g.leaders().length === 1), 60_000));
		clock.advance(2000);
		const b = sim.broker('RaftNode01/n2');
		assert.match(b.configText(), /^dLegerPeers=n0-127\.0\.0\.\d:20921;n1-127\.0\.0\.\d:20921;n2-127\.0\.0\.\d:20921$/m);
		const file = readFileSync(join(dir, 'RaftNode01-n2', 'broker.log'), 'utf8');
		assert.match(file, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO DLegerRoleChangeHandler_1 - Begin handling broker role change term=\d+ role=CANDIDATE currStoreRole=ASYNC_MASTER$/m);
		assert.equal(file.split('\n').filter(Boolean).length, b.log.lines('broker.log').length);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
