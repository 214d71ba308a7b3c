/** Replies built from state, compared byte for byte with the real 4.7.1 captures. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {decodeFrame} from '../../source/rocketmq/codec.ts';
import {parseFastjson} from '../../source/rocketmq/fastjson.ts';
import {brokerConfigText, brokerRuntimeTable} from '../../source/sim/broker-config.ts';
import {toFastjson} from '../../source/sim/fastjson-writer.ts';
import {DEFAULT_TOPICS, NameServerModel} from '../../source/sim/namesrv.ts';
import {dledgerUnsupported, encodeResponse, metadataBody, topicNotExistRemark} from '../../source/sim/replies.ts';
import {fixtureBytes, fixtureFrame} from './fixture-topology.ts';

const ip = '127.0.0.1';
/** Register a group's replicas: leader gets 0, followers selfId+1. */
function register(ns: NameServerModel, group: string, base: number, leader: number): void {
	for (const k of [0, 1, 2]) {
		const id = k === leader ? 0 : k + 1;
		ns.registerBroker({clusterName: 'RaftCluster', brokerAddr: `${ip}:${base + 10 * k}`, brokerName: group, brokerId: id, haServerAddr: `${ip}:${base + 10 * k + 1}`, topics: DEFAULT_TOPICS, channel: {group, k}}, 0);
	}
}

function healthyNamesrv(): NameServerModel {
	const ns = new NameServerModel();
	register(ns, 'RaftNode01', 11911, 0);
	register(ns, 'RaftNode00', 10911, 2);
	return ns;
}

test('cluster info for the fixture state equals the captured frame byte for byte', () => {
	const ns = healthyNamesrv();
	assert.deepEqual(encodeResponse({code: 0, opaque: 1, body: ns.clusterInfoBody()}), fixtureBytes('namesrv-cluster-info-2groups.response.bin'));
	// and modulo ordering, after parsing
	assert.deepEqual(parseFastjson(ns.clusterInfoBody()), parseFastjson(fixtureFrame('namesrv-cluster-info-2groups.response.bin').body));
});

test('leader entry gone, then the new leader registered as 0 (its old id removed): the no-leader and after-failover captures', () => {
	const ns = healthyNamesrv();
	const channels = new Map<string, object>();
	const ns2 = new NameServerModel();
	for (const [group, base, leader] of [['RaftNode01', 11911, 0], ['RaftNode00', 10911, 2]] as const) {
		for (const k of [0, 1, 2]) {
			const channel = {group, k};
			channels.set(`${group}/${k}`, channel);
			ns2.registerBroker({clusterName: 'RaftCluster', brokerAddr: `${ip}:${base + 10 * k}`, brokerName: group, brokerId: k === leader ? 0 : k + 1, haServerAddr: '', topics: DEFAULT_TOPICS, channel}, 0);
		}
	}
	ns2.onChannelDestroy(channels.get('RaftNode00/2')!);
	assert.deepEqual(encodeResponse({code: 0, opaque: 1013, body: ns2.clusterInfoBody()}), fixtureBytes('namesrv-cluster-info-no-leader.response.bin'));
	ns2.registerBroker({clusterName: 'RaftCluster', brokerAddr: `${ip}:10911`, brokerName: 'RaftNode00', brokerId: 0, haServerAddr: '', topics: DEFAULT_TOPICS, channel: channels.get('RaftNode00/0')!}, 0);
	assert.deepEqual(encodeResponse({code: 0, opaque: 42, body: ns2.clusterInfoBody()}), fixtureBytes('namesrv-cluster-info-after-failover.response.bin'));
	assert.ok(ns.clusterInfoBody().length > 0);
});

test('route info for TBW102 and the unknown-topic answer equal the captures', () => {
	const ns = healthyNamesrv();
	assert.deepEqual(encodeResponse({code: 0, opaque: 10, body: ns.routeBody('TBW102')!}), fixtureBytes('namesrv-route-TBW102.response.bin'));
	assert.equal(ns.routeBody('NoSuchTopic'), undefined);
	assert.deepEqual(encodeResponse({code: 17, opaque: 11, remark: topicNotExistRemark('NoSuchTopic')}), fixtureBytes('namesrv-route-unknown-topic.response.bin'));
});

const peers = new Map([['n0', '127.0.0.1:40911'], ['n1', '127.0.0.1:40921'], ['n2', '127.0.0.1:40931']]);

test('DLedger METADATA: ok, electing (leaderId absent), unknown group, unknown member; unknown code → 3', () => {
	const view = {group: 'RaftNode00', selfId: 'n0', leaderId: 'n2' as string | undefined, peers};
	const frame = (opaque: number, request: object, electing = false): Buffer =>
		encodeResponse({code: 200, opaque, body: metadataBody(electing ? {...view, leaderId: undefined} : view, request).body});
	assert.deepEqual(frame(6, {group: 'RaftNode00', remoteId: 'n0'}), fixtureBytes('dledger-metadata-ok.response.bin'));
	assert.deepEqual(frame(1755, {group: 'RaftNode00', remoteId: 'n0'}, true), fixtureBytes('dledger-metadata-electing.response.bin'));
	assert.deepEqual(frame(7, {group: 'WrongGroup', remoteId: 'n0'}), fixtureBytes('dledger-metadata-unknown-group.response.bin'));
	assert.deepEqual(frame(8, {group: 'RaftNode00', remoteId: 'n1'}), fixtureBytes('dledger-metadata-unknown-member.response.bin'));
	assert.deepEqual(dledgerUnsupported(99999, 9), fixtureBytes('dledger-unknown-code.response.bin'));
});

const configState = (selfId: string, listenPort: number, leader: boolean) => ({
	clusterName: 'RaftCluster',
	brokerName: 'RaftNode00',
	selfId,
	peers: 'n0-127.0.0.1:40911;n1-127.0.0.1:40921;n2-127.0.0.1:40931',
	ip,
	listenPort,
	namesrvAddr: '127.0.0.1:9876;127.0.0.1:9877;127.0.0.1:9878',
	brokerId: leader ? 0 : 1,
	brokerRole: leader ? 'SYNC_MASTER' : 'SLAVE',
	storePathRootDir: '/home/rocketmq/store',
	// what differs on the recording host: its install dir and auto-detected brokerIP2
	extra: {rocketmqHome: '/home/rocketmq/rocketmq-all-4.7.1-bin-release', brokerIP2: '10.99.0.1', sendMessageThreadPoolNums: '4'},
});

test('GET_BROKER_CONFIG for the leader and a follower equals the captures', () => {
	const reply = (opaque: number, timestamp: number, state: ReturnType<typeof configState>): Buffer =>
		encodeResponse({code: 0, opaque, extFields: {version: toFastjson({counter: 0, timestamp})}, body: Buffer.from(brokerConfigText(state))});
	assert.deepEqual(reply(2, 1795577754570, configState('n2', 10931, true)), fixtureBytes('broker-config-leader.response.bin'));
	assert.deepEqual(reply(3, 1795577754416, configState('n0', 10911, false)), fixtureBytes('broker-config-follower.response.bin'));
});

test('GET_BROKER_RUNTIME_INFO equals the captures (values from the live boot time)', () => {
	const reply = (opaque: number, boot: number, upMs: number): Buffer =>
		encodeResponse({code: 0, opaque, body: Buffer.from(toFastjson({table: brokerRuntimeTable({bootTimestamp: boot, now: boot + upMs})}))});
	assert.deepEqual(reply(4, 1795577755895, 19_400), fixtureBytes('broker-runtime-info.response.bin'));
	assert.deepEqual(reply(5, 1795577755674, 20_100), fixtureBytes('broker-runtime-info-follower.response.bin'));
	const table = (parseFastjson(decodeFrame(reply(4, 0, 3_725_000)).body) as {table: Record<string, string>}).table;
	assert.equal(table.runtime, '[ 0 days, 1 hours, 2 minutes, 5 seconds ]');
});
