import assert from 'node:assert/strict';
import {test} from 'node:test';
import {probeRound, type ProbeClient} from '../../source/probe/probe.ts';
import {clusterSnapshot} from '../../source/probe/snapshot.ts';
import {decodeBrokerConfig, decodeClusterInfo, decodeRuntimeInfo} from '../../source/rocketmq/messages.ts';
import {fixtureBody} from '../rocketmq/fixtures.ts';

/** A client answering with the captured 4.7.1 bodies: RaftNode00 led by n2 (10931); n1 (10921) does not answer. */
function fixtureClient(calls: string[]): ProbeClient {
	const down = (addr: string) => Promise.reject(new Error(`no answer from ${addr} within 3000 ms`));
	return {
		clusterInfo: async addr => (calls.push(`106 ${String(addr)}`), decodeClusterInfo(fixtureBody('namesrv-cluster-info-2groups.response'))),
		brokerConfig: async addr => {
			calls.push(`26 ${String(addr)}`);
			if (addr === '127.0.0.1:10931') return decodeBrokerConfig(fixtureBody('broker-config-leader.response'));
			if (addr === '127.0.0.1:10911') return decodeBrokerConfig(fixtureBody('broker-config-follower.response'));
			return down(String(addr));
		},
		brokerRuntimeInfo: async addr => {
			calls.push(`28 ${String(addr)}`);
			return addr === '127.0.0.1:10921' ? down(String(addr)) : decodeRuntimeInfo(fixtureBody('broker-runtime-info.response'));
		},
		dledgerMetadata: async (addr, group, remoteId) => {
			calls.push(`50000 ${String(addr)} ${group}/${remoteId}`);
			return addr === '127.0.0.1:40921' ? down(String(addr)) : {code: 200, group, leaderId: 'n2', term: -1};
		},
	};
}

test('a round against a cluster rmq-tui did not deploy: discovery through live configs, then every node', async () => {
	const calls: string[] = [];
	let clock = 1000;
	const round = await probeRound(fixtureClient(calls), {namesrvs: ['127.0.0.1:9876']}, () => clock++);
	assert.equal(round.at, 1000);
	assert.deepEqual(round.groups.map(g => g.name), ['RaftNode00'], 'RaftNode01 has no live config to learn its peers from');
	assert.deepEqual(round.groups[0]!.replicas.map(r => `${r.selfId} ${r.ip}:${r.listenPort} ${r.dledgerPort}`), [
		'n0 127.0.0.1:10911 40911', 'n1 127.0.0.1:10921 40921', 'n2 127.0.0.1:10931 40931',
	]);
	assert.deepEqual(round.problems, ['RaftNode01: no broker of this group answered GET_BROKER_CONFIG']);
	assert.ok(calls.includes('50000 127.0.0.1:40911 RaftNode00/n0'));
	const snap = clusterSnapshot(round);
	const g = snap.groups[0]!;
	assert.equal(g.verdict, 'degraded');
	assert.equal(g.leader, 'n2');
	assert.deepEqual(g.replicas.map(r => r.role), ['follower', 'down', 'leader']);
	assert.equal(g.replicas[2]!.runtime?.version, 'V4_7_1');
	assert.deepEqual(g.reasons, ['n1 (127.0.0.1:10921) is down']);
});

test('a round with known groups does not ask for broker configs', async () => {
	const calls: string[] = [];
	const groups = [{name: 'RaftNode00', replicas: [{selfId: 'n0', ip: '127.0.0.1', listenPort: 10911, dledgerPort: 40911}]}];
	const round = await probeRound(fixtureClient(calls), {namesrvs: ['127.0.0.1:9876', '127.0.0.1:9877'], groups});
	assert.equal(calls.filter(c => c.startsWith('26 ')).length, 0);
	assert.equal(round.namesrvs.length, 2);
	assert.deepEqual(round.dledger.map(d => d.ok), [true]);
});
