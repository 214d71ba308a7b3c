/** The drill reducer on synthetic snapshot sequences (real probe snapshots of a hand-driven plan-shaped cluster). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {isMeasured} from '../../source/drill/timeline.ts';
import {G, NS, Script, T0} from './support.ts';

const rel = (at: number | undefined) => (at === undefined ? undefined : at - T0);

test('kill the leader, then start it: every milestone, in order, then back as follower', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	assert.equal(s.d.expectElection, true);
	assert.equal(s.d.leaderBefore, 'n0');
	assert.equal(s.d.phase, 'waiting');
	s.container(40, 'RaftNode00/n0', 'exited');
	assert.equal(s.d.phase, 'leader-lost');
	assert.equal(rel(s.d.leaderLostAt), 40);
	assert.equal(s.live(80), 'RaftNode00: no leader for 0.1 s…');
	s.snap(100, w => w.down(G, 'n0').drop(G, 'n0', NS[0])); // one name server noticed
	assert.equal(s.d.phase, 'leader-lost');
	s.snap(350, w => w.drop(G, 'n0'));
	assert.equal(s.d.phase, 'electing');
	assert.equal(s.d.verdicts.at(-1)!.verdict, 'electing');
	for (let t = 600; t < 5000; t += 250) s.snap(t);
	assert.equal(s.live(4200), 'RaftNode00: no leader for 4.2 s…');
	s.snap(5100, w => w.follow(G, 'n1', null).follow(G, 'n2', null));
	assert.equal(s.live(5150), 'RaftNode00: no leader for 5.2 s… (n1, n2 are candidates)');
	s.snap(5350, w => w.follow(G, 'n1', 'n1').follow(G, 'n2', 'n1'));
	assert.equal(s.d.phase, 'electing');
	assert.equal(s.live(5400), 'RaftNode00: n1 leads by DLedger after 5.3 s, waiting 5.4 s for every name server…');
	s.snap(5600, w => w.register(G, 'n1', 0));
	assert.equal(s.d.phase, 'elected');
	assert.equal(s.live(9000), 'RaftNode00: new leader n1 after 5.6 s (at all 3 name servers)');
	assert.ok(isMeasured(s.d));

	s.send(20_000, 'RaftNode00/n0', 'start');
	assert.equal(s.d.phase, 'recovering');
	assert.equal(s.live(21_000), 'RaftNode00: new leader n1 after 5.6 s (at all 3 name servers); n0 starting for 1.0 s…');
	s.container(20_100, 'RaftNode00/n0', 'running');
	s.snap(21_000, w => w.follow(G, 'n0', null)); // booting: a candidate, not registered
	assert.equal(s.d.phase, 'recovering');
	s.snap(21_250, w => w.follow(G, 'n0', 'n1').register(G, 'n0', 1));
	assert.equal(s.d.phase, 'done');
	assert.equal(s.live(30_000), 'RaftNode00: new leader n1 after 5.6 s (at all 3 name servers); n0 back as follower after 1.3 s (done)');

	const d = s.d;
	assert.deepEqual(s.phases, ['waiting', 'leader-lost', 'electing', 'elected', 'recovering', 'done']);
	assert.deepEqual(Object.values(d.namesrvs).map(n => [n.addr, rel(n.leaderGoneAt), n.newLeader, rel(n.newLeaderAt)]), [
		[NS[0], 100, 'n1', 5600],
		[NS[1], 350, 'n1', 5600],
		[NS[2], 350, 'n1', 5600],
	]);
	assert.deepEqual(Object.values(d.dledger).map(n => [n.selfId, rel(n.leaderGoneAt), rel(n.candidateAt), n.newLeader, rel(n.newLeaderAt)]), [
		['n1', 5100, 5100, 'n1', 5350],
		['n2', 5100, 5100, 'n1', 5350],
	]);
	assert.equal(rel(d.unreachableAt), 100);
	assert.equal(rel(d.newLeaderAt), 5600);
	assert.equal(rel(d.dledgerMajorityAt), 5350);
	assert.equal(rel(d.electedAt), 5600);
	const r = d.recovery!;
	assert.deepEqual({...r, sentAt: rel(r.sentAt), runningAt: rel(r.runningAt), reachableAt: rel(r.reachableAt), registeredAt: rel(r.registeredAt), followsAt: rel(r.followsAt), backAt: rel(r.backAt)}, {
		action: 'start',
		sentAt: 20_000,
		runningAt: 20_100,
		reachableAt: 21_000,
		registeredAt: 21_250,
		registeredBrokerId: 1,
		followsAt: 21_250,
		backAt: 21_250,
		backAs: 'follower',
		backBrokerId: 1,
	});
	assert.equal(rel(d.doneAt), 21_250);
	// one name server without brokerId 0 while the others still list n0: the probe calls that a split
	assert.deepEqual(d.verdicts.map(v => [rel(v.at), v.verdict]), [
		[-200, 'healthy'],
		[100, 'split'],
		[350, 'electing'],
		[5600, 'degraded'],
		[21_250, 'healthy'],
	]);
	assert.ok(d.maxGapMs! <= 15_400);
	assert.deepEqual(d.notes, []);
});

test('pause the leader: the name servers keep the STALE leader until the new one overwrites it, then unpause', () => {
	const s = new Script('RaftNode00/n0', 'pause');
	s.container(20, 'RaftNode00/n0', 'paused');
	s.snap(300, w => w.down(G, 'n0'));
	assert.equal(s.d.phase, 'leader-lost');
	assert.equal(s.d.verdicts.at(-1)!.verdict, 'degraded');
	assert.equal(s.live(800), 'RaftNode00: leader n0 frozen for 0.8 s…');
	for (let t = 550; t < 5000; t += 250) s.snap(t);
	assert.equal(s.live(1500), 'RaftNode00: leader n0 frozen for 1.5 s…; stale at ns 10.0.0.1:9876, 10.0.0.2:9876, 10.0.0.3:9876 since +0.3 s');
	s.snap(5300, w => w.follow(G, 'n1', null).follow(G, 'n2', null));
	assert.equal(s.d.verdicts.at(-1)!.verdict, 'stale');
	assert.equal(s.d.phase, 'electing');
	s.snap(5600, w => w.follow(G, 'n1', 'n1').follow(G, 'n2', 'n1'));
	assert.equal(s.d.verdicts.at(-1)!.verdict, 'stale');
	for (let t = 5850; t < 11_900; t += 250) s.snap(t);
	assert.equal(s.live(8000), 'RaftNode00: n1 leads by DLedger after 5.6 s, waiting 8.0 s for every name server…; stale at ns 10.0.0.1:9876, 10.0.0.2:9876, 10.0.0.3:9876 since +0.3 s');
	s.snap(11_900, w => w.register(G, 'n1', 0));
	assert.equal(s.d.phase, 'elected');
	assert.equal(s.live(12_000), 'RaftNode00: new leader n1 after 11.9 s (at all 3 name servers)');
	for (const ns of Object.values(s.d.namesrvs)) {
		assert.deepEqual([rel(ns.staleSince), rel(ns.staleUntil), rel(ns.leaderGoneAt), ns.newLeader, rel(ns.newLeaderAt)], [300, 11_900, 11_900, 'n1', 11_900]);
	}
	assert.equal(rel(s.d.dledgerMajorityAt), 5600);
	// unpause: it answers, steps down, registers as follower
	s.send(15_000, 'RaftNode00/n0', 'unpause');
	s.container(15_010, 'RaftNode00/n0', 'running');
	s.snap(15_250, w => w.follow(G, 'n0', 'n0')); // still thinks it leads: not back yet
	assert.equal(s.d.phase, 'recovering');
	assert.equal(s.d.recovery!.followsAt, undefined, 'naming itself is not following');
	s.snap(15_500, w => w.follow(G, 'n0', 'n1').register(G, 'n0', 1));
	assert.equal(s.d.phase, 'done');
	assert.equal(s.d.recovery!.backAs, 'follower');
	assert.equal(rel(s.d.recovery!.followsAt), 15_500);
	assert.deepEqual(s.phases, ['waiting', 'leader-lost', 'electing', 'elected', 'recovering', 'done']);
	assert.equal(s.live(16_000), 'RaftNode00: new leader n1 after 11.9 s (at all 3 name servers); n0 back as follower after 0.5 s (done)');
});

test('a pause undone before any election: the leader resumes, no new leader, done', () => {
	const s = new Script('RaftNode00/n0', 'pause');
	s.snap(250, w => w.down(G, 'n0')).snap(500).snap(750);
	s.send(1000, 'RaftNode00/n0', 'unpause');
	s.snap(1250, w => w.follow(G, 'n0', 'n0'));
	assert.equal(s.d.phase, 'done');
	assert.equal(s.d.recovery!.backAs, 'leader');
	assert.equal(s.d.newLeaderAt, undefined);
	assert.equal(s.live(2000), 'RaftNode00: n0 back as leader after 0.3 s (done)');
});

test('stop a follower: no election expected, the group keeps its leader (degraded), start brings it back', () => {
	const s = new Script('RaftNode00/n2', 'stop');
	assert.equal(s.d.expectElection, false);
	assert.equal(s.d.phase, 'waiting');
	s.container(800, 'RaftNode00/n2', 'exited');
	assert.equal(s.d.phase, 'no-election-expected');
	s.snap(1000, w => w.down(G, 'n2').drop(G, 'n2'));
	assert.equal(s.live(1100), 'RaftNode00/n2 stopped (seen at +0.8 s); RaftNode00 keeps leader n0 (degraded)');
	for (let t = 1250; t < 8000; t += 250) s.snap(t);
	assert.equal(s.d.unexpectedLeaderChange, undefined);
	assert.ok(isMeasured(s.d));
	s.send(10_000, 'RaftNode00/n2', 'start');
	assert.equal(s.d.phase, 'recovering');
	s.snap(11_000, w => w.follow(G, 'n2', 'n0').register(G, 'n2', 3));
	assert.equal(s.d.phase, 'done');
	assert.equal(s.d.recovery!.backBrokerId, 3);
	assert.equal(s.live(12_000), 'RaftNode00: n2 back as follower after 1.0 s (done)');
	assert.deepEqual(s.d.verdicts.map(v => v.verdict), ['healthy', 'degraded', 'healthy']);
});

test('a follower drill that changes the leader anyway says so', () => {
	const s = new Script('RaftNode00/n2', 'kill');
	s.snap(250, w => w.down(G, 'n2').drop(G, 'n2'));
	s.snap(6000, w => w.follow(G, 'n0', 'n1').follow(G, 'n1', 'n1').register(G, 'n1', 0));
	assert.deepEqual(s.d.unexpectedLeaderChange, {at: T0 + 6000, from: 'n0', to: 'n1'});
	assert.deepEqual(s.d.notes, ['unexpected: the leader of RaftNode00 changed from n0 to n1 at +6.0 s']);
	assert.equal(s.live(7000), 'RaftNode00/n2 killed (seen at +0.3 s); UNEXPECTED leader change n0 → n1');
});

test('restart of the leader: election first, then the node back as follower', () => {
	const s = new Script('RaftNode00/n0', 'restart');
	assert.equal(s.d.expectElection, true);
	assert.equal(s.d.phase, 'waiting');
	s.container(300, 'RaftNode00/n0', 'exited');
	s.snap(500, w => w.down(G, 'n0').drop(G, 'n0'));
	assert.equal(s.d.phase, 'electing');
	s.container(600, 'RaftNode00/n0', 'running');
	s.snap(5500, w => w.follow(G, 'n1', 'n2').follow(G, 'n2', 'n2').register(G, 'n2', 0));
	assert.equal(s.d.phase, 'recovering');
	s.snap(6000, w => w.follow(G, 'n0', 'n2').register(G, 'n0', 1));
	assert.equal(s.d.phase, 'done');
	assert.equal(rel(s.d.recovery!.runningAt), 600);
	assert.deepEqual(s.phases, ['waiting', 'leader-lost', 'electing', 'recovering', 'done']);
});

test('restart of a follower: not back until it was seen going down and coming back', () => {
	const s = new Script('RaftNode00/n2', 'restart');
	assert.equal(s.d.phase, 'recovering');
	s.snap(250);
	assert.equal(s.d.recovery!.backAt, undefined, 'still up before the restart took effect');
	assert.equal(s.d.recovery!.registeredAt, undefined);
	s.container(300, 'RaftNode00/n2', 'exited');
	s.snap(500, w => w.down(G, 'n2').drop(G, 'n2'));
	s.container(2000, 'RaftNode00/n2', 'running');
	s.snap(3000, w => w.follow(G, 'n2', null).register(G, 'n2', 3));
	assert.equal(rel(s.d.recovery!.registeredAt), 3000);
	s.snap(5000, w => w.follow(G, 'n2', 'n0'));
	assert.equal(s.d.phase, 'done');
	assert.deepEqual([rel(s.d.recovery!.runningAt), rel(s.d.recovery!.followsAt), rel(s.d.recovery!.backAt)], [2000, 5000, 5000]);
	assert.equal(s.live(6000), 'RaftNode00: n2 back as follower after 5.0 s (done)');
	assert.deepEqual(s.phases, ['recovering', 'done']);
});

test('restart of a name server and of the console: the same rule', () => {
	const ns = new Script('namesrv@h2', 'restart');
	ns.snap(250);
	assert.equal(ns.d.recovery!.backAt, undefined);
	ns.snap(500, w => w.nsDown(NS[2]!));
	ns.snap(2500, w => w.nsLike(NS[2]!, NS[0]!));
	assert.equal(rel(ns.d.recovery!.backAt), 2500);
	const c = new Script('console@h0', 'restart');
	c.container(100, 'console@h0', 'running'); // an event from before the restart took effect
	assert.equal(c.d.recovery!.runningAt, undefined);
	c.container(400, 'console@h0', 'exited');
	c.container(900, 'console@h0', 'running');
	assert.equal(rel(c.d.recovery!.backAt), 900);
	assert.equal(c.d.phase, 'done');
});

test('a name server down during the election: time-to-new-leader counts the name servers that answer', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	s.snap(250, w => w.down(G, 'n0').drop(G, 'n0').nsDown(NS[2]!));
	s.snap(5000, w => w.follow(G, 'n1', 'n2').follow(G, 'n2', 'n2').register(G, 'n2', 0));
	assert.equal(s.d.phase, 'elected');
	assert.deepEqual(s.d.newLeaderNamed, {named: 2, of: 3});
	assert.equal(s.d.namesrvs[NS[2]!]!.reachable, false);
	assert.equal(s.live(6000), 'RaftNode00: new leader n2 after 5.0 s (at 2 of 3 name servers; the others did not answer)');
});

test('without a snapshot before the action, the first one after decides who led (followers still follow the dead leader)', () => {
	const s = new Script('RaftNode00/n0', 'kill', {before: false});
	assert.equal(s.d.leaderKnown, false);
	s.snap(250, w => w.down(G, 'n0').drop(G, 'n0'));
	assert.equal(s.d.leaderBefore, 'n0');
	assert.equal(s.d.expectElection, true);
	assert.equal(s.d.phase, 'electing');
});

test('stop a name server, start it: back once it lists every group\'s leader again (brokers re-register)', () => {
	const s = new Script('namesrv@h1', 'stop');
	assert.equal(s.d.expectElection, false);
	assert.deepEqual(s.d.leadersBefore, {RaftNode00: 'n0', RaftNode01: 'n1'});
	s.container(200, 'namesrv@h1', 'exited');
	s.snap(250, w => w.nsDown(NS[1]!));
	assert.equal(s.d.phase, 'no-election-expected');
	assert.equal(rel(s.d.unreachableAt), 250);
	assert.equal(s.live(1000), 'namesrv@h1 stopped (seen at +0.2 s); every group keeps its leader (healthy)');
	s.send(5000, 'namesrv@h1', 'start');
	s.snap(6000, w => w.nsEmpty(NS[1]!));
	assert.equal(rel(s.d.recovery!.reachableAt), 6000);
	assert.equal(s.d.recovery!.backAt, undefined);
	assert.equal(s.d.verdicts.at(-1)!.verdict, 'split');
	s.snap(25_000, w => w.nsLike(NS[1]!, NS[0]!));
	assert.equal(s.d.phase, 'done');
	assert.equal(s.live(26_000), "name server 10.0.0.2:9876: back, listing every group's leader, after 20.0 s (done)");
	assert.deepEqual(s.d.verdicts.map(v => v.verdict), ['healthy', 'split', 'healthy']);
});

test('the console: Docker events only', () => {
	const s = new Script('console@h0', 'stop');
	s.snap(250);
	assert.equal(s.d.phase, 'waiting');
	s.container(300, 'console@h0', 'exited');
	assert.equal(s.d.phase, 'no-election-expected');
	s.send(2000, 'console@h0', 'start');
	s.container(2500, 'console@h0', 'running');
	assert.equal(s.d.phase, 'done');
	assert.equal(rel(s.d.recovery!.backAt), 2500);
	assert.equal(s.live(3000), 'console on h0: running again after 0.5 s (done)');
});

test('snapshots from before the action or out of order, events of other groups, and inputs after done change nothing', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	const d0 = s.d;
	s.snap(-100);
	assert.equal(s.d, d0, 'a round started before the key press');
	s.apply({type: 'container', at: T0 + 100, host: 'h1', name: 'rocketmq-raftnode01-n1', state: 'exited'});
	assert.equal(s.d, d0, 'another group\'s container');
	s.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode01-n1', line: '2026-11-25 11:37:05 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 3'});
	assert.equal(s.d, d0, 'another group\'s log');
	s.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:36:50 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 3'});
	assert.equal(s.d, d0, 'a line from the backlog, long before the action');
	s.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:37:01 INFO QuorumAckChecker - [n1][FOLLOWER] term=0'});
	assert.equal(s.d, d0, 'a line that is no event');
	s.snap(500, w => w.down(G, 'n0').drop(G, 'n0'));
	const d1 = s.d;
	assert.notEqual(d1, d0);
	assert.equal(d0.phase, 'waiting', 'the previous state is untouched');
	assert.deepEqual(d0.namesrvs, {});
	s.snap(400);
	assert.equal(s.d, d1, 'out of order');
	s.apply({type: 'close', at: T0 + 1000});
	assert.equal(s.d.phase, 'done');
	const closed = s.d;
	s.snap(6000, w => w.follow(G, 'n1', 'n1').follow(G, 'n2', 'n1').register(G, 'n1', 0));
	assert.equal(s.d, closed);
	assert.equal(s.live(9000), 'RaftNode00: no new leader seen (done)');
});

test('a drill closes itself after the timeout, saying no new leader was seen', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	s.snap(250, w => w.down(G, 'n0').down(G, 'n1').drop(G, 'n0'));
	s.snap(301_000);
	assert.equal(s.d.phase, 'done');
	assert.deepEqual(s.d.notes, ['closed 301.0 s after the action, no new leader seen']);
});

test('a Docker event dated before the action hints at a wrong clock offset; other actions meanwhile are noted', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	s.container(-1500, 'RaftNode00/n0', 'exited');
	assert.deepEqual(s.d.notes, ['Docker dates the exited of RaftNode00/n0 1.5 s before the action was sent: the host\'s clock offset may be off']);
	assert.equal(rel(s.d.leaderLostAt), 0);
	s.send(2000, 'RaftNode01/n1', 'pause');
	assert.equal(s.d.notes[1], 'meanwhile: pause RaftNode01/n1 at +2.0 s');
	s.container(-9000, 'RaftNode00/n0', 'running');
	assert.equal(s.d.containers.length, 1, 'far older events are ignored');
});
