import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {propertiesMap} from '../../source/format/properties.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import {discoverGroups, parsePeers, targetsFromPlan} from '../../source/probe/targets.ts';
import {decodeFrame} from '../../source/rocketmq/codec.ts';

const fixtureConfig = (name: string) =>
	propertiesMap(decodeFrame(readFileSync(new URL(`../fixtures/rocketmq-4.7.1/${name}.response.bin`, import.meta.url))).body.toString('latin1'));

test('targets from a plan: every replica with its listen and DLedger address', () => {
	const planned = buildPlan(clusterFromHosts(['10.0.0.1', '10.0.0.2', '10.0.0.3']));
	assert.ok(planned.ok);
	const groups = targetsFromPlan(planned.plan);
	assert.deepEqual(groups.map(g => g.name), ['RaftNode00', 'RaftNode01']);
	assert.deepEqual(groups[1]!.replicas[2], {selfId: 'n2', host: '10.0.0.3', ip: '10.0.0.3', listenPort: 10921, dledgerPort: 20921});
});

test('dLegerPeers parsing', () => {
	assert.deepEqual([...parsePeers('n0-127.0.0.1:40911;n1-127.0.0.1:40921')!], [['n0', {ip: '127.0.0.1', port: 40911}], ['n1', {ip: '127.0.0.1', port: 40921}]]);
	assert.equal(parsePeers('node1-1.2.3.4:1'), undefined);
	assert.equal(parsePeers('n0-1.2.3.4'), undefined);
	assert.equal(parsePeers(''), undefined);
});

test('discovery from the real GET_BROKER_CONFIG answers of a leader and a follower', () => {
	const leader = fixtureConfig('broker-config-leader');
	const follower = fixtureConfig('broker-config-follower');
	const {groups, problems} = discoverGroups(['RaftNode00', 'RaftNode01'], [
		{addr: '127.0.0.1:10931', config: leader},
		{addr: '127.0.0.1:10911', config: follower},
	]);
	assert.deepEqual(problems, ['RaftNode00/n1: neither its config nor a name server gives its listen port (is it down?)', 'RaftNode01: no broker of this group answered GET_BROKER_CONFIG']);
	assert.deepEqual(groups, [{
		name: 'RaftNode00',
		replicas: [
			{selfId: 'n0', ip: '127.0.0.1', listenPort: 10911, dledgerPort: 40911},
			// n1 did not answer and no name server table was given: its listen port is unknown
			{selfId: 'n1', ip: '127.0.0.1', listenPort: 0, dledgerPort: 40921},
			{selfId: 'n2', ip: '127.0.0.1', listenPort: 10931, dledgerPort: 40931},
		],
	}]);
});

test('a follower that did not answer is found through a name server table (brokerId = selfId number + 1)', () => {
	const {groups, problems} = discoverGroups(['RaftNode00'], [{addr: '127.0.0.1:10931', config: fixtureConfig('broker-config-leader')}], {
		RaftNode00: {0: '127.0.0.1:10931', 1: '127.0.0.1:10911', 2: '127.0.0.1:10921'},
	});
	assert.deepEqual(problems, []);
	assert.deepEqual(groups[0]!.replicas.map(r => r.listenPort), [10911, 10921, 10931]);
});

test('a plain (non-DLedger) broker is reported, not probed as a group', () => {
	const config = new Map([['brokerName', 'broker-a'], ['enableDLegerCommitLog', 'false']]);
	assert.deepEqual(discoverGroups(['broker-a'], [{addr: '1.2.3.4:10911', config}]), {groups: [], problems: ['broker-a: not a DLedger group (enableDLegerCommitLog is not true)']});
});
