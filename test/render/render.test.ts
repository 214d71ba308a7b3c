import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {dirname} from 'node:path';
import {parse} from 'yaml';
import {parseProperties, propertiesMap} from '../../source/format/properties.ts';
import {BROKER_KEYS_4_7_1} from '../../source/lint/known-keys.ts';
import type {BrokerPlan, HostPlan, Plan} from '../../source/plan/types.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';
import {planOf, seedCluster} from '../plan/fixtures.ts';
import {expectedBrokerConf, LAYOUTS} from '../plan/layouts.ts';

type Service = {
	image: string;
	container_name: string;
	command: string[];
	init: boolean;
	restart: string;
	environment: Record<string, unknown>;
	ports: string[];
	volumes: string[];
	labels: Record<string, string>;
};
type Compose = {services: Record<string, Service>; networks: {default: unknown}} & Record<string, unknown>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function fileOf(files: RenderedFile[], host: string, kind: RenderedFile['kind'], path?: string): RenderedFile | undefined {
	return files.find(f => f.host === host && f.kind === kind && (path === undefined || f.path === path));
}

function confOf(files: RenderedFile[], broker: BrokerPlan): RenderedFile {
	const conf = fileOf(files, broker.host, 'broker-conf', broker.confHostPath);
	assert.ok(conf, `no conf for ${broker.group}/${broker.selfId} at ${broker.host}:${broker.confHostPath}`);
	return conf;
}

function composeOf(files: RenderedFile[], host: HostPlan, kind: RenderedFile['kind']): Compose {
	const file = fileOf(files, host.spec.name, kind);
	assert.ok(file, `no ${kind} on ${host.spec.name}`);
	const doc = parse(file.content) as Compose;
	assert.equal('version' in doc, false, `${kind} on ${host.spec.name} has a version: key`);
	assert.deepEqual(doc.networks, {default: {name: 'bridge_network', external: true}});
	return doc;
}

/** `1g` → `512m`: the young generation is half the heap. */
const halfOf = (heap: string): string => `${(Number.parseInt(heap, 10) * (heap.endsWith('g') ? 1024 : 1)) / 2}m`;

function assertJavaOpts(value: unknown, heap: string, label: string): void {
	const young = halfOf(heap);
	assert.equal(typeof value, 'string', label);
	const opts = (value as string).split(' ');
	for (const opt of [`-Xms${heap}`, `-Xmx${heap}`, `-Xmn${young}`]) assert.ok(opts.includes(opt), `${label}: ${value} lacks ${opt}`);
}

/** `sh -c <wrapper> rmq-tui-start <script args…>`: the wrapper forwards TERM to java and waits for it. */
function assertGracefulStart(command: string[], scriptArgs: string[], label: string): void {
	assert.deepEqual(command.slice(0, 2), ['sh', '-c'], label);
	assert.deepEqual(command.slice(3), ['rmq-tui-start', ...scriptArgs], label);
	const wrapper = command[2]!;
	assert.match(wrapper, /trap term TERM INT/, label);
	assert.match(wrapper, /= java \] && kill -TERM/, label);
	assert.match(wrapper, /sh "\$\$@" &/, `${label}: $ is escaped for Compose interpolation`);
	assert.doesNotMatch(wrapper.replaceAll('$$', ''), /\$/, `${label}: no unescaped $ left for Compose to interpolate`);
}

for (const layout of LAYOUTS) {
	const plan: Plan = planOf(layout.cluster());
	const files = renderCluster(plan);
	const brokers = plan.groups.flatMap(g => g.replicas);

	test(`${layout.name}: every broker conf reads back as the plan's values, and nothing else`, () => {
		for (const broker of brokers) {
			const conf = confOf(files, broker);
			assert.deepEqual(Object.fromEntries(propertiesMap(conf.content)), expectedBrokerConf(plan, broker), `${broker.group}/${broker.selfId}`);
		}
	});

	test(`${layout.name}: confs are clean: no trailing blanks, no duplicate or unknown keys`, () => {
		for (const broker of brokers) {
			const {content} = confOf(files, broker);
			content.split('\n').forEach((line, i) => assert.doesNotMatch(line, /[ \t]$/, `${broker.confHostPath}:${i + 1} ends with a blank`));
			const keys = parseProperties(content).map(e => e.key);
			assert.equal(new Set(keys).size, keys.length, `${broker.confHostPath} repeats a key`);
			for (const key of keys) assert.ok(BROKER_KEYS_4_7_1.has(key), `${broker.confHostPath}: 4.7.1 ignores "${key}"`);
			assert.match(content, /^enableDLegerCommitLog=true$/m);
		}
	});

	test(`${layout.name}: replicas of a group agree on peers; each advertises its own host`, () => {
		for (const group of plan.groups) {
			const confs = group.replicas.map(r => propertiesMap(confOf(files, r).content));
			assert.equal(new Set(confs.map(c => c.get('dLegerPeers'))).size, 1, `${group.name}: dLegerPeers differ`);
			assert.equal(new Set(confs.map(c => c.get('dLegerSelfId'))).size, group.replicas.length, `${group.name}: selfIds repeat`);
			const peers = confs[0]!.get('dLegerPeers')!.split(';');
			group.replicas.forEach((r, i) => {
				const host = plan.hosts.find(h => h.spec.name === r.host)!;
				assert.equal(confs[i]!.get('brokerIP1'), host.spec.ip);
				assert.ok(peers.includes(`${r.selfId}-${host.spec.ip}:${r.dledgerPort}`), `${group.name}/${r.selfId} not in its peers`);
			});
		}
	});

	test(`${layout.name}: broker compose files run exactly that host's brokers, correctly wired`, () => {
		for (const host of plan.hosts) {
			if (host.brokers.length === 0) {
				assert.equal(fileOf(files, host.spec.name, 'broker-compose'), undefined);
				continue;
			}
			const doc = composeOf(files, host, 'broker-compose');
			assert.deepEqual(Object.keys(doc.services), host.brokers.map(b => b.containerName));
			for (const broker of host.brokers) {
				const label = `${host.spec.name} ${broker.containerName}`;
				const s = doc.services[broker.containerName]!;
				assert.equal(s.image, plan.options.image, label);
				assert.equal(s.container_name, broker.containerName, label);
				assert.equal(s.init, true, label);
				assert.equal(s.environment.TINI_KILL_PROCESS_GROUP, undefined, `${label}: tini must not signal the whole group (it would exit before the JVM's shutdown hook ends)`);
				assertJavaOpts(s.environment.JAVA_OPT_EXT, plan.options.heap.broker, label);
				// the graceful-start wrapper runs `sh mqbroker -c <absolute conf path inside the mounted conf directory>`
				assertGracefulStart(s.command, ['mqbroker', '-c', broker.confContainerPath], label);
				assert.ok(broker.confContainerPath.startsWith('/'), label);
				const confMount = `${dirname(broker.confHostPath)}:${dirname(broker.confContainerPath)}:ro`;
				assert.ok(s.volumes.includes(confMount), `${label}: conf DIRECTORY not mounted read-only (${s.volumes.join(', ')})`);
				assert.ok(s.volumes.every(v => !v.split(':')[0]!.endsWith('.conf')), `${label}: a single file is mounted`);
				assert.ok(s.volumes.every(v => !v.split(':')[1]!.startsWith('/home/rocketmq/rocketmq-4.7.1')), `${label}: mounts over $ROCKETMQ_HOME`);
				assert.ok(s.volumes.includes(`${broker.storeDir}:/home/rocketmq/store`), label);
				assert.ok(s.volumes.includes(`${broker.logsDir}:/home/rocketmq/logs`), label);
				assert.deepEqual(s.ports, [broker.fastPort, broker.listenPort, broker.dledgerPort].map(p => `${p}:${p}`), label);
				assert.equal(broker.fastPort, broker.listenPort - 2, label);
				assert.equal(s.labels['io.rmq-tui.conf-sha256'], sha256(confOf(files, broker).content), label);
				assert.equal(s.labels['io.rmq-tui.group'], broker.group, label);
				assert.equal(s.labels['io.rmq-tui.self-id'], broker.selfId, label);
			}
		}
	});

	test(`${layout.name}: name server and console compose files`, () => {
		for (const host of plan.hosts) {
			if (host.namesrv) {
				const doc = composeOf(files, host, 'namesrv-compose');
				const s = doc.services[host.namesrv.containerName]!;
				assert.deepEqual(s.ports, [`${plan.options.ports.namesrv}:9876`], 'published on ports.namesrv; mqnamesrv listens on 9876 inside');
				assert.equal(s.init, true);
				assert.equal(s.environment.TINI_KILL_PROCESS_GROUP, undefined);
				assertGracefulStart(s.command, ['mqnamesrv'], host.spec.name);
				assertJavaOpts(s.environment.JAVA_OPT_EXT, plan.options.heap.namesrv, host.spec.name);
			} else {
				assert.equal(fileOf(files, host.spec.name, 'namesrv-compose'), undefined);
			}
			if (host.console) {
				const doc = composeOf(files, host, 'console-compose');
				const s = doc.services[host.console.containerName]!;
				const port = host.console.port;
				assert.deepEqual(s.ports, [host.console.public ? `${port}:8080` : `127.0.0.1:${port}:8080`]);
				assert.ok(String(s.environment.JAVA_OPTS).includes(`-Drocketmq.namesrv.addr=${plan.namesrvAddr} `), String(s.environment.JAVA_OPTS));
			} else {
				assert.equal(fileOf(files, host.spec.name, 'console-compose'), undefined);
			}
		}
	});

	test(`${layout.name}: one file per path per host, and the same text on every run`, () => {
		const keys = files.map(f => `${f.host}:${f.path}`);
		assert.equal(new Set(keys).size, keys.length);
		assert.deepEqual(renderCluster(planOf(layout.cluster())), files);
	});
}

test('the console is published on loopback unless console.public', () => {
	for (const isPublic of [false, true]) {
		const cluster = seedCluster();
		const plan = planOf({...cluster, console: {...cluster.console, public: isPublic}});
		const doc = parse(fileOf(renderCluster(plan), '192.168.1.71', 'console-compose')!.content) as Compose;
		assert.deepEqual(doc.services['rocketmq-console']!.ports, [isPublic ? '19876:8080' : '127.0.0.1:19876:8080']);
	}
});

test('brokerProperties override the defaults in place and add the rest at the end', () => {
	const plan = planOf(seedCluster({brokerProperties: {deleteWhen: '03', maxMessageSize: '4194304'}}));
	const content = confOf(renderCluster(plan), plan.groups[0]!.replicas[0]!).content;
	const entries = parseProperties(content);
	assert.deepEqual(entries.filter(e => e.key === 'deleteWhen').map(e => e.value), ['03']);
	const keys = entries.map(e => e.key);
	assert.equal(keys.indexOf('deleteWhen') + 1, keys.indexOf('fileReservedTime'), 'deleteWhen moved out of its section');
	assert.equal(keys.at(-1), 'maxMessageSize');
	assert.match(content, /# Extra properties from cluster\.yaml/);
});

test('no extra-properties section when every extra overrides a default', () => {
	const plan = planOf(seedCluster({brokerProperties: {flushDiskType: 'SYNC_FLUSH'}}));
	const content = confOf(renderCluster(plan), plan.groups[0]!.replicas[0]!).content;
	assert.equal(propertiesMap(content).get('flushDiskType'), 'SYNC_FLUSH');
	assert.doesNotMatch(content, /Extra properties/);
});

test('brokerProperties are data: placeholders and special characters in them are written as given', () => {
	const extras = {msgTraceTopicName: '${group}', '${cluster}': 'x', regionId: '  spaced  ', brokerPermission: '中文 # ! = :'};
	const plan = planOf(seedCluster({brokerProperties: extras}));
	const map = propertiesMap(confOf(renderCluster(plan), plan.groups[0]!.replicas[0]!).content);
	for (const [key, value] of Object.entries(extras)) assert.equal(map.get(key), value, key);
});

test('a changed conf changes its digest label', () => {
	const a = renderCluster(planOf(seedCluster()));
	const b = renderCluster(planOf(seedCluster({brokerProperties: {maxMessageSize: '1'}})));
	const digest = (files: RenderedFile[]) => (parse(fileOf(files, '192.168.1.71', 'broker-compose')!.content) as Compose).services['rocketmq-raftnode00-n0']!.labels['io.rmq-tui.conf-sha256'];
	assert.notEqual(digest(a), digest(b));
});
