import assert from 'node:assert/strict';
import {test} from 'node:test';
import {clusterSnapshot, groupSnapshot, worstVerdict} from '../../source/probe/snapshot.ts';
import type {BrokerObservation, DledgerObservation, GroupTarget, NamesrvObservation, ProbeRound} from '../../source/probe/types.ts';

const G: GroupTarget = {
	name: 'RaftNode00',
	replicas: ['n0', 'n1', 'n2'].map((selfId, i) => ({selfId, ip: `10.0.0.${i + 1}`, listenPort: 10911, dledgerPort: 20911})),
};
const NS = ['10.0.0.1:9876', '10.0.0.2:9876', '10.0.0.3:9876'];
const addr = (i: number) => `10.0.0.${i + 1}:10911`;

/** brokerId table with `leader` (index) as 0 and the others as index+1; `absent` indexes left out. */
function table(leader: number | null, absent: number[] = []): Record<number, string> {
	const t: Record<number, string> = {};
	for (const i of [0, 1, 2]) if (!absent.includes(i)) t[i === leader ? 0 : i + 1] = addr(i);
	return t;
}

const nsOk = (a: string, t: Record<number, string>): NamesrvObservation => ({addr: a, at: 0, ok: true, brokers: {RaftNode00: t}});
const nsDown = (a: string): NamesrvObservation => ({addr: a, at: 0, ok: false, error: 'timeout'});
const dl = (selfId: string, leaderId: string | null | 'down'): DledgerObservation =>
	leaderId === 'down' ? {group: 'RaftNode00', selfId, at: 0, ok: false, error: 'refused'} : {group: 'RaftNode00', selfId, at: 0, ok: true, ...(leaderId ? {leaderId} : {})};
const br = (selfId: string, offset: number): BrokerObservation => ({group: 'RaftNode00', selfId, at: 0, ok: true, runtime: {commitLogMaxOffset: offset}});

function round(at: number, namesrvs: NamesrvObservation[], dledger: DledgerObservation[], brokers: BrokerObservation[] = []): ProbeRound {
	return {at, groups: [G], namesrvs, dledger, brokers};
}

const healthy = (at = 0) => round(at, NS.map(a => nsOk(a, table(2))), [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')]);

test('healthy: every source agrees on the leader; roles and broker ids per name server', () => {
	const s = groupSnapshot(G, healthy());
	assert.equal(s.verdict, 'healthy');
	assert.equal(s.leader, 'n2');
	assert.deepEqual(s.leaderByNamesrv, Object.fromEntries(NS.map(a => [a, 'n2'])));
	assert.deepEqual(s.replicas.map(r => r.role), ['follower', 'follower', 'leader']);
	assert.deepEqual(s.replicas[0]!.brokerIdByNamesrv, Object.fromEntries(NS.map(a => [a, 1])));
	assert.deepEqual(s.replicas[2]!.brokerIdByNamesrv, Object.fromEntries(NS.map(a => [a, 0])));
	assert.deepEqual(s.reasons, []);
});

test('unreachable: no name server and no node answers', () => {
	const s = groupSnapshot(G, round(0, NS.map(nsDown), ['n0', 'n1', 'n2'].map(id => dl(id, 'down'))));
	assert.equal(s.verdict, 'unreachable');
	assert.match(s.reasons[0]!, /no name server and no DLedger node of RaftNode00 answered/);
	assert.deepEqual(s.replicas.map(r => r.role), ['down', 'down', 'down']);
});

test('electing: the killed leader is gone from every name server and nobody holds brokerId 0', () => {
	const s = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(null, [2]))), [dl('n0', null), dl('n1', 'n2'), dl('n2', 'down')]));
	assert.equal(s.verdict, 'electing');
	assert.equal(s.leader, undefined);
	assert.equal(s.replicas[0]!.role, 'candidate');
});

test('electing wins over everything below it even with one name server unreachable', () => {
	const s = groupSnapshot(G, round(0, [nsDown(NS[0]!), nsOk(NS[1]!, table(null, [2])), nsOk(NS[2]!, table(null, [2]))], [dl('n0', 'n1'), dl('n1', 'n1')]));
	assert.equal(s.verdict, 'electing');
	assert.equal(s.leaderByNamesrv[NS[0]!], undefined);
});

test('stale: a paused leader is still brokerId 0 at the name servers, the live nodes follow a new one', () => {
	const s = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(2))), [dl('n0', 'n0'), dl('n1', 'n0'), dl('n2', 'down')]));
	assert.equal(s.verdict, 'stale');
	assert.match(s.reasons[0]!, /name server 10\.0\.0\.1:9876 still lists n2 as leader, but the live DLedger nodes follow: n0→n0, n1→n0/);
});

test('split: name servers disagree', () => {
	const s = groupSnapshot(G, round(0, [nsOk(NS[0]!, table(2)), nsOk(NS[1]!, table(0)), nsOk(NS[2]!, table(2))], [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2'), dl('n0', 'n0')].slice(0, 3)));
	// n0 is followed by nobody → that name server is stale, which outranks split
	assert.equal(s.verdict, 'stale');
	const t = groupSnapshot(G, round(0, [nsOk(NS[0]!, table(2)), nsOk(NS[1]!, table(null)), nsOk(NS[2]!, table(2))], [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')]));
	assert.equal(t.verdict, 'split');
	assert.match(t.reasons[0]!, /sources disagree on the leader of RaftNode00 \(ns 10\.0\.0\.1:9876: n2; ns 10\.0\.0\.2:9876: none;/);
});

test('split: DLedger nodes disagree among themselves', () => {
	const s = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(2))), [dl('n0', 'n2'), dl('n1', 'n1'), dl('n2', 'n2')]));
	assert.equal(s.verdict, 'split');
});

test('degraded: a follower down, not registered, or lagging', () => {
	const down = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(2, [0]))), [dl('n0', 'down'), dl('n1', 'n2'), dl('n2', 'n2')]));
	assert.equal(down.verdict, 'degraded');
	assert.equal(down.leader, 'n2');
	assert.deepEqual(down.reasons, ['n0 (10.0.0.1:10911) is down']);
	const unregistered = groupSnapshot(G, round(0, [nsOk(NS[0]!, table(2, [1])), nsOk(NS[1]!, table(2)), nsOk(NS[2]!, table(2))], [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')]));
	assert.deepEqual(unregistered.reasons, ['n1 is not registered at 10.0.0.1:9876']);
	const lagging = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(2))), [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')], [br('n0', 100), br('n1', 100 - 40 * 1024 * 1024 + 100), br('n2', 40 * 1024 * 1024 + 100)]));
	assert.equal(lagging.verdict, 'degraded');
	assert.equal(lagging.replicas[0]!.lagBytes, 40 * 1024 * 1024);
	assert.match(lagging.reasons[0]!, /n0 lags 41943040 bytes behind the leader/);
});

test('roles fall back to the broker\'s own brokerRole when its DLedger port is unreachable', () => {
	const s = groupSnapshot(G, round(0, NS.map(a => nsOk(a, table(2))), [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')], [{group: 'RaftNode00', selfId: 'n1', at: 0, ok: true, role: 'SLAVE'}]));
	assert.equal(s.replicas[1]!.role, 'follower');
});

test('leaderSince marks the round where the agreed leader changed, and is kept while it does not', () => {
	const first = groupSnapshot(G, healthy(0));
	assert.equal(first.leaderSince, undefined, 'unknown on the first round');
	const lost = groupSnapshot(G, round(1000, NS.map(a => nsOk(a, table(null, [2]))), [dl('n0', null), dl('n1', null)]), first);
	assert.equal(lost.leaderSince, 1000);
	const still = groupSnapshot(G, round(1250, NS.map(a => nsOk(a, table(null, [2]))), [dl('n0', null), dl('n1', null)]), lost);
	assert.equal(still.leaderSince, 1000);
	const back = groupSnapshot(G, round(5600, NS.map(a => nsOk(a, table(0, [2]))), [dl('n0', 'n0'), dl('n1', 'n0'), dl('n2', 'down')]), still);
	assert.equal(back.leader, 'n0');
	assert.equal(back.leaderSince, 5600);
	assert.equal(back.verdict, 'degraded');
});

test('cluster snapshot: per-group snapshots, name server reachability, worst verdict', () => {
	const r = round(0, [nsDown(NS[0]!), nsOk(NS[1]!, table(2)), nsOk(NS[2]!, table(2))], [dl('n0', 'n2'), dl('n1', 'n2'), dl('n2', 'n2')]);
	const c = clusterSnapshot(r);
	assert.deepEqual(c.namesrvs, [{addr: NS[0], reachable: false, error: 'timeout'}, {addr: NS[1], reachable: true}, {addr: NS[2], reachable: true}]);
	assert.equal(worstVerdict(c), 'healthy');
	assert.equal(worstVerdict({...c, groups: [...c.groups, {...c.groups[0]!, verdict: 'stale'}, {...c.groups[0]!, verdict: 'degraded'}]}), 'stale');
});

test('a restarted node that is still a candidate is no competing leader: degraded, leader kept', () => {
	const first = groupSnapshot(G, healthy(0));
	const s = groupSnapshot(G, round(100, NS.map(a => nsOk(a, table(2))), [dl('n0', null), dl('n1', 'n2'), dl('n2', 'n2')]), first);
	assert.equal(s.verdict, 'degraded');
	assert.equal(s.leader, 'n2');
	assert.deepEqual(s.reasons, ['n0 is a candidate, following no leader yet']);
	assert.equal(s.leaderSince, first.leaderSince);
});

test('no name server answers and every node is a candidate: electing, not healthy', () => {
	const s = groupSnapshot(G, round(0, NS.map(nsDown), [dl('n0', null), dl('n1', null), dl('n2', null)]));
	assert.equal(s.verdict, 'electing');
	assert.equal(s.leader, undefined);
	assert.match(s.reasons[0]!, /no DLedger node of RaftNode00 follows a leader/);
});
