/** The drill keys' confirmations: summary, warnings, the quorum guard (typing a name), and blocked actions. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {ContainerState} from '../../source/deploy/observed.ts';
import {assessAction, nodeState, type AssessContext} from '../../source/drill/guard.ts';
import {containerKey, drillTargets, findTarget, type DrillAction} from '../../source/drill/target.ts';
import type {Plan} from '../../source/plan/types.ts';
import type {ClusterSnapshot} from '../../source/probe/types.ts';
import {PLAN3, PLAN5, PlanWorld, Snapshots} from './support.ts';

const G = 'RaftNode00';
const MB = 1024 * 1024;

function snapshotOf(plan: Plan, change: (w: PlanWorld) => unknown = () => undefined): ClusterSnapshot {
	const w = new PlanWorld(plan, plan.groups.length === 2 ? {RaftNode00: 'n0', RaftNode01: 'n1'} : {RaftNode00: 'n0'});
	change(w);
	return new Snapshots().next(w.world, 1_000_000);
}

function assess(plan: Plan, snapshot: ClusterSnapshot | undefined, id: string, action: DrillAction, context?: AssessContext) {
	const target = findTarget(drillTargets(plan), id);
	assert.ok(target, id);
	return assessAction(plan, snapshot, target, action, context);
}

const containers = (plan: Plan, states: Record<string, ContainerState>): AssessContext => ({
	containers: Object.fromEntries(Object.entries(states).map(([id, s]) => {
		const t = findTarget(drillTargets(plan), id)!;
		return [containerKey(t.host, t.containerName), s];
	})),
});

const HEALTHY3 = snapshotOf(PLAN3);

test('drill targets of a plan: name servers, every replica, the console; ids as the simulator names its processes', () => {
	const targets = drillTargets(PLAN3);
	assert.deepEqual(targets.map(t => `${t.kind} ${t.id} ${t.host} ${t.containerName}`), [
		'namesrv namesrv@h0 h0 rocketmq-namesrv',
		'namesrv namesrv@h1 h1 rocketmq-namesrv',
		'namesrv namesrv@h2 h2 rocketmq-namesrv',
		'broker RaftNode00/n0 h0 rocketmq-raftnode00-n0',
		'broker RaftNode00/n1 h1 rocketmq-raftnode00-n1',
		'broker RaftNode00/n2 h2 rocketmq-raftnode00-n2',
		'broker RaftNode01/n0 h0 rocketmq-raftnode01-n0',
		'broker RaftNode01/n1 h1 rocketmq-raftnode01-n1',
		'broker RaftNode01/n2 h2 rocketmq-raftnode01-n2',
		'console console@h0 h0 rocketmq-console',
	]);
	const ns = findTarget(targets, 'namesrv@h1')!;
	assert.equal(ns.kind === 'namesrv' && ns.addr, '10.0.0.2:9876');
});

test('3 replicas, healthy: kill / stop / pause / restart of the leader', () => {
	assert.deepEqual(assess(PLAN3, HEALTHY3, 'RaftNode00/n0', 'kill'), {
		summary: 'kill RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 2 of 3 left; a new leader is expected in ~4–6 s',
		warnings: [],
	});
	assert.equal(assess(PLAN3, HEALTHY3, 'RaftNode00/n0', 'stop').summary, 'stop RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 2 of 3 left; a new leader is expected in ~4–6 s');
	assert.equal(
		assess(PLAN3, HEALTHY3, 'RaftNode00/n0', 'pause').summary,
		'pause RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 2 of 3 left; a new leader is expected in ~4–6 s; name servers keep listing the frozen n0 until it is replaced (~11–13 s)',
	);
	assert.equal(
		assess(PLAN3, HEALTHY3, 'RaftNode00/n0', 'restart').summary,
		'restart RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 2 of 3 left while it restarts; a new leader is expected in ~4–6 s, then n0 rejoins as a follower',
	);
});

test('3 replicas, healthy: a follower', () => {
	assert.deepEqual(assess(PLAN3, HEALTHY3, 'RaftNode01/n2', 'kill'), {
		summary: 'kill RaftNode01/n2 (follower) on h2 (10.0.0.3): RaftNode01 keeps quorum: 2 of 3 left; leader n1 stays, no election expected',
		warnings: [],
	});
	assert.equal(
		assess(PLAN3, HEALTHY3, 'RaftNode00/n1', 'restart').summary,
		'restart RaftNode00/n1 (follower) on h1 (10.0.0.2): RaftNode00 keeps quorum: 2 of 3 left while it restarts; leader n0 stays; n1 rejoins as a follower in ~1–2 s',
	);
});

test('3 replicas, one already down: any further loss needs the group name typed', () => {
	const oneDown = snapshotOf(PLAN3, w => w.down(G, 'n2').drop(G, 'n2'));
	assert.deepEqual(assess(PLAN3, oneDown, 'RaftNode00/n1', 'stop'), {
		summary: 'stop RaftNode00/n1 (follower) on h1 (10.0.0.2): RaftNode00 LOSES quorum: 1 of 3 left, a majority needs 2; leader n0 steps down: RaftNode00 takes no writes until a replica is back',
		warnings: ['n2 is already down'],
		requiresTyping: 'RaftNode00',
	});
	assert.deepEqual(assess(PLAN3, oneDown, 'RaftNode00/n0', 'kill'), {
		summary: 'kill RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 LOSES quorum: 1 of 3 left, a majority needs 2; no new leader can be elected until a replica is back',
		warnings: ['n2 is already down'],
		requiresTyping: 'RaftNode00',
	});
	assert.equal(assess(PLAN3, oneDown, 'RaftNode00/n0', 'pause').requiresTyping, 'RaftNode00');
	assert.equal(assess(PLAN3, oneDown, 'RaftNode00/n0', 'restart').requiresTyping, 'RaftNode00');
	assert.match(assess(PLAN3, oneDown, 'RaftNode00/n0', 'restart').summary, /LOSES quorum: 1 of 3 left while it restarts/);
	// the other group is not affected
	assert.equal(assess(PLAN3, oneDown, 'RaftNode01/n1', 'kill').requiresTyping, undefined);
	// stopping the node that is already down changes nothing
	assert.deepEqual(assess(PLAN3, oneDown, 'RaftNode00/n2', 'stop'), {
		summary: 'stop RaftNode00/n2 (down) on h2 (10.0.0.3): RaftNode00 keeps quorum: 2 of 3 left; n2 does not take part now anyway',
		warnings: [],
	});
});

test('a replica paused (Docker says so) counts as down, and says paused', () => {
	const ctx = containers(PLAN3, {'RaftNode00/n2': 'paused'});
	const r = assess(PLAN3, HEALTHY3, 'RaftNode00/n1', 'kill', ctx);
	assert.deepEqual(r.warnings, ['n2 is already paused']);
	assert.equal(r.requiresTyping, 'RaftNode00');
	assert.equal(nodeState(findTarget(drillTargets(PLAN3), 'RaftNode00/n2')!, HEALTHY3, ctx), 'paused');
	// a stopped one (exited)
	assert.deepEqual(assess(PLAN3, HEALTHY3, 'RaftNode00/n0', 'kill', containers(PLAN3, {'RaftNode00/n1': 'exited'})).warnings, ['n1 is already stopped']);
});

test('5 replicas: 4 of 5 left; with one down 3 of 5 still a majority; with two down the third loss needs typing', () => {
	const healthy5 = snapshotOf(PLAN5);
	assert.equal(assess(PLAN5, healthy5, 'RaftNode00/n0', 'kill').summary, 'kill RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 4 of 5 left; a new leader is expected in ~4–6 s');
	const oneDown = snapshotOf(PLAN5, w => w.down(G, 'n4').drop(G, 'n4'));
	const r1 = assess(PLAN5, oneDown, 'RaftNode00/n0', 'kill');
	assert.equal(r1.summary, 'kill RaftNode00/n0 (leader) on h0 (10.0.0.1): RaftNode00 keeps quorum: 3 of 5 left; a new leader is expected in ~4–6 s');
	assert.equal(r1.requiresTyping, undefined);
	const r2 = assess(PLAN5, oneDown, 'RaftNode00/n3', 'kill', containers(PLAN5, {'RaftNode00/n2': 'paused'}));
	assert.equal(r2.summary, 'kill RaftNode00/n3 (follower) on h3 (10.0.0.4): RaftNode00 LOSES quorum: 2 of 5 left, a majority needs 3; leader n0 steps down: RaftNode00 takes no writes until a replica is back');
	assert.deepEqual(r2.warnings, ['n2 is already paused', 'n4 is already down']);
	assert.equal(r2.requiresTyping, 'RaftNode00');
});

test('starting and unpausing: rejoin as follower, regain quorum, step down after a pause', () => {
	const killed = snapshotOf(PLAN3, w => w.down(G, 'n0').drop(G, 'n0').follow(G, 'n1', 'n1').follow(G, 'n2', 'n1').register(G, 'n1', 0));
	assert.deepEqual(assess(PLAN3, killed, 'RaftNode00/n0', 'start'), {
		summary: 'start RaftNode00/n0 (down) on h0 (10.0.0.1): it should rejoin as a follower in ~1–2 s; RaftNode00: 3 of 3 up after it',
		warnings: [],
	});
	const twoDown = snapshotOf(PLAN3, w => w.down(G, 'n0').down(G, 'n1').drop(G, 'n0').drop(G, 'n1').follow(G, 'n2', null));
	assert.equal(assess(PLAN3, twoDown, 'RaftNode00/n1', 'start').summary, 'start RaftNode00/n1 (down) on h1 (10.0.0.2): RaftNode00 regains quorum; a leader is expected in ~4–6 s; RaftNode00: 2 of 3 up after it');
	// a paused ex-leader, replaced meanwhile (the name servers still list it: stale)
	const stale = snapshotOf(PLAN3, w => w.down(G, 'n0').follow(G, 'n1', 'n1').follow(G, 'n2', 'n1'));
	assert.equal(stale.groups[0]!.verdict, 'stale');
	const ctx = containers(PLAN3, {'RaftNode00/n0': 'paused'});
	assert.equal(assess(PLAN3, stale, 'RaftNode00/n0', 'unpause', ctx).summary, 'unpause RaftNode00/n0 (paused) on h0 (10.0.0.1): it resumes and steps down to follower of n1; RaftNode00: 3 of 3 up after it');
	assert.deepEqual(assess(PLAN3, stale, 'RaftNode00/n0', 'unpause', ctx).warnings, ['RaftNode00 is stale right now: what the drill measures will not be a clean failover']);
	// paused and not replaced yet
	const frozen = snapshotOf(PLAN3, w => w.down(G, 'n0'));
	assert.equal(assess(PLAN3, frozen, 'RaftNode00/n0', 'unpause', ctx).summary, 'unpause RaftNode00/n0 (paused) on h0 (10.0.0.1): it resumes as leader (nobody has replaced it yet); RaftNode00: 3 of 3 up after it');
});

test('name servers: 2 of 3 left; the last one needs the cluster name typed', () => {
	assert.deepEqual(assess(PLAN3, HEALTHY3, 'namesrv@h0', 'stop'), {
		summary: 'stop the name server 10.0.0.1:9876 on h0 (10.0.0.1): 2 of 3 name servers left; brokers and clients use the others',
		warnings: [],
	});
	assert.equal(
		assess(PLAN3, HEALTHY3, 'namesrv@h0', 'pause').summary,
		'pause the name server 10.0.0.1:9876 on h0 (10.0.0.1): 2 of 3 name servers left; a frozen name server keeps its connections open: clients wait for their timeout before trying another',
	);
	assert.equal(
		assess(PLAN3, HEALTHY3, 'namesrv@h2', 'restart').summary,
		'restart the name server 10.0.0.3:9876 on h2 (10.0.0.3): 2 of 3 name servers left while it restarts; it comes back with an empty table; brokers re-register with it within 30 s',
	);
	const twoGone = snapshotOf(PLAN3, w => w.nsDown('10.0.0.2:9876').nsDown('10.0.0.3:9876'));
	assert.deepEqual(assess(PLAN3, twoGone, 'namesrv@h0', 'kill'), {
		summary: 'kill the name server 10.0.0.1:9876 on h0 (10.0.0.1): NO name server left: clients cannot find any broker and brokers cannot register',
		warnings: ['the name server 10.0.0.2:9876 is already down', 'the name server 10.0.0.3:9876 is already down'],
		requiresTyping: 'RaftCluster',
	});
	// the plan with two name servers: one paused, the other one is the last
	const healthy5 = snapshotOf(PLAN5);
	const r = assess(PLAN5, healthy5, 'namesrv@h1', 'stop', containers(PLAN5, {'namesrv@h0': 'paused'}));
	assert.equal(r.requiresTyping, 'RaftCluster');
	assert.deepEqual(r.warnings, ['the name server 10.0.0.1:9876 is already paused']);
	assert.equal(assess(PLAN5, healthy5, 'namesrv@h1', 'stop').summary, 'stop the name server 10.0.0.2:9876 on h1 (10.0.0.2): 1 of 2 name servers left; brokers and clients use the others');
	assert.equal(
		assess(PLAN3, twoGone, 'namesrv@h1', 'start').summary,
		'start the name server 10.0.0.2:9876 on h1 (10.0.0.2): brokers register with it within 30 s; 2 of 3 name servers up after it',
	);
});

test('the console: no guard, the cluster is not affected', () => {
	assert.deepEqual(assess(PLAN3, HEALTHY3, 'console@h0', 'stop'), {summary: 'stop the console on h0 (10.0.0.1): the web console goes away; brokers and name servers are not affected', warnings: []});
	assert.equal(assess(PLAN3, HEALTHY3, 'console@h0', 'start', containers(PLAN3, {'console@h0': 'exited'})).summary, 'start the console on h0 (10.0.0.1): the web console comes back');
	assert.equal(assess(PLAN3, HEALTHY3, 'console@h0', 'start', containers(PLAN3, {'console@h0': 'running'})).blocked, 'start the console: it is already running');
});

test('blocked: actions that make no sense for the node\'s state', () => {
	const cases: Array<[string, DrillAction, ContainerState | undefined, string | undefined]> = [
		['RaftNode00/n1', 'start', undefined, 'start RaftNode00/n1: it is already running'], // the probe says it answers
		['RaftNode00/n1', 'start', 'running', 'start RaftNode00/n1: it is already running'],
		['RaftNode00/n1', 'start', 'paused', 'start RaftNode00/n1: it is paused: unpause it instead'],
		['RaftNode00/n1', 'start', 'exited', undefined],
		['RaftNode00/n1', 'unpause', undefined, 'unpause RaftNode00/n1: it is not paused (it is running)'],
		['RaftNode00/n1', 'unpause', 'exited', 'unpause RaftNode00/n1: it is not paused (it is stopped: start it instead)'],
		['RaftNode00/n1', 'unpause', 'paused', undefined],
		['RaftNode00/n1', 'pause', 'paused', 'pause RaftNode00/n1: it is already paused'],
		['RaftNode00/n1', 'pause', 'exited', 'pause RaftNode00/n1: it is not running (stopped)'],
		['RaftNode00/n1', 'stop', 'exited', 'stop RaftNode00/n1: it is already stopped'],
		['RaftNode00/n1', 'kill', 'dead', 'kill RaftNode00/n1: it is already stopped'],
		['RaftNode00/n1', 'kill', 'paused', undefined], // Docker kills a paused container
		['RaftNode00/n1', 'restart', 'exited', undefined],
		['RaftNode00/n1', 'restart', 'paused', undefined],
		['namesrv@h1', 'start', undefined, 'start the name server 10.0.0.2:9876: it is already running'],
		['namesrv@h1', 'unpause', 'running', 'unpause the name server 10.0.0.2:9876: it is not paused (it is running)'],
	];
	for (const [id, action, state, blocked] of cases) {
		const r = assess(PLAN3, HEALTHY3, id, action, state ? containers(PLAN3, {[id]: state}) : {});
		assert.equal(r.blocked, blocked, `${action} ${id} (${state ?? 'probe only'})`);
		if (blocked) assert.match(r.summary, / not possible, /);
	}
	// the probe only says "does not answer": unpause and start stay possible (paused or stopped, we cannot tell)
	const down = snapshotOf(PLAN3, w => w.down(G, 'n1'));
	assert.equal(assess(PLAN3, down, 'RaftNode00/n1', 'unpause').blocked, undefined);
	assert.equal(assess(PLAN3, down, 'RaftNode00/n1', 'start').blocked, undefined);
});

test('lag warnings: at or above the threshold (default: the probe\'s 16 MB), in MB', () => {
	const lagging = (lag2: number, lag1 = 0) =>
		snapshotOf(PLAN3, w => {
			w.world.offsets = {'RaftNode00/n0': 200 * MB, 'RaftNode00/n1': 200 * MB - lag1, 'RaftNode00/n2': 200 * MB - lag2};
		});
	assert.deepEqual(assess(PLAN3, lagging(40 * MB), 'RaftNode00/n0', 'kill').warnings, ['follower n2 lags 40 MB']);
	assert.deepEqual(assess(PLAN3, lagging(40 * MB), 'RaftNode00/n1', 'stop').warnings, ['follower n2 lags 40 MB']);
	assert.deepEqual(assess(PLAN3, lagging(40 * MB), 'RaftNode00/n2', 'restart').warnings, [], 'its own lag is no warning');
	assert.deepEqual(assess(PLAN3, lagging(16 * MB), 'RaftNode00/n0', 'kill').warnings, ['follower n2 lags 16 MB']);
	assert.deepEqual(assess(PLAN3, lagging(16 * MB - 1), 'RaftNode00/n0', 'kill').warnings, []);
	assert.deepEqual(assess(PLAN3, lagging(10 * MB), 'RaftNode00/n0', 'kill').warnings, []);
	assert.deepEqual(assess(PLAN3, lagging(10 * MB, 3.5 * MB), 'RaftNode00/n0', 'kill', {lagWarnBytes: 2 * MB}).warnings, ['follower n1 lags 3.5 MB', 'follower n2 lags 10 MB']);
	assert.deepEqual(assess(PLAN3, lagging(3 * 1024 * MB), 'RaftNode00/n0', 'kill').warnings, ['follower n2 lags 3 GB']);
});

test('a group that is not healthy before the action, and no probe result at all, are warned about', () => {
	const electing = snapshotOf(PLAN3, w => w.down(G, 'n0').drop(G, 'n0'));
	assert.deepEqual(assess(PLAN3, electing, 'RaftNode00/n1', 'kill').warnings, ['n0 is already down', 'RaftNode00 is electing right now: what the drill measures will not be a clean failover']);
	const r = assess(PLAN3, undefined, 'RaftNode00/n1', 'kill');
	assert.deepEqual(r.warnings, ['no probe result for RaftNode00 yet: replicas that are down cannot be counted']);
	assert.equal(r.summary, 'kill RaftNode00/n1 on h1 (10.0.0.2): RaftNode00 keeps quorum: 2 of 3 left; no election expected');
});
