/** Log lines against the probe: the 1 s tolerance around a line's second, contradictions, lines with no counterpart. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crossCheck, gmt8Clock, logDistance} from '../../source/drill/crosscheck.ts';
import {G, Script} from './support.ts';

const S = Date.UTC(2026, 10, 25, 3, 37, 5); // 11:37:05 GMT+8

test('a line\'s second covers [s, s + 1 s); the probe agrees within 1 s of that interval', () => {
	assert.equal(logDistance(S, S), 0);
	assert.equal(logDistance(S, S + 999), 0);
	assert.equal(logDistance(S, S + 1999), 1000);
	assert.equal(logDistance(S, S + 2000), 1001);
	assert.equal(logDistance(S, S - 1000), 1000);
	assert.equal(logDistance(S, S - 1001), 1001);
	assert.equal(gmt8Clock(S), '11:37:05');
	assert.equal(gmt8Clock(S + 66, true), '11:37:05.066');
	assert.equal(gmt8Clock(Date.UTC(2026, 10, 25, 16, 0, 0)), '00:00:00');
});

function elected(line: string, host = 'h2', container = 'rocketmq-raftnode00-n2') {
	const s = new Script('RaftNode00/n0', 'kill');
	s.snap(250, w => w.down(G, 'n0').drop(G, 'n0'));
	s.snap(5250, w => w.follow(G, 'n1', 'n1').follow(G, 'n2', 'n1').register(G, 'n1', 0));
	s.apply({type: 'log', host, container, line});
	return crossCheck(s.d);
}

test('the log names another leader than the probe saw: a disagreement, whatever the times', () => {
	const [c] = elected('2026-11-25 11:37:05 INFO StateMaintainer - [n2] [VOTE_RESULT] has been elected to be the leader in term 1');
	assert.equal(c!.status, 'disagree');
	assert.equal(c!.text, 'n2 [VOTE_RESULT] elected in term 1; the probe saw a DLedger majority follow n1: log 11:37:05 (GMT+8), disagree: the probe saw n1 lead');
});

test('2 s off is a disagreement; the line\'s own second at the edge still agrees', () => {
	const late = elected('2026-11-25 11:37:07 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 1', 'h1', 'rocketmq-raftnode00-n1');
	assert.equal(late[0]!.status, 'disagree');
	assert.match(late[0]!.text, /DISAGREE by 1\.750 s$/);
	const edge = elected('2026-11-25 11:37:04 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 1', 'h1', 'rocketmq-raftnode00-n1');
	assert.equal(edge[0]!.status, 'agree');
});

test('a line the probe has no counterpart for is listed as unmatched, not as a disagreement', () => {
	const s = new Script('RaftNode00/n0', 'kill');
	s.snap(250, w => w.down(G, 'n0').drop(G, 'n0'));
	s.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:37:05 INFO StateMaintainer - [n1][HeartBeatTimeOut] lastLeaderHeartBeatTime: 2026-11-25 11:36:59.960 heartBeatTimeIntervalMs: 2000 lastLeader=n0'});
	const [c] = crossCheck(s.d);
	assert.deepEqual([c!.status, c!.probeAt], ['unmatched', undefined]);
	assert.equal(c!.text, 'n1 [HeartBeatTimeOut] (last leader n0); the probe saw n1 stop following n0: log 11:37:05 (GMT+8), no probe counterpart');
});
