/** Desired vs observed containers: every reason a recreate names, the states, conflicts and orphans. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {belongsTo, diffContainers, differences, orphans} from '../../source/deploy/diff.ts';
import type {ObservedContainer} from '../../source/deploy/observed.ts';
import {containerSpecs, type ContainerSpec} from '../../source/deploy/spec.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import {renderCluster} from '../../source/render/render.ts';

const CLUSTER = 'RaftCluster';
const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;

function seedSpecs(brokerProperties: Record<string, string> = {}): ContainerSpec[] {
	const result = buildPlan(clusterFromHosts(['192.168.1.71', '192.168.1.76', '192.168.1.77'], {brokerProperties}));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return containerSpecs(renderCluster(result.plan));
}

const SPECS = seedSpecs();
const on71 = SPECS.filter(s => s.host === '192.168.1.71');
const spec = (name: string): ContainerSpec => on71.find(s => s.name === name)!;
const BROKER = spec('rocketmq-raftnode00-n0');
const NAMESRV = spec('rocketmq-namesrv');
const CONSOLE = spec('rocketmq-console');

/** What Docker reports for a container created from `s`: the image's env and labels added, lists in another order. */
function observedOf(s: ContainerSpec, over: Partial<ObservedContainer> = {}): ObservedContainer {
	return {
		id: `id-${s.name}`,
		name: s.name,
		image: s.image,
		imageId: ID_A,
		command: [...s.command],
		env: [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'], ...[...s.env].reverse(), ['ROCKETMQ_HOME', '/home/rocketmq/rocketmq-4.7.1']],
		ports: [...s.ports].reverse(),
		mounts: [...s.mounts].reverse(),
		init: s.init,
		restart: s.restart,
		...(s.stopTimeoutSeconds === undefined ? {} : {stopTimeoutSeconds: s.stopTimeoutSeconds}),
		labels: {'org.opencontainers.image.title': 'rocketmq', maintainer: 'someone', ...s.labels},
		networks: [s.network],
		state: 'running',
		startedAt: '2026-11-25T07:00:00.000Z',
		restartCount: 0,
		...over,
	};
}

test('a container made from its spec has no differences (image env, labels and list order ignored)', () => {
	for (const s of SPECS) assert.deepEqual(differences(s, observedOf(s), ID_A), [], s.name);
	for (const s of SPECS) assert.deepEqual(differences(s, observedOf(s)), [], s.name);
});

test('image reference changed', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {image: 'apacherocketmq/rocketmq:4.7.0-alpine'})), [
		'image apacherocketmq/rocketmq:4.7.0-alpine → apacherocketmq/rocketmq:4.7.1-alpine',
	]);
	// A new reference wins over an ID change: one reason, not two.
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {image: 'apacherocketmq/rocketmq:4.7.0-alpine'}), ID_B), [
		'image apacherocketmq/rocketmq:4.7.0-alpine → apacherocketmq/rocketmq:4.7.1-alpine',
	]);
});

test('same reference, new image ID (re-pulled tag): short IDs in the reason', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER), ID_B), [
		'image apacherocketmq/rocketmq:4.7.1-alpine now resolves to sha256:bbbbbbbbbbbb (was sha256:aaaaaaaaaaaa)',
	]);
	assert.deepEqual(differences(BROKER, observedOf(BROKER), ID_A), []);
	assert.deepEqual(differences(BROKER, observedOf(BROKER)), [], 'no ID known: by name only');
});

test('command changed', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {command: BROKER.command.slice(0, -1)})), ['command changed']);
	assert.deepEqual(differences(NAMESRV, observedOf(NAMESRV, {command: ['sh', 'mqnamesrv']})), ['command changed']);
});

test('a spec without a command (the console) accepts the image\'s own command', () => {
	assert.deepEqual(CONSOLE.command, []);
	assert.deepEqual(differences(CONSOLE, observedOf(CONSOLE, {command: ['sh', '-c', 'java $JAVA_OPTS -jar /app.jar']})), []);
});

test('environment: a changed value, an unset one, long values shortened; extra variables ignored', () => {
	const env = observedOf(BROKER).env.map(([k, v]): [string, string] => (k === 'JAVA_OPT_EXT' ? [k, '-Xms2g -Xmx2g -Xmn1g -Duser.timezone=Asia/Shanghai'] : [k, v]));
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {env})), [
		'env JAVA_OPT_EXT: -Xms2g -Xmx2g -Xmn1g -Duser.timezone=Asia/Shanghai → -Xms1g -Xmx1g -Xmn512m -Duser.timezone=Asia/Shanghai',
	]);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {env: observedOf(BROKER).env.filter(([k]) => k !== 'TZ')})), ['env TZ: (unset) → Asia/Shanghai']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {env: []})), [
		'env JAVA_OPT_EXT: (unset) → -Xms1g -Xmx1g -Xmn512m -Duser.timezone=Asia/Shanghai',
		'env TZ: (unset) → Asia/Shanghai',
	]);
	// The console's JAVA_OPTS is longer than 60 characters: 59 of them and an ellipsis.
	assert.equal('-Drocketmq.namesrv.addr=10.0.0.1:9876 -Dcom.rocketmq.sendMe'.length, 59);
	assert.equal('-Drocketmq.namesrv.addr=192.168.1.71:9876;192.168.1.76:9876'.length, 59);
	const was = '-Drocketmq.namesrv.addr=10.0.0.1:9876 -Dcom.rocketmq.sendMessageWithVIPChannel=false';
	const consoleEnv = observedOf(CONSOLE).env.map(([k, v]): [string, string] => (k === 'JAVA_OPTS' ? [k, was] : [k, v]));
	assert.deepEqual(differences(CONSOLE, observedOf(CONSOLE, {env: consoleEnv})), [
		'env JAVA_OPTS: -Drocketmq.namesrv.addr=10.0.0.1:9876 -Dcom.rocketmq.sendMe… → -Drocketmq.namesrv.addr=192.168.1.71:9876;192.168.1.76:9876…',
	]);
	// A variable the spec no longer sets, or the image's own, is not ours to judge.
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {env: [...observedOf(BROKER).env, ['OLD_FLAG', '1']]})), []);
	// A value with `=` in it survives.
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {env: [...observedOf(BROKER).env.filter(([k]) => k !== 'TZ'), ['TZ', 'a=b']]})), ['env TZ: a=b → Asia/Shanghai']);
});

test('ports: sorted lists, none, host IP', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {ports: BROKER.ports.slice(0, 2)})), [
		'ports 10909:10909, 10911:10911 → 10909:10909, 10911:10911, 20911:20911',
	]);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {ports: []})), ['ports (none) → 10909:10909, 10911:10911, 20911:20911']);
	assert.deepEqual(differences(CONSOLE, observedOf(CONSOLE, {ports: [{hostPort: 19876, containerPort: 8080}]})), ['ports 19876:8080 → 127.0.0.1:19876:8080']);
	const noPorts = {...NAMESRV, ports: []};
	assert.deepEqual(differences(noPorts, observedOf(NAMESRV)), ['ports 9876:9876 → (none)']);
});

test('mounts: a read-only flag, a missing mount, none', () => {
	const rw = BROKER.mounts.map(m => ({...m, readOnly: false}));
	const base = '/data/docker-services/rocketmq/broker';
	const want = `${base}/conf:/home/rocketmq/conf:ro, ${base}/logs/RaftNode00-n0:/home/rocketmq/logs, ${base}/store/RaftNode00-n0:/home/rocketmq/store`;
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {mounts: rw})), [
		`mounts ${base}/conf:/home/rocketmq/conf, ${base}/logs/RaftNode00-n0:/home/rocketmq/logs, ${base}/store/RaftNode00-n0:/home/rocketmq/store → ${want}`,
	]);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {mounts: []})), [`mounts (none) → ${want}`]);
	assert.deepEqual(differences(CONSOLE, observedOf(CONSOLE, {mounts: [{source: '/tmp', target: '/tmp', readOnly: false}]})), ['mounts /tmp:/tmp → (none)']);
});

test('init, restart policy, stop timeout', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {init: false})), ['init false → true']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {restart: 'no'})), ['restart policy no → unless-stopped']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {restart: ''})), ['restart policy (none) → unless-stopped']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {stopTimeoutSeconds: 10})), ['stop timeout 10s → 60s']);
	const noTimeout = observedOf(BROKER);
	delete noTimeout.stopTimeoutSeconds;
	assert.deepEqual(differences(BROKER, noTimeout), ['stop timeout default → 60s']);
	// The console sets none: whatever it has is fine.
	assert.deepEqual(differences(CONSOLE, observedOf(CONSOLE, {stopTimeoutSeconds: 10})), []);
});

test('labels: the conf digest is "broker conf changed"; others name key, old and new; foreign labels ignored', () => {
	const changed = seedSpecs({maxMessageSize: '1048576'}).find(s => s.name === BROKER.name && s.host === BROKER.host)!;
	assert.notEqual(changed.labels['io.rmq-tui.conf-sha256'], BROKER.labels['io.rmq-tui.conf-sha256']);
	assert.deepEqual(differences(changed, observedOf(BROKER)), ['broker conf changed']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {labels: {...observedOf(BROKER).labels, 'io.rmq-tui.self-id': 'n1'}})), ['label io.rmq-tui.self-id: n1 → n0']);
	const {'io.rmq-tui.group': _g, ...withoutGroup} = observedOf(BROKER).labels;
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {labels: withoutGroup})), ['label io.rmq-tui.group: (unset) → RaftNode00']);
	const {'io.rmq-tui.conf-sha256': _d, ...withoutDigest} = observedOf(BROKER).labels;
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {labels: withoutDigest})), ['broker conf changed']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {labels: {...observedOf(BROKER).labels, 'com.example.extra': 'yes'}})), []);
});

test('network: missing, none, or one among others', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {networks: ['bridge']})), ['network bridge → bridge_network']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {networks: ['bridge', 'other']})), ['network bridge, other → bridge_network']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {networks: []})), ['network (none) → bridge_network']);
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {networks: ['other', 'bridge_network']})), []);
});

test('several differences: all named, in a fixed order', () => {
	assert.deepEqual(differences(BROKER, observedOf(BROKER, {
		image: 'old:1',
		command: ['x'],
		env: [],
		ports: [],
		mounts: [],
		init: false,
		restart: 'always',
		stopTimeoutSeconds: 5,
		labels: {},
		networks: [],
	})), [
		'image old:1 → apacherocketmq/rocketmq:4.7.1-alpine',
		'command changed',
		'env JAVA_OPT_EXT: (unset) → -Xms1g -Xmx1g -Xmn512m -Duser.timezone=Asia/Shanghai',
		'env TZ: (unset) → Asia/Shanghai',
		'ports (none) → 10909:10909, 10911:10911, 20911:20911',
		'mounts (none) → /data/docker-services/rocketmq/broker/conf:/home/rocketmq/conf:ro, /data/docker-services/rocketmq/broker/logs/RaftNode00-n0:/home/rocketmq/logs, /data/docker-services/rocketmq/broker/store/RaftNode00-n0:/home/rocketmq/store',
		'init false → true',
		'restart policy always → unless-stopped',
		'stop timeout 5s → 60s',
		'label io.rmq-tui.cluster: (unset) → RaftCluster',
		'label io.rmq-tui.role: (unset) → broker',
		'label io.rmq-tui.group: (unset) → RaftNode00',
		'label io.rmq-tui.self-id: (unset) → n0',
		'broker conf changed',
		'network (none) → bridge_network',
	]);
});

test('states: missing → create, running → keep, paused → unpause, others → start, one action per spec in order', () => {
	const observed: ObservedContainer[] = [
		observedOf(NAMESRV, {state: 'running'}),
		observedOf(spec('rocketmq-raftnode00-n0'), {state: 'paused'}),
		observedOf(spec('rocketmq-raftnode01-n0'), {state: 'exited'}),
		observedOf(CONSOLE, {state: 'created'}),
	];
	const actions = diffContainers(CLUSTER, on71, observed);
	assert.deepEqual(actions.map(a => [a.kind, a.spec.name, 'reason' in a ? a.reason : '']), [
		['keep', 'rocketmq-namesrv', ''],
		['start', 'rocketmq-raftnode00-n0', 'paused: will be unpaused'],
		['start', 'rocketmq-raftnode01-n0', 'exited: will be started'],
		['start', 'rocketmq-console', 'created: will be started'],
	]);
	const first = actions[0]!;
	assert.equal(first.kind === 'keep' && first.observed, observed[0]);
	const none = diffContainers(CLUSTER, on71, []);
	assert.deepEqual(none.map(a => a.kind), ['create', 'create', 'create', 'create']);
	assert.deepEqual(none.map(a => a.spec), on71);
	for (const state of ['restarting', 'dead'] as const) {
		const [a] = diffContainers(CLUSTER, [NAMESRV], [observedOf(NAMESRV, {state})]);
		assert.deepEqual(a, {kind: 'start', spec: NAMESRV, observed: observedOf(NAMESRV, {state}), reason: `${state}: will be started`});
	}
});

test('a difference recreates whatever the state; image IDs are looked up per reference', () => {
	const stopped = observedOf(BROKER, {state: 'exited', init: false});
	assert.deepEqual(diffContainers(CLUSTER, [BROKER], [stopped]), [{kind: 'recreate', spec: BROKER, observed: stopped, reasons: ['init false → true']}]);
	const ids = new Map([[BROKER.image, ID_B], ['apacherocketmq/rocketmq-console:2.0.0', ID_A]]);
	const actions = diffContainers(CLUSTER, [BROKER, CONSOLE], [observedOf(BROKER), observedOf(CONSOLE)], ids);
	assert.deepEqual(actions.map(a => a.kind), ['recreate', 'keep']);
	const recreated = actions[0]!;
	assert.deepEqual(recreated.kind === 'recreate' && recreated.reasons, ['image apacherocketmq/rocketmq:4.7.1-alpine now resolves to sha256:bbbbbbbbbbbb (was sha256:aaaaaaaaaaaa)']);
});

test('conflicts: another cluster\'s container, or one made by hand; never compared', () => {
	const other = observedOf(NAMESRV, {labels: {...NAMESRV.labels, 'io.rmq-tui.cluster': 'Orders'}});
	const byHand = observedOf(BROKER, {labels: {maintainer: 'someone'}, init: false});
	const actions = diffContainers(CLUSTER, [NAMESRV, BROKER], [other, byHand]);
	assert.deepEqual(actions, [
		{kind: 'conflict', spec: NAMESRV, observed: other, reason: 'container rocketmq-namesrv belongs to cluster Orders, not RaftCluster'},
		{kind: 'conflict', spec: BROKER, observed: byHand, reason: 'container rocketmq-raftnode00-n0 exists but was not created by rmq-tui (made by hand, e.g. from the guide?)'},
	]);
	assert.equal(belongsTo(other, 'Orders'), true);
	assert.equal(belongsTo(other, CLUSTER), false);
	assert.equal(belongsTo(byHand, CLUSTER), false);
});

test('orphans: this cluster\'s containers the plan no longer names; others\' and hand-made ones are not', () => {
	const gone = observedOf(spec('rocketmq-raftnode01-n0'), {name: 'rocketmq-raftnode02-n0'});
	const foreign = observedOf(NAMESRV, {name: 'rocketmq-namesrv-old', labels: {...NAMESRV.labels, 'io.rmq-tui.cluster': 'Orders'}});
	const hand = observedOf(NAMESRV, {name: 'my-nginx', labels: {}});
	const observed = [observedOf(NAMESRV), gone, foreign, hand, observedOf(BROKER)];
	assert.deepEqual(orphans(CLUSTER, on71, observed), [{observed: gone}]);
	assert.deepEqual(orphans(CLUSTER, [], observed).map(o => o.observed.name), ['rocketmq-namesrv', 'rocketmq-raftnode02-n0', 'rocketmq-raftnode00-n0']);
	assert.deepEqual(orphans(CLUSTER, on71, []), []);
});
