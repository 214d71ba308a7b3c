import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MANAGED_BROKER_KEYS, sendThreads} from '../../source/plan/plan.ts';
import {assertSpreadAndBalanced, clusterOn, loads, planErrorsOf, planOf, seedCluster, SEED_IPS} from './fixtures.ts';

const BASE = '/data/docker-services/rocketmq';

test('seed: 3 hosts × 2 groups, host i holds n<i> of every group, with the guide\'s ports', () => {
	const plan = planOf(seedCluster());
	assert.deepEqual(plan.groups.map(g => g.name), ['RaftNode00', 'RaftNode01']);
	const summary = plan.hosts.map(h => ({
		host: h.spec.name,
		brokers: h.brokers.map(b => `${b.group}/${b.selfId} ${b.fastPort}/${b.listenPort}/${b.dledgerPort} ${b.containerName}`),
	}));
	assert.deepEqual(summary, SEED_IPS.map((ip, i) => ({
		host: ip,
		brokers: [
			`RaftNode00/n${i} 10909/10911/20911 rocketmq-raftnode00-n${i}`,
			`RaftNode01/n${i} 10919/10921/20921 rocketmq-raftnode01-n${i}`,
		],
	})));
});

test('seed: dLegerPeers exactly as the guide writes them, identical on every replica', () => {
	const plan = planOf(seedCluster());
	const expected = {
		RaftNode00: 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911',
		RaftNode01: 'n0-192.168.1.71:20921;n1-192.168.1.76:20921;n2-192.168.1.77:20921',
	};
	for (const group of plan.groups) {
		for (const replica of group.replicas) assert.equal(replica.peers, expected[group.name as keyof typeof expected], `${group.name}/${replica.selfId}`);
	}
});

test('seed: a name server on every host, all of them in namesrvAddr; the console on the first host', () => {
	const plan = planOf(seedCluster());
	assert.equal(plan.namesrvAddr, '192.168.1.71:9876;192.168.1.76:9876;192.168.1.77:9876');
	assert.deepEqual(plan.hosts.map(h => h.namesrv?.containerName), ['rocketmq-namesrv', 'rocketmq-namesrv', 'rocketmq-namesrv']);
	assert.deepEqual(plan.hosts.map(h => h.console?.containerName), ['rocketmq-console', undefined, undefined]);
	assert.deepEqual(plan.console, {host: '192.168.1.71', ip: '192.168.1.71', port: 19876, public: false, image: 'apacherocketmq/rocketmq-console:2.0.0', containerName: 'rocketmq-console'});
});

test('seed: every broker advertises its own host IP and has its own dirs', () => {
	const plan = planOf(seedCluster());
	for (const host of plan.hosts) {
		for (const b of host.brokers) {
			const key = `${b.group}-${b.selfId}`;
			assert.equal(b.ip, host.spec.ip);
			assert.equal(b.storeDir, `${BASE}/broker/store/${key}`);
			assert.equal(b.logsDir, `${BASE}/broker/logs/${key}`);
			assert.equal(b.confHostPath, `${BASE}/broker/conf/${key}.conf`);
			assert.equal(b.confContainerPath, `/home/rocketmq/conf/${key}.conf`);
			assert.equal(b.haPort, b.listenPort + 1);
			assert.equal(b.sendMessageThreadPoolNums, 2);
		}
		assert.deepEqual(host.writableDirs, [`${BASE}/namesrv/logs`, ...host.brokers.flatMap(b => [b.logsDir, b.storeDir])]);
	}
});

test('5 hosts × 3 groups: replicas on distinct hosts, balanced, deterministic', () => {
	const cluster = clusterOn(5, 3, 3);
	const plan = planOf(cluster);
	assertSpreadAndBalanced(plan, 3, '5×3');
	assert.deepEqual([...loads(plan).values()].sort(), [1, 2, 2, 2, 2]);
	assert.deepEqual(planOf(structuredClone(cluster)), plan);
	for (const group of plan.groups) assert.equal(new Set(group.replicas.map(r => r.peers)).size, 1, `${group.name}: peers differ`);
	assert.deepEqual(plan.groups.map(g => g.replicas[0]!.listenPort), [10911, 10921, 10931]);
	assert.deepEqual(plan.groups.map(g => g.replicas[0]!.dledgerPort), [20911, 20921, 20931]);
});

for (const hostCount of [5, 7]) {
	test(`R=5 on ${hostCount} hosts: five distinct hosts per group, five peers`, () => {
		const plan = planOf(clusterOn(hostCount, 2, 5));
		assertSpreadAndBalanced(plan, 5, `${hostCount} hosts`);
		for (const group of plan.groups) {
			const peers = group.replicas[0]!.peers.split(';');
			assert.deepEqual(peers, group.replicas.map(r => `${r.selfId}-${r.ip}:${r.dledgerPort}`));
		}
	});
}

test('name servers only where namesrvHosts says; namesrvAddr lists exactly those', () => {
	const plan = planOf(clusterOn(4, 2, 3, {namesrvHosts: ['h3', 'h1']}));
	assert.deepEqual(plan.namesrvs.map(n => n.host), ['h1', 'h3']);
	assert.equal(plan.namesrvAddr, '10.0.0.2:9876;10.0.0.4:9876');
	assert.deepEqual(plan.hosts.map(h => h.namesrv !== undefined), [false, true, false, true]);
});

test('console: on console.host, absent when disabled', () => {
	assert.equal(planOf(clusterOn(3, 1, 3, {console: {...seedCluster().console, host: 'h2'}})).console?.host, 'h2');
	const off = planOf(clusterOn(3, 1, 3, {console: {...seedCluster().console, enabled: false}}));
	assert.equal(off.console, undefined);
	assert.ok(off.hosts.every(h => h.console === undefined));
});

test('sendMessageThreadPoolNums follows the host\'s cores, 1..16, 2 when unknown', () => {
	const cases: Array<[cpus: number | undefined, threads: number]> = [[undefined, 2], [1, 1], [8, 8], [64, 16]];
	for (const [cpus, threads] of cases) {
		assert.equal(sendThreads({name: 'a', ssh: {host: 'a'}, ip: '10.0.0.1', ...(cpus === undefined ? {} : {cpus})}), threads, String(cpus));
	}
});

const seedConsole = seedCluster().console;
const defaultPorts = seedCluster().ports;
const refused: Array<[name: string, cluster: () => ReturnType<typeof seedCluster>, path: string, pattern: RegExp]> = [
	['R > H', () => clusterOn(3, 2, 5), 'replicas', /5 replicas per group need 5 distinct hosts, but only 3 are listed/],
	['R > H with one host', () => clusterOn(1, 1, 3), 'replicas', /need 3 distinct hosts, but only 1 is listed/],
	['namesrv on a fast port', () => seedCluster({ports: {...defaultPorts, namesrv: 10909}}), 'ports', /port 10909 on host 192\.168\.1\.71 is wanted by both name server and RaftNode00\/n0 fast/],
	['console on a DLedger port', () => seedCluster({console: {...seedConsole, port: 20921}}), 'ports', /port 20921 .* RaftNode01\/n0 DLedger and console/],
	['stride too small for listen-2..listen+1', () => seedCluster({ports: {...defaultPorts, groupStride: 3}}), 'ports', /port 10912 .* RaftNode00\/n0 HA \(reserved\) and RaftNode01\/n0 fast/],
	['DLedger inside the listen range', () => seedCluster({ports: {...defaultPorts, dledger: 10921}}), 'ports', /port 10921 .* RaftNode00\/n0 DLedger and RaftNode01\/n0 listen/],
	['listen ports past 65535', () => seedCluster({groups: 3, ports: {...defaultPorts, listen: 65520}}), 'ports', /3 groups with a stride of 10 run past port 65535 \(last listen 65540/],
	['HA port past 65535', () => seedCluster({groups: 1, ports: {...defaultPorts, listen: 65535}}), 'ports', /run past port 65535/],
	['DLedger ports past 65535', () => seedCluster({groups: 4, ports: {...defaultPorts, dledger: 65510}}), 'ports', /last DLedger 65540/],
	['unknown namesrvHosts name', () => seedCluster({namesrvHosts: ['192.168.1.71', 'nope']}), 'namesrvHosts[1]', /"nope" is not a host name in hosts/],
	['unknown console.host', () => seedCluster({console: {...seedConsole, host: 'nope'}}), 'console.host', /"nope" is not a host name in hosts/],
	...MANAGED_BROKER_KEYS.map((key): [string, () => ReturnType<typeof seedCluster>, string, RegExp] => [
		`managed key ${key} in brokerProperties`,
		() => seedCluster({brokerProperties: {[key]: 'x'}}),
		`brokerProperties.${key}`,
		new RegExp(`${key} is computed per broker by rmq-tui`),
	]),
];

for (const [name, cluster, path, pattern] of refused) {
	test(`refused: ${name}`, () => {
		const errors = planErrorsOf(cluster());
		assert.ok(errors.some(e => e.path === path && pattern.test(e.message)), `no ${path} error matching ${pattern}: ${JSON.stringify(errors, null, 1)}`);
	});
}

test('a disabled console may name any host (it is not placed)', () => {
	planOf(seedCluster({console: {...seedConsole, enabled: false, host: 'gone'}}));
});

test('unmanaged brokerProperties are accepted', () => {
	assert.deepEqual(planOf(seedCluster({brokerProperties: {maxMessageSize: '4194304'}})).options.brokerProperties, {maxMessageSize: '4194304'});
});
