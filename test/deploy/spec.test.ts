/**
 * Compose files → ContainerSpec: every container of two plans with its exact fields, a cross-check of each rendered
 * compose file against what the real `docker-compose config` (Compose v1) makes of it, and every refusal.
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {parse} from 'yaml';
import {containerSpecs, durationSeconds, parseMount, parsePort, SpecError, specsFromCompose, type ContainerSpec} from '../../source/deploy/spec.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';
import {needCompose} from '../support/need.ts';

const SEED = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
const FIVE = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];
const BASE = '/data/docker-services/rocketmq';
const RMQ_IMAGE = 'apacherocketmq/rocketmq:4.7.1-alpine';
const CONSOLE_IMAGE = 'apacherocketmq/rocketmq-console:2.0.0';

/** templates/graceful-start.sh without its comment lines, with single dollars (Compose's `$$` undone). */
const WRAPPER = [
	'term() {',
	'  stopping=1',
	'  for p in /proc/[0-9]*; do',
	'    [ "$(cat "$p/comm" 2>/dev/null)" = java ] && kill -TERM "${p#/proc/}"',
	'  done',
	'}',
	'trap term TERM INT',
	'sh "$@" &',
	'pid=$!',
	'wait "$pid"; rc=$?',
	'while [ -n "$stopping" ] && kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done',
	'exit "$rc"',
].join('\n');

function planOf(hosts: string[], options: Parameters<typeof clusterFromHosts>[1] = {}): Plan {
	const result = buildPlan(clusterFromHosts(hosts, options));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return result.plan;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function namesrv(host: string, javaOpt = '-Xms512m -Xmx512m -Xmn256m -Duser.timezone=Asia/Shanghai'): ContainerSpec {
	return {
		host,
		name: 'rocketmq-namesrv',
		role: 'namesrv',
		image: RMQ_IMAGE,
		command: ['sh', '-c', WRAPPER, 'rmq-tui-start', 'mqnamesrv'],
		env: [['JAVA_OPT_EXT', javaOpt], ['TZ', 'Asia/Shanghai']],
		ports: [{hostPort: 9876, containerPort: 9876}],
		mounts: [{source: `${BASE}/namesrv/logs`, target: '/home/rocketmq/logs', readOnly: false}],
		init: true,
		restart: 'unless-stopped',
		stopTimeoutSeconds: 30,
		labels: {'io.rmq-tui.cluster': 'RaftCluster', 'io.rmq-tui.role': 'namesrv'},
		network: 'bridge_network',
		composeFile: `${BASE}/namesrv/docker-compose.yml`,
		service: 'rocketmq-namesrv',
	};
}

function broker(files: readonly RenderedFile[], host: string, groupIndex: number, selfId: string): ContainerSpec {
	const group = `RaftNode0${groupIndex}`;
	const key = `${group}-${selfId}`;
	const name = `rocketmq-raftnode0${groupIndex}-${selfId}`;
	const listen = 10911 + 10 * groupIndex;
	const dledger = 20911 + 10 * groupIndex;
	const conf = files.find(f => f.host === host && f.path === `${BASE}/broker/conf/${key}.conf`);
	assert.ok(conf, `conf of ${key} on ${host}`);
	return {
		host,
		name,
		role: 'broker',
		group,
		selfId,
		image: RMQ_IMAGE,
		command: ['sh', '-c', WRAPPER, 'rmq-tui-start', 'mqbroker', '-c', `/home/rocketmq/conf/${key}.conf`],
		env: [['JAVA_OPT_EXT', '-Xms1g -Xmx1g -Xmn512m -Duser.timezone=Asia/Shanghai'], ['TZ', 'Asia/Shanghai']],
		ports: [
			{hostPort: listen - 2, containerPort: listen - 2},
			{hostPort: listen, containerPort: listen},
			{hostPort: dledger, containerPort: dledger},
		],
		mounts: [
			{source: `${BASE}/broker/conf`, target: '/home/rocketmq/conf', readOnly: true},
			{source: `${BASE}/broker/logs/${key}`, target: '/home/rocketmq/logs', readOnly: false},
			{source: `${BASE}/broker/store/${key}`, target: '/home/rocketmq/store', readOnly: false},
		],
		init: true,
		restart: 'unless-stopped',
		stopTimeoutSeconds: 60,
		labels: {
			'io.rmq-tui.cluster': 'RaftCluster',
			'io.rmq-tui.role': 'broker',
			'io.rmq-tui.group': group,
			'io.rmq-tui.self-id': selfId,
			'io.rmq-tui.conf-sha256': sha(conf.content),
		},
		network: 'bridge_network',
		composeFile: `${BASE}/broker/docker-compose.yml`,
		service: name,
	};
}

function consoleOn(host: string, namesrvAddr: string): ContainerSpec {
	return {
		host,
		name: 'rocketmq-console',
		role: 'console',
		image: CONSOLE_IMAGE,
		command: [],
		env: [['JAVA_OPTS', `-Drocketmq.namesrv.addr=${namesrvAddr} -Dcom.rocketmq.sendMessageWithVIPChannel=false`], ['TZ', 'Asia/Shanghai']],
		ports: [{hostIp: '127.0.0.1', hostPort: 19876, containerPort: 8080}],
		mounts: [],
		init: true,
		restart: 'unless-stopped',
		labels: {'io.rmq-tui.cluster': 'RaftCluster', 'io.rmq-tui.role': 'console'},
		network: 'bridge_network',
		composeFile: `${BASE}/console/docker-compose.yml`,
		service: 'rocketmq-console',
	};
}

test('seed plan (3 hosts × 2 groups × 3 replicas): every container, exactly, in start order', () => {
	const files = renderCluster(planOf(SEED));
	const specs = containerSpecs(files);
	const expected = [
		...SEED.map(h => namesrv(h)),
		...SEED.flatMap((h, i) => [broker(files, h, 0, `n${i}`), broker(files, h, 1, `n${i}`)]),
		consoleOn('192.168.1.71', '192.168.1.71:9876;192.168.1.76:9876;192.168.1.77:9876'),
	];
	assert.deepEqual(specs.map(s => `${s.host} ${s.name}`), expected.map(s => `${s.host} ${s.name}`));
	for (const [i, spec] of specs.entries()) assert.deepEqual(spec, expected[i], `${spec.host} ${spec.name}`);
	// A few literal values, not only the builder's.
	const b = specs.find(s => s.name === 'rocketmq-raftnode01-n2')!;
	assert.deepEqual(b.ports.map(p => p.hostPort), [10919, 10921, 20921]);
	assert.equal(b.host, '192.168.1.77');
	assert.equal(b.labels['io.rmq-tui.conf-sha256']!.length, 64);
});

test('5 hosts × 3 groups × 5 replicas: every container, exactly', () => {
	const files = renderCluster(planOf(FIVE, {groups: 3, replicas: 5}));
	const specs = containerSpecs(files);
	const expected = [
		...FIVE.map(h => namesrv(h)),
		...FIVE.flatMap((h, i) => [0, 1, 2].map(g => broker(files, h, g, `n${i}`))),
		consoleOn('10.0.0.1', FIVE.map(ip => `${ip}:9876`).join(';')),
	];
	assert.equal(specs.length, 5 + 15 + 1);
	for (const [i, spec] of specs.entries()) assert.deepEqual(spec, expected[i], `${spec.host} ${spec.name}`);
	const last = specs.find(s => s.name === 'rocketmq-raftnode02-n4')!;
	assert.deepEqual(last.ports, [{hostPort: 10929, containerPort: 10929}, {hostPort: 10931, containerPort: 10931}, {hostPort: 20931, containerPort: 20931}]);
	assert.equal(new Set(specs.filter(s => s.role === 'broker').map(s => s.labels['io.rmq-tui.conf-sha256'])).size, 15, 'each broker its own conf digest');
});

test('the start command has Compose\'s $$ undone: single dollars, as the shell must see them', () => {
	const specs = containerSpecs(renderCluster(planOf(SEED)));
	for (const s of specs.filter(x => x.role !== 'console')) {
		const script = s.command[2]!;
		assert.ok(script.includes('$(cat "$p/comm"'), `${s.name}: ${script}`);
		assert.ok(script.includes('"${p#/proc/}"'));
		assert.ok(!script.includes('$$'), `${s.name} still has $$`);
		assert.ok(!script.includes('#!') && !script.split('\n').some(l => l.startsWith('#')), 'comment lines dropped');
	}
});

test('options flow through: heap, cluster name, network, base dir, public console on another port', () => {
	const files = renderCluster(planOf(SEED, {
		name: 'Orders',
		network: 'rmq_net',
		baseDir: '/srv/rmq',
		heap: {broker: '768m', namesrv: '256m'},
		console: {public: true, port: 18080},
	}));
	const specs = containerSpecs(files);
	const ns = specs.find(s => s.role === 'namesrv')!;
	assert.deepEqual(ns.env, [['JAVA_OPT_EXT', '-Xms256m -Xmx256m -Xmn128m -Duser.timezone=Asia/Shanghai'], ['TZ', 'Asia/Shanghai']]);
	assert.equal(ns.network, 'rmq_net');
	assert.equal(ns.labels['io.rmq-tui.cluster'], 'Orders');
	assert.equal(ns.composeFile, '/srv/rmq/namesrv/docker-compose.yml');
	const b = specs.find(s => s.role === 'broker')!;
	assert.deepEqual(b.env[0], ['JAVA_OPT_EXT', '-Xms768m -Xmx768m -Xmn384m -Duser.timezone=Asia/Shanghai']);
	assert.equal(b.mounts[0]!.source, '/srv/rmq/broker/conf');
	const c = specs.find(s => s.role === 'console')!;
	assert.deepEqual(c.ports, [{hostPort: 18080, containerPort: 8080}]);
	assert.ok(specs.every(s => s.network === 'rmq_net'));
});

test('containerSpecs skips broker confs and orders name servers, brokers, console whatever the file order', () => {
	const files = renderCluster(planOf(SEED));
	const reversed = [...files].reverse();
	const roles = containerSpecs(reversed).map(s => s.role);
	assert.deepEqual(roles, ['namesrv', 'namesrv', 'namesrv', 'broker', 'broker', 'broker', 'broker', 'broker', 'broker', 'console']);
	assert.deepEqual(containerSpecs(files.filter(f => f.kind === 'broker-conf')), []);
});

// ---- cross-check with the real docker-compose ----

const run = promisify(execFile);

interface Normalised {
	container_name: string;
	image: string;
	command: string[];
	environment: Array<[string, string]>;
	ports: string[];
	volumes: string[];
	init: boolean;
	restart: string;
	stopSeconds: number | undefined;
	labels: Record<string, string>;
}

/** Compose's `config` writes `$` back as `$$`; its ports in the long form or as strings; volumes with `:rw`. */
function normaliseCompose(service: Record<string, unknown>): Normalised {
	const undollar = (s: string) => s.replaceAll('$$', '$');
	const ports = ((service.ports ?? []) as unknown[]).map(p => {
		if (typeof p === 'string') return p.replace(/\/tcp$/, '');
		const long = p as {published: number | string; target: number; host_ip?: string; protocol?: string};
		return `${long.host_ip ? `${long.host_ip}:` : ''}${long.published}:${long.target}`;
	});
	const volumes = ((service.volumes ?? []) as unknown[]).map(v => {
		if (typeof v === 'string') return v.replace(/:rw$/, '');
		const long = v as {source: string; target: string; read_only?: boolean};
		return `${long.source}:${long.target}${long.read_only ? ':ro' : ''}`;
	});
	const grace = service.stop_grace_period as string | undefined;
	return {
		container_name: String(service.container_name),
		image: String(service.image),
		command: ((service.command ?? []) as string[]).map(undollar),
		environment: Object.entries((service.environment ?? {}) as Record<string, string>).map(([k, v]) => [k, undollar(String(v))] as [string, string]).sort(([a], [b]) => a.localeCompare(b)),
		ports,
		volumes,
		init: service.init === true,
		restart: String(service.restart ?? 'no'),
		stopSeconds: grace === undefined ? undefined : durationSeconds(grace, 'compose'),
		labels: Object.fromEntries(Object.entries((service.labels ?? {}) as Record<string, string>).map(([k, v]) => [k, undollar(String(v))])),
	};
}

function normaliseSpec(s: ContainerSpec): Normalised {
	return {
		container_name: s.name,
		image: s.image,
		command: s.command,
		environment: s.env,
		ports: s.ports.map(p => `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}:${p.containerPort}`),
		volumes: s.mounts.map(m => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
		init: s.init,
		restart: s.restart,
		stopSeconds: s.stopTimeoutSeconds,
		labels: s.labels,
	};
}

test('each rendered compose file: docker-compose config and specsFromCompose agree on every container', async t => {
	if (!needCompose(t)) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-spec-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const plans = [planOf(SEED), planOf(FIVE, {groups: 3, replicas: 5}), planOf(SEED, {console: {public: true, port: 18080}, network: 'rmq_net'})];
	const jobs: Array<{file: RenderedFile; path: string}> = [];
	plans.forEach((plan, i) => {
		for (const file of renderCluster(plan).filter(f => f.kind !== 'broker-conf')) {
			const path = join(dir, `plan-${i}`, file.host, file.path);
			mkdirSync(join(path, '..'), {recursive: true});
			writeFileSync(path, file.content);
			jobs.push({file, path});
		}
	});
	assert.equal(jobs.length, 7 + 11 + 7, 'compose files rendered');
	let compared = 0;
	const queue = [...jobs];
	const worker = async () => {
		for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
			const env = {...process.env, DOCKER_HOST: 'unix:///nonexistent/rmq-tui-spec.sock', NO_COLOR: '1'};
			const {stdout} = await run('docker-compose', ['--ansi', 'never', '-f', job.path, 'config'], {env});
			const config = parse(stdout) as {services: Record<string, Record<string, unknown>>; networks: {default: {name: string; external: boolean}}};
			const specs = specsFromCompose(job.file);
			assert.deepEqual(Object.keys(config.services).sort(), specs.map(s => s.service).sort(), job.path);
			for (const spec of specs) {
				assert.equal(config.networks.default.name, spec.network, `${job.path}: network`);
				assert.deepEqual(normaliseSpec(spec), normaliseCompose(config.services[spec.service]!), `${job.path}: ${spec.service}`);
				compared++;
			}
		}
	};
	await Promise.all([worker(), worker(), worker(), worker()]);
	assert.equal(compared, 10 + 21 + 10);
});

// ---- refusals ----

const file = (content: string): RenderedFile => ({host: 'h1', path: '/x/docker-compose.yml', kind: 'namesrv-compose', content});
const service = (body: string, network = '\nnetworks:\n  default:\n    name: net\n    external: true\n'): RenderedFile =>
	file(`services:\n  svc:\n    image: img\n    labels:\n      io.rmq-tui.role: namesrv\n${body}${network}`);

function refuses(f: RenderedFile, message: string): void {
	assert.throws(() => specsFromCompose(f), (error: unknown) => {
		assert.ok(error instanceof SpecError, String(error));
		assert.equal(error.name, 'SpecError');
		assert.equal(error.message, `h1:/x/docker-compose.yml: ${message}`);
		return true;
	});
}

test('a minimal service: defaults for what is absent', () => {
	assert.deepEqual(specsFromCompose(service('')), [{
		host: 'h1',
		name: 'svc',
		role: 'namesrv',
		image: 'img',
		command: [],
		env: [],
		ports: [],
		mounts: [],
		init: false,
		restart: 'no',
		labels: {'io.rmq-tui.role': 'namesrv'},
		network: 'net',
		composeFile: '/x/docker-compose.yml',
		service: 'svc',
	}]);
});

test('refused: a Compose key rmq-tui cannot deploy', () => {
	refuses(service('    healthcheck:\n      test: ["CMD", "true"]\n    cap_add: [NET_ADMIN]\n'), 'service svc uses healthcheck, cap_add, which rmq-tui cannot deploy');
});

test('refused: a Compose variable in any value; $$ is a literal dollar', () => {
	refuses(service('    environment:\n      A: $HOME\n'), 'uses the Compose variable $H…: rmq-tui files never do');
	refuses(service('    environment:\n      A: x${HOME}\n'), 'uses the Compose variable ${H…: rmq-tui files never do');
	refuses(service('    command: [sh, -c, "echo $_x"]\n'), 'uses the Compose variable $_…: rmq-tui files never do');
	refuses(service('    volumes: ["$DIR:/d"]\n'), 'uses the Compose variable $D…: rmq-tui files never do');
	const [ok] = specsFromCompose(service('    environment:\n      A: "$$HOME and $${x} and $$$$"\n    command: [echo, "$$1"]\n'));
	assert.deepEqual(ok!.env, [['A', '$HOME and ${x} and $$']]);
	assert.deepEqual(ok!.command, ['echo', '$1']);
});

test('refused: bad ports', () => {
	for (const port of ['8080', '0:80', '80:65536', 'a:80', '1:2:3:4', '80:80/udp', '0x50:80', '1e3:80', ' 80:80']) {
		refuses(service(`    ports: ["${port}"]\n`), `port "${port}" is not HOST:CONTAINER or IP:HOST:CONTAINER`);
	}
	assert.deepEqual(parsePort('10911:10911', 'f'), {hostPort: 10911, containerPort: 10911});
	assert.deepEqual(parsePort('127.0.0.1:19876:8080', 'f'), {hostIp: '127.0.0.1', hostPort: 19876, containerPort: 8080});
	assert.deepEqual(parsePort('1:65535', 'f'), {hostPort: 1, containerPort: 65535});
});

test('refused: bad volumes', () => {
	for (const volume of ['logs:/home/rocketmq/logs', '/a:b', '/a', '/a:/b:rx', '/a:/b:ro:z', '/a:/b:z']) {
		refuses(service(`    volumes: ["${volume}"]\n`), `volume "${volume}" is not /host/path:/container/path[:ro]`);
	}
	assert.deepEqual(parseMount('/a:/b', 'f'), {source: '/a', target: '/b', readOnly: false});
	assert.deepEqual(parseMount('/a:/b:ro', 'f'), {source: '/a', target: '/b', readOnly: true});
	assert.deepEqual(parseMount('/a:/b:rw', 'f'), {source: '/a', target: '/b', readOnly: false});
});

test('refused: a bad stop_grace_period', () => {
	refuses(service('    stop_grace_period: 60\n'), 'stop_grace_period "60" is not a duration like 30s or 1m30s');
	refuses(service('    stop_grace_period: soon\n'), 'stop_grace_period "soon" is not a duration like 30s or 1m30s');
	const [ok] = specsFromCompose(service('    stop_grace_period: 1m30s\n'));
	assert.equal(ok!.stopTimeoutSeconds, 90);
});

test('refused: no networks.default.name', () => {
	refuses(service('', ''), 'has no networks.default.name');
	refuses(service('', '\nnetworks:\n  default:\n    external: true\n'), 'has no networks.default.name');
	refuses(file('networks:\n  other:\n    name: x\n'), 'has no networks.default.name');
});

test('refused: a service without the role label, or with an unknown role', () => {
	refuses(file('services:\n  svc:\n    image: img\nnetworks:\n  default:\n    name: net\n'), 'service has no io.rmq-tui.role label: not a file rmq-tui wrote');
	refuses(file('services:\n  svc:\n    image: img\n    labels:\n      io.rmq-tui.role: proxy\nnetworks:\n  default:\n    name: net\n'), 'service has no io.rmq-tui.role label: not a file rmq-tui wrote');
});

test('refused: environment or labels as a list, command or ports not a list', () => {
	refuses(service('    environment: ["A=1"]\n'), 'environment must be a map');
	refuses(file('services:\n  svc:\n    image: img\n    labels: ["io.rmq-tui.role=namesrv"]\nnetworks:\n  default:\n    name: net\n'), 'labels must be a map');
	refuses(service('    command: echo hi\n'), 'command must be a list');
	refuses(service('    ports: "80:80"\n'), 'ports must be a list');
	refuses(service('    volumes: "/a:/b"\n'), 'volumes must be a list');
});

test('durationSeconds: units, sums, rounding up, refusals', () => {
	const cases: Array<[string, number]> = [
		['60s', 60], ['30s', 30], ['1m30s', 90], ['1m', 60], ['500ms', 1], ['1500ms', 2], ['1h', 3600], ['1h1m1s', 3661], ['1.5s', 2], ['0s', 0], ['2m500ms', 121],
	];
	for (const [text, seconds] of cases) assert.equal(durationSeconds(text, 'f'), seconds, text);
	for (const text of ['', '60', 's', '1 m', '-5s', '1d', '60s ', '1m30', 'abc', '1.s']) {
		assert.throws(() => durationSeconds(text, 'f'), {name: 'SpecError', message: `f: stop_grace_period "${text}" is not a duration like 30s or 1m30s`}, JSON.stringify(text));
	}
});
