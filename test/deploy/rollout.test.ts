/** The Raft-aware order of container changes, and the warnings for leader restarts. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {diffContainers, type ContainerAction} from '../../source/deploy/diff.ts';
import type {ObservedContainer} from '../../source/deploy/observed.ts';
import {rolloutSteps, rolloutWarnings, type RolloutStep} from '../../source/deploy/rollout.ts';
import {containerSpecs, type ContainerSpec} from '../../source/deploy/spec.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import {renderCluster} from '../../source/render/render.ts';

const CLUSTER = 'RaftCluster';
const HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];

function specsOf(brokerProperties: Record<string, string> = {}, heap?: {namesrv: string}): ContainerSpec[] {
	const result = buildPlan(clusterFromHosts(HOSTS, {brokerProperties, ...(heap ? {heap} : {})}));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return containerSpecs(renderCluster(result.plan));
}

function observedOf(s: ContainerSpec, over: Partial<ObservedContainer> = {}): ObservedContainer {
	return {
		id: `id-${s.host}-${s.name}`,
		name: s.name,
		image: s.image,
		imageId: 'sha256:aaa',
		command: s.command,
		env: s.env,
		ports: s.ports,
		mounts: s.mounts,
		init: s.init,
		restart: s.restart,
		...(s.stopTimeoutSeconds === undefined ? {} : {stopTimeoutSeconds: s.stopTimeoutSeconds}),
		labels: s.labels,
		networks: [s.network],
		state: 'running',
		startedAt: '2026-11-25T07:00:00.000Z',
		restartCount: 0,
		...over,
	};
}

const SPECS = specsOf();
const key = (s: {host: string; name: string}): string => `${s.host}/${s.name}`;

/** Actions as computeChanges makes them: per host, each host's containers in spec order. */
function actionsFor(desired: readonly ContainerSpec[], running: readonly ObservedContainer[], observedHost: (o: ObservedContainer) => string): ContainerAction[] {
	return HOSTS.flatMap(host => diffContainers(CLUSTER, desired.filter(s => s.host === host), running.filter(o => observedHost(o) === host)));
}

/** Every container of SPECS running, with `tweak` applied per spec (return undefined to leave it out). */
function world(tweak: (s: ContainerSpec) => ObservedContainer | undefined = s => observedOf(s)): {observed: ObservedContainer[]; hostOf: (o: ObservedContainer) => string} {
	const hosts = new Map<ObservedContainer, string>();
	const observed: ObservedContainer[] = [];
	for (const s of SPECS) {
		const o = tweak(s);
		if (!o) continue;
		hosts.set(o, s.host);
		observed.push(o);
	}
	return {observed, hostOf: o => hosts.get(o)!};
}

const summary = (steps: readonly RolloutStep[]) =>
	steps.map(s => ({title: s.title, wait: s.wait, actions: s.actions.map(a => `${a.kind} ${key(a.spec)}`), ...(s.leaderRestart ? {leaderRestart: s.leaderRestart} : {})}));

const leaders = (map: Record<string, string>) => (group: string): string | undefined => map[group];

test('a fresh cluster: name servers together, every group together (wait elected), console last', () => {
	const actions = actionsFor(SPECS, [], () => '');
	const steps = rolloutSteps(actions, () => undefined);
	assert.deepEqual(summary(steps), [
		{title: 'name servers', wait: 'answering', actions: HOSTS.map(h => `create ${h}/rocketmq-namesrv`)},
		{
			title: 'brokers of RaftNode00, RaftNode01',
			wait: 'elected',
			// group by group, each group's replicas in host order
			actions: ['00', '01'].flatMap(g => HOSTS.map((h, i) => `create ${h}/rocketmq-raftnode${g}-n${i}`)),
		},
		{title: 'console', wait: 'answering', actions: ['create 192.168.1.71/rocketmq-console']},
	]);
	assert.deepEqual(rolloutWarnings(steps), []);
});

test('everything already right: no steps, no warnings', () => {
	const w = world();
	const actions = actionsFor(SPECS, w.observed, w.hostOf);
	assert.ok(actions.every(a => a.kind === 'keep'));
	assert.deepEqual(rolloutSteps(actions, leaders({RaftNode00: 'n0', RaftNode01: 'n1'})), []);
	assert.deepEqual(rolloutSteps([], () => undefined), []);
});

test('a broker option with known leaders: per group one replica at a time, followers by selfId, leader last', () => {
	const w = world();
	const actions = actionsFor(specsOf({maxMessageSize: '1048576'}), w.observed, w.hostOf);
	assert.deepEqual(actions.filter(a => a.kind === 'recreate').map(a => a.spec.name).sort(), SPECS.filter(s => s.role === 'broker').map(s => s.name).sort());
	const steps = rolloutSteps(actions, leaders({RaftNode00: 'n1', RaftNode01: 'n0'}));
	assert.deepEqual(summary(steps), [
		{title: 'RaftNode00/n0 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.71/rocketmq-raftnode00-n0']},
		{title: 'RaftNode00/n2 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.77/rocketmq-raftnode00-n2']},
		{title: 'RaftNode00/n1 (leader, last)', wait: 'back-as-follower', actions: ['recreate 192.168.1.76/rocketmq-raftnode00-n1'], leaderRestart: {group: 'RaftNode00', selfId: 'n1'}},
		{title: 'RaftNode01/n1 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.76/rocketmq-raftnode01-n1']},
		{title: 'RaftNode01/n2 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.77/rocketmq-raftnode01-n2']},
		{title: 'RaftNode01/n0 (leader, last)', wait: 'back-as-follower', actions: ['recreate 192.168.1.71/rocketmq-raftnode01-n0'], leaderRestart: {group: 'RaftNode01', selfId: 'n0'}},
	]);
	for (const s of steps.filter(x => !x.title.includes('leader'))) assert.equal('leaderRestart' in s, false, s.title);
	assert.deepEqual(rolloutWarnings(steps), [
		'RaftNode00: recreating its leader n1 forces an election; writes to that group pause for a few seconds (about 5 s on 4.7.1 defaults).',
		'RaftNode01: recreating its leader n0 forces an election; writes to that group pause for a few seconds (about 5 s on 4.7.1 defaults).',
	]);
});

test('the order does not depend on the order actions arrive in', () => {
	const w = world();
	const actions = actionsFor(specsOf({maxMessageSize: '1048576'}), w.observed, w.hostOf);
	const forward = summary(rolloutSteps(actions, leaders({RaftNode00: 'n2', RaftNode01: 'n2'})));
	const reversedActions = [...actions].reverse();
	const backward = summary(rolloutSteps(reversedActions, leaders({RaftNode00: 'n2', RaftNode01: 'n2'})));
	// Groups come in the order they first appear; within a group the order is fixed.
	assert.deepEqual(forward.map(s => s.title), ['RaftNode00/n0 (follower)', 'RaftNode00/n1 (follower)', 'RaftNode00/n2 (leader, last)', 'RaftNode01/n0 (follower)', 'RaftNode01/n1 (follower)', 'RaftNode01/n2 (leader, last)']);
	assert.deepEqual(backward.map(s => s.title), ['RaftNode01/n0 (follower)', 'RaftNode01/n1 (follower)', 'RaftNode01/n2 (leader, last)', 'RaftNode00/n0 (follower)', 'RaftNode00/n1 (follower)', 'RaftNode00/n2 (leader, last)']);
});

test('leader unknown (undefined) or not among the changed: by selfId, no leader restart, no warning', () => {
	const w = world();
	const actions = [...actionsFor(specsOf({maxMessageSize: '1048576'}), w.observed, w.hostOf)].reverse();
	for (const leaderOf of [() => undefined, leaders({RaftNode00: 'n7', RaftNode01: 'n9'})]) {
		const steps = rolloutSteps(actions, leaderOf);
		assert.deepEqual(steps.map(s => s.title), [
			'RaftNode01/n0 (follower)', 'RaftNode01/n1 (follower)', 'RaftNode01/n2 (follower)',
			'RaftNode00/n0 (follower)', 'RaftNode00/n1 (follower)', 'RaftNode00/n2 (follower)',
		]);
		assert.ok(steps.every(s => s.leaderRestart === undefined && s.actions.length === 1 && s.wait === 'back-as-follower'));
		assert.deepEqual(rolloutWarnings(steps), []);
	}
});

test('name servers recreated: one step per host; a new one first, together', () => {
	const w = world(s => (s.host === '192.168.1.77' && s.role === 'namesrv' ? undefined : observedOf(s)));
	const actions = actionsFor(specsOf({}, {namesrv: '256m'}), w.observed, w.hostOf);
	const steps = rolloutSteps(actions, () => undefined);
	assert.deepEqual(summary(steps), [
		{title: 'name servers', wait: 'answering', actions: ['create 192.168.1.77/rocketmq-namesrv']},
		{title: 'name server on 192.168.1.71', wait: 'answering', actions: ['recreate 192.168.1.71/rocketmq-namesrv']},
		{title: 'name server on 192.168.1.76', wait: 'answering', actions: ['recreate 192.168.1.76/rocketmq-namesrv']},
	]);
	const w2 = world();
	const all = rolloutSteps(actionsFor(specsOf({}, {namesrv: '256m'}), w2.observed, w2.hostOf), () => undefined);
	assert.deepEqual(all.map(s => s.title), HOSTS.map(h => `name server on ${h}`));
});

test('a running group with one replica missing: the gentle step first, then the disruptive ones', () => {
	// RaftNode00/n2 is gone; n0 and n1 run. RaftNode01 is fine.
	const w = world(s => (s.name === 'rocketmq-raftnode00-n2' ? undefined : observedOf(s)));
	const steps = rolloutSteps(actionsFor(SPECS, w.observed, w.hostOf), leaders({RaftNode00: 'n0'}));
	assert.deepEqual(summary(steps), [
		{title: 'RaftNode00: n2 (start)', wait: 'back-as-follower', actions: ['create 192.168.1.77/rocketmq-raftnode00-n2']},
	]);
	// The same with a conf change: n2 comes first (it does not take a voter away), then n1, then the leader n0.
	const w2 = world(s => (s.name === 'rocketmq-raftnode00-n2' ? undefined : s.name === 'rocketmq-raftnode00-n1' ? observedOf(s, {state: 'exited'}) : observedOf(s)));
	const changed = specsOf({maxMessageSize: '1048576'}).filter(s => s.role !== 'broker' || s.group === 'RaftNode00');
	const steps2 = rolloutSteps(actionsFor(changed, w2.observed, w2.hostOf), leaders({RaftNode00: 'n0'}));
	assert.deepEqual(summary(steps2), [
		{title: 'RaftNode00: n2 (start)', wait: 'back-as-follower', actions: ['create 192.168.1.77/rocketmq-raftnode00-n2']},
		{title: 'RaftNode00/n1 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.76/rocketmq-raftnode00-n1']},
		{title: 'RaftNode00/n0 (leader, last)', wait: 'back-as-follower', actions: ['recreate 192.168.1.71/rocketmq-raftnode00-n0'], leaderRestart: {group: 'RaftNode00', selfId: 'n0'}},
	]);
});

test('stopped and paused replicas of a running group start together in one gentle step', () => {
	const w = world(s => (s.name === 'rocketmq-raftnode01-n1' ? observedOf(s, {state: 'exited'}) : s.name === 'rocketmq-raftnode01-n2' ? observedOf(s, {state: 'paused'}) : observedOf(s)));
	const steps = rolloutSteps(actionsFor(SPECS, w.observed, w.hostOf), () => undefined);
	assert.deepEqual(summary(steps), [
		{title: 'RaftNode01: n1, n2 (start)', wait: 'back-as-follower', actions: ['start 192.168.1.76/rocketmq-raftnode01-n1', 'start 192.168.1.77/rocketmq-raftnode01-n2']},
	]);
});

test('a group with no replica running is fresh (all together, wait elected), before the rolling groups', () => {
	// RaftNode01 stopped everywhere; RaftNode00 running with a conf change.
	const w = world(s => (s.group === 'RaftNode01' ? observedOf(s, {state: 'exited'}) : observedOf(s)));
	const desired = specsOf({maxMessageSize: '1048576'}).map(s => (s.group === 'RaftNode01' ? SPECS.find(o => key(o) === key(s))! : s));
	const steps = rolloutSteps(actionsFor(desired, w.observed, w.hostOf), leaders({RaftNode00: 'n2'}));
	assert.deepEqual(summary(steps), [
		{title: 'brokers of RaftNode01', wait: 'elected', actions: HOSTS.map((h, i) => `start ${h}/rocketmq-raftnode01-n${i}`)},
		{title: 'RaftNode00/n0 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.71/rocketmq-raftnode00-n0']},
		{title: 'RaftNode00/n1 (follower)', wait: 'back-as-follower', actions: ['recreate 192.168.1.76/rocketmq-raftnode00-n1']},
		{title: 'RaftNode00/n2 (leader, last)', wait: 'back-as-follower', actions: ['recreate 192.168.1.77/rocketmq-raftnode00-n2'], leaderRestart: {group: 'RaftNode00', selfId: 'n2'}},
	]);
});

test('a conflicting replica in a running group is disruptive: its own step, in selfId order', () => {
	const w = world(s => (s.name === 'rocketmq-raftnode00-n1' ? observedOf(s, {labels: {}}) : observedOf(s)));
	const steps = rolloutSteps(actionsFor(SPECS, w.observed, w.hostOf), leaders({RaftNode00: 'n0'}));
	assert.deepEqual(summary(steps), [
		{title: 'RaftNode00/n1 (follower)', wait: 'back-as-follower', actions: ['conflict 192.168.1.76/rocketmq-raftnode00-n1']},
	]);
});

test('the console changes last, after name servers and brokers', () => {
	const w = world(s => (s.role === 'console' ? observedOf(s, {state: 'exited'}) : s.host === '192.168.1.76' && s.role === 'namesrv' ? observedOf(s, {init: false}) : observedOf(s)));
	const steps = rolloutSteps(actionsFor(specsOf({maxMessageSize: '1'}), w.observed, w.hostOf), leaders({RaftNode00: 'n0', RaftNode01: 'n0'}));
	assert.equal(steps[0]!.title, 'name server on 192.168.1.76');
	assert.equal(steps.at(-1)!.title, 'console');
	assert.deepEqual(steps.at(-1)!.actions.map(a => a.kind), ['start']);
	assert.equal(steps.length, 1 + 6 + 1);
});
