/** What the executor waits for, judged on hand-built probe snapshots, and the poll loop on a fake clock. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {backAsFollower, groupsSettled, realSleep, settled, waitUntil, WaitTimeout} from '../../source/deploy/waits.ts';
import type {ClusterSnapshot, GroupSnapshot, Role, Verdict} from '../../source/probe/types.ts';

function group(name: string, verdict: Verdict, roles: Record<string, Role>, reasons: string[] = []): GroupSnapshot {
	const leader = Object.entries(roles).find(([, r]) => r === 'leader')?.[0];
	return {
		group: name,
		at: 0,
		verdict,
		reasons,
		leaderByNamesrv: {},
		leaderByDledger: Object.fromEntries(Object.entries(roles).map(([id, r]) => [id, r === 'down' ? undefined : leader ?? null])),
		...(leader ? {leader} : {}),
		replicas: Object.entries(roles).map(([selfId, role], i) => ({
			selfId, ip: `10.0.0.${i + 1}`, listenPort: 10911, dledgerPort: 20911, role, brokerIdByNamesrv: {}, reachable: role !== 'down',
		})),
	};
}

const snap = (...groups: GroupSnapshot[]): ClusterSnapshot => ({at: 0, groups, namesrvs: [{addr: '10.0.0.1:9876', reachable: true}]});
const HEALTHY0 = group('RaftNode00', 'healthy', {n0: 'follower', n1: 'leader', n2: 'follower'});
const HEALTHY1 = group('RaftNode01', 'healthy', {n0: 'leader', n1: 'follower', n2: 'follower'});

test('settled: healthy only', () => {
	assert.equal(settled(HEALTHY0), true);
	assert.equal(settled(undefined), false);
	for (const verdict of ['unreachable', 'electing', 'stale', 'split', 'degraded'] as const) {
		assert.equal(settled(group('RaftNode00', verdict, {n0: 'follower'})), false, verdict);
	}
});

test('groupsSettled: no snapshot, all healthy, missing, unhealthy with its first reason', () => {
	assert.deepEqual(groupsSettled(undefined, ['RaftNode00']), {ok: false, why: 'no probe answer yet'});
	assert.deepEqual(groupsSettled(snap(HEALTHY0, HEALTHY1), ['RaftNode00', 'RaftNode01']), {ok: true, why: ''});
	assert.deepEqual(groupsSettled(snap(HEALTHY0), []), {ok: true, why: ''});
	assert.deepEqual(groupsSettled(snap(HEALTHY0), ['RaftNode00', 'RaftNode01']), {ok: false, why: 'RaftNode01: not probed'});
	const electing = group('RaftNode01', 'electing', {n0: 'candidate', n1: 'candidate', n2: 'down'}, ['no leader: n0, n1 are candidates', 'n2 unreachable']);
	assert.deepEqual(groupsSettled(snap(HEALTHY0, electing), ['RaftNode00', 'RaftNode01']), {ok: false, why: 'RaftNode01: electing (no leader: n0, n1 are candidates)'});
	const degraded = group('RaftNode00', 'degraded', {n0: 'leader', n1: 'follower', n2: 'down'});
	assert.deepEqual(groupsSettled(snap(degraded, electing), ['RaftNode00', 'RaftNode01', 'RaftNode02']), {
		ok: false,
		why: 'RaftNode00: degraded; RaftNode01: electing (no leader: n0, n1 are candidates); RaftNode02: not probed',
	});
	// Groups not waited for do not matter.
	assert.deepEqual(groupsSettled(snap(HEALTHY0, electing), ['RaftNode00']), {ok: true, why: ''});
});

test('backAsFollower: the group healthy and the replica a follower (or the new leader)', () => {
	assert.deepEqual(backAsFollower(undefined, 'RaftNode00', 'n0'), {ok: false, why: 'RaftNode00 not probed yet'});
	assert.deepEqual(backAsFollower(snap(HEALTHY1), 'RaftNode00', 'n0'), {ok: false, why: 'RaftNode00 not probed yet'});
	assert.deepEqual(backAsFollower(snap(HEALTHY0, HEALTHY1), 'RaftNode00', 'n0'), {ok: true, why: ''});
	assert.deepEqual(backAsFollower(snap(HEALTHY0), 'RaftNode00', 'n1'), {ok: true, why: ''}, 'it won the election again');
	assert.deepEqual(backAsFollower(snap(HEALTHY0), 'RaftNode00', 'n7'), {ok: false, why: 'RaftNode00: healthy; n7 is unknown'});
	const restarting = group('RaftNode00', 'degraded', {n0: 'down', n1: 'leader', n2: 'follower'}, ['n0 unreachable', 'n0 missing from 3 name servers']);
	assert.deepEqual(backAsFollower(snap(restarting), 'RaftNode00', 'n0'), {ok: false, why: 'RaftNode00: degraded (n0 unreachable; n0 missing from 3 name servers); n0 is down'});
	// Back, but the group not healthy yet (a name server has not listed it): not yet.
	const listing = group('RaftNode00', 'stale', {n0: 'follower', n1: 'leader', n2: 'follower'}, ['10.0.0.1:9876 does not list n0']);
	assert.deepEqual(backAsFollower(snap(listing), 'RaftNode00', 'n0'), {ok: false, why: 'RaftNode00: stale (10.0.0.1:9876 does not list n0); n0 is follower'});
	const odd = group('RaftNode00', 'healthy', {n0: 'candidate', n1: 'leader', n2: 'follower'});
	assert.deepEqual(backAsFollower(snap(odd), 'RaftNode00', 'n0'), {ok: false, why: 'RaftNode00: healthy; n0 is candidate'});
});

/** A clock that only moves when slept on (or when told). */
function fakeClock(start = 1_000_000) {
	let t = start;
	const sleeps: number[] = [];
	return {
		now: () => t,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			t += ms;
		},
		advance: (ms: number) => {
			t += ms;
		},
		sleeps,
	};
}

test('waitUntil: ok at once — no sleep', async () => {
	const clock = fakeClock();
	let calls = 0;
	await waitUntil('x', async () => {
		calls++;
		return {ok: true, why: ''};
	}, {timeoutMs: 1000, pollMs: 100, ...clock});
	assert.equal(calls, 1);
	assert.deepEqual(clock.sleeps, []);
});

test('waitUntil: succeeds on the Nth poll, sleeping pollMs between polls', async () => {
	const clock = fakeClock();
	let calls = 0;
	await waitUntil('RaftNode00 elected', async () => {
		calls++;
		return calls === 4 ? {ok: true, why: ''} : {ok: false, why: `poll ${calls}`};
	}, {timeoutMs: 10_000, pollMs: 250, ...clock});
	assert.equal(calls, 4);
	assert.deepEqual(clock.sleeps, [250, 250, 250]);
});

test('waitUntil: times out with the last reason, after a last poll at the deadline', async () => {
	const clock = fakeClock();
	let calls = 0;
	const at: number[] = [];
	await assert.rejects(
		waitUntil('RaftNode00 elected', async () => {
			calls++;
			at.push(clock.now() - 1_000_000);
			return {ok: false, why: `RaftNode00: electing (poll ${calls})`};
		}, {timeoutMs: 2000, pollMs: 500, ...clock}),
		(error: unknown) => {
			assert.ok(error instanceof WaitTimeout);
			assert.equal(error.name, 'WaitTimeout');
			assert.equal(error.message, 'timed out after 2 s waiting until RaftNode00 elected: RaftNode00: electing (poll 5)');
			return true;
		},
	);
	assert.deepEqual(at, [0, 500, 1000, 1500, 2000]);
	assert.deepEqual(clock.sleeps, [500, 500, 500, 500]);
});

test('waitUntil: a check that throws keeps polling; its message is the reason', async () => {
	const clock = fakeClock();
	let calls = 0;
	await waitUntil('x', async () => {
		calls++;
		if (calls < 3) throw new Error('connect ECONNREFUSED 10.0.0.1:9876');
		return {ok: true, why: ''};
	}, {timeoutMs: 10_000, pollMs: 100, ...clock});
	assert.equal(calls, 3);

	const always = fakeClock();
	await assert.rejects(
		waitUntil('the name servers answer', async () => {
			throw new Error('connect ECONNREFUSED 10.0.0.1:9876');
		}, {timeoutMs: 1000, pollMs: 300, ...always}),
		{name: 'WaitTimeout', message: 'timed out after 1 s waiting until the name servers answer: connect ECONNREFUSED 10.0.0.1:9876'},
	);
	assert.deepEqual(always.sleeps, [300, 300, 300, 300], 'polled at 0, 300, 600, 900, 1200');

	// The last outcome wins, whether an error or a reason.
	const mixed = fakeClock();
	let n = 0;
	await assert.rejects(
		waitUntil('y', async () => {
			n++;
			if (n % 2 === 1) throw new Error(`error ${n}`);
			return {ok: false, why: `reason ${n}`};
		}, {timeoutMs: 400, pollMs: 100, ...mixed}),
		{message: 'timed out after 0 s waiting until y: error 5'},
	);
});

test('waitUntil: time spent in the check counts; an empty reason leaves no colon', async () => {
	const clock = fakeClock();
	let calls = 0;
	await assert.rejects(
		waitUntil('slow', async () => {
			calls++;
			clock.advance(3000);
			return {ok: false, why: ''};
		}, {timeoutMs: 2500, pollMs: 100, ...clock}),
		{name: 'WaitTimeout', message: 'timed out after 3 s waiting until slow'},
	);
	assert.equal(calls, 1);
	assert.deepEqual(clock.sleeps, []);
});

test('realSleep waits about that long', async () => {
	const start = performance.now();
	await realSleep(30);
	assert.ok(performance.now() - start >= 25);
});
