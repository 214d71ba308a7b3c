import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {parseClusterText} from '../../source/inventory/parse.ts';
import type {ClusterFile} from '../../source/inventory/schema.ts';
import {clusterToYaml} from '../../source/inventory/write.ts';
import {buildPlan} from '../../source/plan/plan.ts';

function roundTrip(cluster: ClusterFile): ClusterFile {
	const text = clusterToYaml(cluster);
	const result = parseClusterText(text);
	if (!result.ok) assert.fail(`written file does not parse:\n${text}\n${JSON.stringify(result.errors, null, 1)}`);
	return result.value;
}

const seed = (): ClusterFile => clusterFromHosts(['192.168.1.71', '192.168.1.76', '192.168.1.77']);

function everything(): ClusterFile {
	const cluster: ClusterFile = {
		...seed(),
		name: 'Orders_1',
		groups: 3,
		replicas: 3,
		groupPrefix: 'Orders',
		image: 'registry.local:5000/rocketmq:4.7.1-alpine',
		baseDir: '/srv/rmq',
		network: 'rmq_net',
		timezone: 'UTC',
		heap: {broker: '768m', namesrv: '256m'},
		ports: {namesrv: 9877, listen: 30911, dledger: 40911, groupStride: 20},
		namesrvHosts: ['a', 'c'],
		console: {enabled: true, host: 'c', image: 'apacherocketmq/rocketmq-console:2.0.0', port: 18080, public: true},
		brokerProperties: {deleteWhen: '03', maxMessageSize: '4194304', autoCreateTopicEnable: 'false', brokerRole: 'SYNC_MASTER', empty: ''},
		hosts: [
			{name: 'a', ssh: {host: '192.168.1.71', user: 'root', port: 2222, identity: '/home/op/.ssh/id', proxyJump: 'op@bastion:22'}, ip: '192.168.1.71', cpus: 8},
			{name: 'b', ssh: {host: '2001:db8::7', port: 2200}, ip: '192.168.1.76'},
			{name: 'c', ssh: {host: 'node-c.example.com'}, ip: '192.168.1.77', cpus: 2},
			{name: 'd', ssh: {host: 'fe80::1'}, ip: '192.168.1.78'},
			{name: 'e', ssh: {host: '192.168.1.79', auth: 'agent'}, ip: '192.168.1.79'},
			{name: 'f', ssh: {host: '192.168.1.80', user: 'op', auth: 'ask', identity: '/home/op/.ssh/locked'}, ip: '192.168.1.80'},
		],
	};
	const plan = buildPlan(cluster);
	if (!plan.ok) assert.fail(JSON.stringify(plan.errors));
	return {...cluster, placement: plan.plan.placement};
}

test('clusterToYaml → parseClusterText gives back the seed cluster', () => {
	assert.deepEqual(roundTrip(seed()), seed());
});

test('clusterToYaml → parseClusterText gives back every option, host shape and the placement', () => {
	const cluster = everything();
	assert.equal(Object.keys(cluster.placement).length, 3, 'the fixture has a placement to round-trip');
	assert.deepEqual(roundTrip(cluster), cluster);
});

test('the round trip is a fixed point: writing what was read gives the same text', () => {
	const cluster = everything();
	const text = clusterToYaml(cluster);
	assert.equal(clusterToYaml(roundTrip(cluster)), text);
});

test('a disabled console round-trips', () => {
	const cluster: ClusterFile = {...seed(), console: {...seed().console, enabled: false}};
	assert.deepEqual(roundTrip(cluster), cluster);
});

test('the written file documents placement and starts with version', () => {
	const text = clusterToYaml(seed());
	assert.match(text, /^# rmq-tui cluster file \(schema version 1\)/);
	assert.match(text, /^version: 1$/m);
	assert.match(text, /^placement:\n\s+# filled in on export\/deploy\n\s+\{\}\n$/m);
});

test('ssh keys are written in one order whatever order they were merged in', () => {
	const a = {...seed(), hosts: [{name: 'a', ssh: {host: 'rmq-1', port: 2222, proxyJump: 'b', user: 'root'}, ip: '192.168.1.71'}]};
	const b = {...seed(), hosts: [{name: 'a', ssh: {proxyJump: 'b', user: 'root', host: 'rmq-1', port: 2222}, ip: '192.168.1.71'}]};
	const c = {...seed(), hosts: [{name: 'a', ssh: {auth: 'ask' as const, identity: '/k', host: 'rmq-1'}, ip: '192.168.1.71'}]};
	assert.match(clusterToYaml(c), /ssh:\n\s+host: rmq-1\n\s+identity: \/k\n\s+auth: ask\n/);
	assert.equal(clusterToYaml(a), clusterToYaml(b));
	assert.equal(clusterToYaml(roundTrip(a)), clusterToYaml(a));
});
