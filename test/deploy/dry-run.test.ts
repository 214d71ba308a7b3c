/** The dry-run text: per host what changes, then the order and the warnings. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {computeChanges, isNoop, type HostState} from '../../source/deploy/changes.ts';
import {dryRunText, hostSection} from '../../source/deploy/dry-run.ts';
import type {ObservedContainer} from '../../source/deploy/observed.ts';
import {containerSpecs, type ContainerSpec} from '../../source/deploy/spec.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';

const HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
const AT = new Date('2026-11-25T07:02:14Z');
const BASE = '/data/docker-services/rocketmq';
const RMQ = 'apacherocketmq/rocketmq:4.7.1-alpine';
const CONSOLE = 'apacherocketmq/rocketmq-console:2.0.0';
const IMAGE_IDS = new Map([[RMQ, 'sha256:aaa'], [CONSOLE, 'sha256:ccc']]);

function planOf(brokerProperties: Record<string, string> = {}): Plan {
	const result = buildPlan(clusterFromHosts(HOSTS, {brokerProperties}));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return result.plan;
}

function observedOf(s: ContainerSpec, over: Partial<ObservedContainer> = {}): ObservedContainer {
	return {
		id: `id-${s.name}`, name: s.name, image: s.image, imageId: IMAGE_IDS.get(s.image)!, command: s.command, env: s.env, ports: s.ports,
		mounts: s.mounts, init: s.init, restart: s.restart, ...(s.stopTimeoutSeconds === undefined ? {} : {stopTimeoutSeconds: s.stopTimeoutSeconds}),
		labels: s.labels, networks: [s.network], state: 'running', startedAt: '2026-11-25T06:00:00.000Z', restartCount: 0, ...over,
	};
}

/** Hosts as a deploy of `files` left them, with `tweak` applied to each observed container (undefined: gone). */
function deployed(files: readonly RenderedFile[], tweak: (o: ObservedContainer, host: string) => ObservedContainer | undefined = o => o, extra: Record<string, ObservedContainer[]> = {}): Map<string, HostState> {
	const specs = containerSpecs(files);
	return new Map(HOSTS.map(host => [host, {
		files: new Map(files.filter(f => f.host === host).map(f => [f.path, f.content])),
		containers: [
			...specs.filter(s => s.host === host).map(s => tweak(observedOf(s), host)).filter((o): o is ObservedContainer => o !== undefined),
			...(extra[host] ?? []),
		],
		imageIds: IMAGE_IDS,
		networks: ['bridge', 'host', 'none', 'bridge_network'],
	}]));
}

const empty = (): Map<string, HostState> => new Map(HOSTS.map(host => [host, {files: new Map(), containers: [], imageIds: new Map(), networks: ['bridge']}]));
const leaders = (map: Record<string, string>) => (g: string): string | undefined => map[g];

test('nothing to do: "no changes" per host, no order, no warnings', () => {
	const plan = planOf();
	const files = renderCluster(plan);
	const changes = computeChanges(plan, files, deployed(files), () => undefined, AT);
	assert.ok(isNoop(changes));
	assert.equal(dryRunText(changes), [
		'192.168.1.71: no changes (5 file(s) and 4 container(s) already right)',
		'192.168.1.76: no changes (4 file(s) and 3 container(s) already right)',
		'192.168.1.77: no changes (4 file(s) and 3 container(s) already right)',
	].join('\n'));
});

test('a fresh cluster: files, images, network and containers per host, then the order', () => {
	const plan = planOf();
	const changes = computeChanges(plan, renderCluster(plan), empty(), () => undefined, AT);
	assert.equal(isNoop(changes), false);
	const create = (host: string, console: boolean, n: number) => [
		`  + write ${BASE}/namesrv/docker-compose.yml`,
		`  + write ${BASE}/broker/conf/RaftNode00-n${n}.conf`,
		`  + write ${BASE}/broker/conf/RaftNode01-n${n}.conf`,
		`  + write ${BASE}/broker/docker-compose.yml`,
		...(console ? [`  + write ${BASE}/console/docker-compose.yml`] : []),
		`  + image ${RMQ}`,
		...(console ? [`  + image ${CONSOLE}`] : []),
		'  + create network bridge_network',
		'  + create rocketmq-namesrv',
		`  + create rocketmq-raftnode00-n${n}`,
		`  + create rocketmq-raftnode01-n${n}`,
		...(console ? ['  + create rocketmq-console'] : []),
	];
	assert.equal(dryRunText(changes), [
		'192.168.1.71: 12 change(s) (0 file(s) and 0 container(s) already right)',
		...create('192.168.1.71', true, 0),
		'192.168.1.76: 9 change(s) (0 file(s) and 0 container(s) already right)',
		...create('192.168.1.76', false, 1),
		'192.168.1.77: 9 change(s) (0 file(s) and 0 container(s) already right)',
		...create('192.168.1.77', false, 2),
		'',
		'Order:',
		'  1. name servers — then wait until its ports answer',
		'  2. brokers of RaftNode00, RaftNode01 — then wait until each group has a leader every name server names',
		'  3. console — then wait until its ports answer',
	].join('\n'));
});

test('a broker option: updates with backup and indented diff, recreates with reasons, leader-last order, warnings', () => {
	const old = renderCluster(planOf());
	const plan = planOf({maxMessageSize: '1048576'});
	const files = renderCluster(plan);
	const changes = computeChanges(plan, files, deployed(old), leaders({RaftNode00: 'n0', RaftNode01: 'n2'}), AT);
	const text = dryRunText(changes);
	const h71 = changes.hosts[0]!;
	const diffOf = (path: string): string[] => {
		const f = h71.files.find(x => x.file.path === path)!;
		assert.ok(f.kind === 'update');
		return f.diff.split('\n').map(l => `      ${l}`);
	};
	const conf0 = `${BASE}/broker/conf/RaftNode00-n0.conf`;
	const conf1 = `${BASE}/broker/conf/RaftNode01-n0.conf`;
	const compose = `${BASE}/broker/docker-compose.yml`;
	const section71 = [
		'192.168.1.71: 5 change(s) (2 file(s) and 2 container(s) already right)',
		`  ~ update ${conf0} (backup ${conf0}.bak-20261125T070214Z)`,
		...diffOf(conf0),
		`  ~ update ${conf1} (backup ${conf1}.bak-20261125T070214Z)`,
		...diffOf(conf1),
		`  ~ update ${compose} (backup ${compose}.bak-20261125T070214Z)`,
		...diffOf(compose),
		'  ~ recreate rocketmq-raftnode00-n0:',
		'      broker conf changed',
		'  ~ recreate rocketmq-raftnode01-n0:',
		'      broker conf changed',
	];
	assert.deepEqual(text.split('\n').slice(0, section71.length), section71);
	// The conf diff itself: the new section at the end, three lines of context above.
	assert.deepEqual(diffOf(conf0).slice(0, 2), [`      --- 192.168.1.71:${conf0}`, `      +++ 192.168.1.71:${conf0} (new)`]);
	assert.deepEqual(diffOf(conf0).slice(3), [
		'       fileReservedTime=72',
		'       flushDiskType=ASYNC_FLUSH',
		'       sendMessageThreadPoolNums=2',
		'      +',
		'      +# Extra properties from cluster.yaml (brokerProperties).',
		'      +maxMessageSize=1048576',
	]);
	const tail = text.split('\n').slice(text.split('\n').indexOf('Order:'));
	assert.deepEqual(tail, [
		'Order:',
		'  1. RaftNode00/n1 (follower) — then wait until it is back as a follower',
		'  2. RaftNode00/n2 (follower) — then wait until it is back as a follower',
		'  3. RaftNode00/n0 (leader, last) — then wait until it is back as a follower',
		'  4. RaftNode01/n0 (follower) — then wait until it is back as a follower',
		'  5. RaftNode01/n1 (follower) — then wait until it is back as a follower',
		'  6. RaftNode01/n2 (leader, last) — then wait until it is back as a follower',
		'',
		'Warnings:',
		'  ! RaftNode00: recreating its leader n0 forces an election; writes to that group pause for a few seconds (about 5 s on 4.7.1 defaults).',
		'  ! RaftNode01: recreating its leader n2 forces an election; writes to that group pause for a few seconds (about 5 s on 4.7.1 defaults).',
	]);
	assert.ok(text.includes('\n192.168.1.76: 5 change(s) (1 file(s) and 1 container(s) already right)\n'));
});

test('recreate reasons indented under the container; start, conflict and orphan lines', () => {
	const plan = planOf();
	const files = renderCluster(plan);
	const orphan = observedOf(containerSpecs(files).find(s => s.name === 'rocketmq-raftnode01-n0')!, {name: 'rocketmq-raftnode02-n0'});
	const foreign = observedOf(containerSpecs(files).find(s => s.name === 'rocketmq-console')!, {name: 'someone-elses', labels: {'io.rmq-tui.cluster': 'Orders'}});
	const states = deployed(files, (o, host) => {
		if (host !== '192.168.1.71') return o;
		if (o.name === 'rocketmq-namesrv') return {...o, init: false, restart: 'no', stopTimeoutSeconds: 10};
		if (o.name === 'rocketmq-console') return {...o, state: 'exited'};
		if (o.name === 'rocketmq-raftnode00-n0') return {...o, labels: {}};
		return o;
	}, {'192.168.1.71': [orphan, foreign]});
	const changes = computeChanges(plan, files, states, leaders({RaftNode00: 'n1'}), AT);
	const text = dryRunText(changes);
	assert.deepEqual(text.split('\n').slice(0, 9), [
		'192.168.1.71: 4 change(s) (5 file(s) and 1 container(s) already right)',
		'  ~ recreate rocketmq-namesrv:',
		'      init false → true',
		'      restart policy no → unless-stopped',
		'      stop timeout 10s → 30s',
		'  ! container rocketmq-raftnode00-n0 exists but was not created by rmq-tui (made by hand, e.g. from the guide?)',
		'  > start rocketmq-console (exited: will be started)',
		'  - remove rocketmq-raftnode02-n0 (no longer in the plan; its data dirs stay)',
		'192.168.1.76: no changes (4 file(s) and 3 container(s) already right)',
	]);
	assert.ok(!text.includes('someone-elses'), 'another cluster\'s container is not ours to remove');
	const tail = text.split('\n').slice(text.split('\n').indexOf('Order:'));
	assert.deepEqual(tail, [
		'Order:',
		'  1. name server on 192.168.1.71 — then wait until its ports answer',
		'  2. RaftNode00/n0 (follower) — then wait until it is back as a follower',
		'  3. console — then wait until its ports answer',
	]);
});

test('an orphan alone is a change: no order, the host counts it', () => {
	const plan = planOf();
	const files = renderCluster(plan);
	const orphan = observedOf(containerSpecs(files).find(s => s.name === 'rocketmq-raftnode01-n2')!, {name: 'rocketmq-raftnode02-n2'});
	const changes = computeChanges(plan, files, deployed(files, o => o, {'192.168.1.77': [orphan]}), () => undefined, AT);
	assert.equal(isNoop(changes), false);
	assert.equal(dryRunText(changes), [
		'192.168.1.71: no changes (5 file(s) and 4 container(s) already right)',
		'192.168.1.76: no changes (4 file(s) and 3 container(s) already right)',
		'192.168.1.77: 1 change(s) (4 file(s) and 3 container(s) already right)',
		'  - remove rocketmq-raftnode02-n2 (no longer in the plan; its data dirs stay)',
	].join('\n'));
});

test('hostSection: a missing image and network on an otherwise deployed host', () => {
	const plan = planOf();
	const files = renderCluster(plan);
	const states = deployed(files);
	states.set('192.168.1.76', {...states.get('192.168.1.76')!, imageIds: new Map(), networks: ['bridge']});
	const changes = computeChanges(plan, files, states, () => undefined, AT);
	assert.deepEqual(hostSection(changes.hosts[1]!), [`  + image ${RMQ}`, '  + create network bridge_network']);
	assert.deepEqual(hostSection(changes.hosts[0]!), []);
	assert.equal(dryRunText(changes).split('\n')[1], '192.168.1.76: 2 change(s) (4 file(s) and 3 container(s) already right)');
});
