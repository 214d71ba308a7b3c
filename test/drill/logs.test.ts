/** 4.7.1 log lines → events and highlight classes: the real fixture logs and the simulator's lines. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {gmt8ToEpoch, highlight, parseLogEvent, parseLogEvents, parseLogLine} from '../../source/drill/logs.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {seededRandom, VirtualClock} from '../../source/sim/clock.ts';
import {formatLine} from '../../source/sim/logs.ts';
import {fixtureTopology} from '../sim/fixture-topology.ts';
import {fixtureText} from './support.ts';

const brief = (text: string) => parseLogEvents(text).map(e => [new Date(e.at).toISOString().slice(11, 19), e.kind, e.selfId ?? e.group ?? e.addr, e.term ?? e.brokerId ?? e.leaderId ?? null]);

test('the time is GMT+8 at 1 s resolution, whatever the date (midnight and month ends included)', () => {
	assert.equal(parseLogLine('2026-11-25 11:37:06 INFO x - y')!.at, Date.UTC(2026, 10, 25, 3, 37, 6));
	assert.equal(parseLogLine('2026-11-26 07:59:59 INFO x - y')!.at, Date.parse('2026-11-25T23:59:59Z'));
	assert.equal(parseLogLine('2027-01-01 00:00:00 WARN x - y')!.at, Date.parse('2026-12-31T16:00:00Z'));
	assert.equal(gmt8ToEpoch(2024, 3, 1, 2, 0, 0), Date.parse('2024-02-29T18:00:00Z'));
	assert.deepEqual(parseLogLine('2026-11-25 11:37:12 ERROR StateMaintainer - Send vote request failed info[…]\norg.apache…Exception: connect to 127.0.0.1:40931 failed'), {
		at: Date.UTC(2026, 10, 25, 3, 37, 12),
		level: 'ERROR',
		thread: 'StateMaintainer',
		message: 'Send vote request failed info[…]',
	});
	assert.equal(parseLogLine('\tat org.apache.rocketmq.remoting.netty.NettyRemotingClient.invokeSync(NettyRemotingClient.java:394)'), undefined);
	assert.equal(parseLogLine('org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to 127.0.0.1:10929 failed'), undefined);
	assert.equal(parseLogLine('2026-11-25 11:37:06 INFO x - y\r')!.message, 'y');
});

test('new leader (n0), broker_default.log: heartbeat timeout, two candidate rounds, elected in term 1, leader', () => {
	assert.deepEqual(brief(fixtureText('logs/new-leader-broker_default.log')), [
		['03:37:12', 'heartbeat-timeout', 'n0', 'n2'],
		['03:37:12', 'candidate', 'n0', 0],
		['03:37:13', 'elected', 'n0', 1],
		['03:37:13', 'leader', 'n0', 1],
	]);
});

test('new leader (n0), broker.log: change to master', () => {
	assert.deepEqual(brief(fixtureText('logs/new-leader-broker.log')), [['03:37:13', 'change-to-master', 'RaftNode00', null]]);
});

test('follower (n1): heartbeat timeout, candidate in terms 0 and 1, follows n0; broker.log: change to slave brokerId 2', () => {
	assert.deepEqual(brief(fixtureText('logs/follower-broker_default.log')), [
		['03:37:12', 'heartbeat-timeout', 'n1', 'n2'],
		['03:37:12', 'candidate', 'n1', 0],
		['03:37:13', 'candidate', 'n1', 1],
		['03:37:13', 'follower', 'n1', 1],
	]);
	assert.equal(parseLogEvent('2026-11-25 11:37:13 INFO NettyServerPublicExecutor_2 - [n1][ChangeRoleToFollower] from term: 1 leaderId: n0 and currTerm: 1')!.leaderId, 'n0');
	assert.deepEqual(brief(fixtureText('logs/follower-broker.log')), [['03:37:13', 'change-to-slave', 'RaftNode00', 2]]);
});

test('name server: the dead leader removed as brokerId 0, the restarted node registered again', () => {
	assert.deepEqual(brief(fixtureText('logs/namesrv.log')), [
		['03:37:06', 'broker-removed', '127.0.0.1:10931', 0],
		['03:37:16', 'broker-registered', '127.0.0.1:10931', null],
	]);
});

test('highlight: election lines, role changes, errors, warnings, stack traces, the rest plain', () => {
	const cases: Array<[string, ReturnType<typeof highlight>]> = [
		['2026-11-25 11:37:12 INFO StateMaintainer - [n0][HeartBeatTimeOut] lastLeaderHeartBeatTime: 2026-11-25 03:37:06.527 heartBeatTimeIntervalMs: 2000 lastLeader=n2', 'election'],
		['2026-11-25 11:37:13 INFO StateMaintainer - [n0] [VOTE_RESULT] has been elected to be the leader in term 1', 'election'],
		['2026-11-25 11:37:12 INFO StateMaintainer - [n0] [ChangeRoleToCandidate] from term: 0 and currTerm: 0', 'election'],
		['2026-11-25 11:37:13 INFO DLegerRoleChangeHandler_1 - Begin to change to master brokerName=RaftNode00', 'role'],
		['2026-11-25 11:37:13 INFO DLegerRoleChangeHandler_1 - Begin to change to slave brokerName=RaftNode00 brokerId=2', 'role'],
		['2026-11-25 11:37:06 INFO NettyEventExecutor - remove brokerAddr[0, 127.0.0.1:10931] from brokerAddrTable, because channel destroyed', 'role'],
		['2026-11-25 11:37:11 ERROR BrokerControllerScheduledThread1 - SyncTopicConfig Exception, 127.0.0.1:10931', 'error'],
		['2026-11-25 11:37:11 WARN brokerOutApi_thread_1 - registerBroker Exception, 127.0.0.1:9876', 'warn'],
		['\tat java.base/java.lang.Thread.run(Thread.java:840) ~[na:na]', 'stack'],
		['org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to 127.0.0.1:10931 failed', 'stack'],
		['2026-11-25 11:37:01 INFO QuorumAckChecker - [n0][FOLLOWER] term=0 ledgerBegin=-1 ledgerEnd=-1 committed=-1 watermarks={}', 'plain'],
		['', 'plain'],
	];
	for (const [line, expected] of cases) assert.equal(highlight(line), expected, line);
	// every line of every fixture log gets a class, and the counts are what the files hold
	const classes = (file: string) => fixtureText(`logs/${file}`).split('\n').filter(Boolean).map(highlight);
	const count = (file: string, c: string) => classes(file).filter(x => x === c).length;
	assert.equal(count('new-leader-broker_default.log', 'election'), 4);
	assert.equal(count('new-leader-broker.log', 'role'), 1);
	assert.equal(count('follower-broker.log', 'error'), 4);
});

test('the simulator\'s lines: same events, each at its line\'s second, multi-line entries read by their first line', () => {
	const clock = new VirtualClock();
	const sim = new SimCluster(fixtureTopology(), {clock, random: seededRandom(7)});
	sim.startAll();
	assert.ok(clock.runUntil(() => sim.groups.every(g => sim.leaderAtNamesrvs(g.name).every(a => a !== undefined)), 60_000));
	clock.advance(10_000);
	const group = sim.groups.find(g => g.name === 'RaftNode00')!;
	const old = group.leaders()[0]!.selfId;
	const killedAt = clock.now();
	void sim.kill(`RaftNode00/${old}`);
	assert.ok(clock.runUntil(() => sim.leaderAtNamesrvs('RaftNode00').every(a => a !== undefined && !a.endsWith(`${10911 + 10 * Number(old.slice(1))}`)), 15_000));
	clock.advance(3000);
	const events = new Map<string, Array<{kind: string; at: number; term?: number; brokerId?: number}>>();
	for (const b of sim.brokers.filter(b => b.group.name === 'RaftNode00')) {
		const list: Array<{kind: string; at: number}> = [];
		for (const entry of b.log.entries()) {
			const parsed = parseLogLine(entry.line);
			assert.ok(parsed, entry.line);
			assert.equal(parsed.at, Math.floor(entry.at / 1000) * 1000, 'the line\'s second');
			const e = parseLogEvent(entry.line);
			if (e && e.at >= Math.floor(killedAt / 1000) * 1000) list.push(e);
		}
		events.set(b.selfId, list);
	}
	const newLeader = group.leaders()[0]!.selfId;
	assert.notEqual(newLeader, old);
	const kinds = (id: string) => [...new Set(events.get(id)!.map(e => e.kind))];
	assert.deepEqual(kinds(newLeader).filter(k => ['heartbeat-timeout', 'candidate', 'elected', 'leader', 'change-to-master'].includes(k)).sort(), ['candidate', 'change-to-master', 'elected', 'heartbeat-timeout', 'leader']);
	const follower = ['n0', 'n1', 'n2'].find(id => id !== old && id !== newLeader)!;
	const slave = events.get(follower)!.find(e => e.kind === 'change-to-slave');
	assert.equal(slave?.brokerId, Number(follower.slice(1)) + 1);
	assert.ok(events.get(follower)!.some(e => e.kind === 'follower'));
	// the name server's removal of the dead leader
	const removed = parseLogEvents(sim.namesrvs[0]!.log.lines()).filter(e => e.kind === 'broker-removed' && e.brokerId === 0);
	assert.ok(removed.some(e => e.addr === `127.0.0.1:${10911 + 10 * Number(old.slice(1))}` && Math.abs(e.at - killedAt) < 1000));
	// and a line the simulator writes in one piece with a stack trace is parsed by its head
	assert.equal(parseLogLine(formatLine(killedAt, 'ERROR', 'StateMaintainer', 'Send heartBeat request failed info[…]\norg.apache.X: y'))!.message, 'Send heartBeat request failed info[…]');
});
