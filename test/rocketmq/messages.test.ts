import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
	decodeBrokerConfig,
	decodeClusterInfo,
	decodeDledgerMetadata,
	decodeRuntimeInfo,
	decodeTopicRoute,
	dledgerMetadataRequest,
	MessageError,
	runtimeFigures,
	topicRouteRequest,
} from '../../source/rocketmq/messages.ts';
import {encodeRequest} from '../../source/rocketmq/codec.ts';
import {RequestCode} from '../../source/rocketmq/codes.ts';
import {fixtureBody, fixtureBytes, fixtureFrame} from './fixtures.ts';

const body = (text: string): Buffer => Buffer.from(text, 'utf8');
const RAFT01 = {cluster: 'RaftCluster', brokerName: 'RaftNode01', brokerAddrs: {0: '127.0.0.1:11911', 2: '127.0.0.1:11921', 3: '127.0.0.1:11931'}};
const PEERS = {n0: '127.0.0.1:40911', n1: '127.0.0.1:40921', n2: '127.0.0.1:40931'};

function rejects(fn: () => unknown, pattern: RegExp, what: string): void {
	assert.throws(fn, (error: unknown) => {
		assert.ok(error instanceof MessageError, `${what}: ${String(error)}`);
		assert.match(error.message, pattern, what);
		return true;
	});
}

test('cluster info, both groups led', () => {
	const info = decodeClusterInfo(fixtureBody('namesrv-cluster-info-2groups.response'));
	assert.deepEqual(info, {
		brokers: {
			RaftNode01: RAFT01,
			RaftNode00: {cluster: 'RaftCluster', brokerName: 'RaftNode00', brokerAddrs: {0: '127.0.0.1:10931', 1: '127.0.0.1:10911', 2: '127.0.0.1:10921'}},
		},
		clusters: {RaftCluster: ['RaftNode01', 'RaftNode00']},
	});
	assert.deepEqual(Object.keys(info.brokers), ['RaftNode01', 'RaftNode00'], 'server order kept');
	assert.equal(info.brokers['RaftNode00']!.brokerAddrs[0], '127.0.0.1:10931');
});

test('cluster info right after the leader was killed has no key 0', () => {
	const info = decodeClusterInfo(fixtureBody('namesrv-cluster-info-no-leader.response'));
	const addrs = info.brokers['RaftNode00']!.brokerAddrs;
	assert.deepEqual(addrs, {1: '127.0.0.1:10911', 2: '127.0.0.1:10921'});
	assert.equal(Object.hasOwn(addrs, 0), false);
	assert.deepEqual(info.brokers['RaftNode01'], RAFT01);
});

test('cluster info after failover: n0 moved from id 1 to id 0', () => {
	const info = decodeClusterInfo(fixtureBody('namesrv-cluster-info-after-failover.response'));
	assert.deepEqual(info.brokers['RaftNode00']!.brokerAddrs, {0: '127.0.0.1:10911', 2: '127.0.0.1:10921'});
});

test('cluster info keeps negative brokerIds and exotic names as own keys', () => {
	const info = decodeClusterInfo(body('{"brokerAddrTable":{"__proto__":{"brokerAddrs":{-1:"h:1"},"brokerName":"__proto__","cluster":"c"}},"clusterAddrTable":{"c":["__proto__"]}}'));
	assert.ok(Object.hasOwn(info.brokers, '__proto__'));
	assert.deepEqual(info.brokers['__proto__']!.brokerAddrs, {[-1]: 'h:1'});
	assert.equal(Object.getPrototypeOf(info.brokers), Object.prototype);
	assert.deepEqual(decodeClusterInfo(body('{"brokerAddrTable":{},"clusterAddrTable":{}}')), {brokers: {}, clusters: {}});
});

test('topic route TBW102 (our client) and TopicTest (Java client)', () => {
	assert.deepEqual(decodeTopicRoute(fixtureBody('namesrv-route-TBW102.response')), {
		brokerDatas: [
			RAFT01,
			{cluster: 'RaftCluster', brokerName: 'RaftNode00', brokerAddrs: {0: '127.0.0.1:10931', 1: '127.0.0.1:10911', 2: '127.0.0.1:10921'}},
		],
		queueDatas: [
			{brokerName: 'RaftNode01', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSynFlag: 0},
			{brokerName: 'RaftNode00', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSynFlag: 0},
		],
	});
	const route = decodeTopicRoute(fixtureBody('message-path/java-route-TopicTest.response'));
	assert.deepEqual(route.brokerDatas.map(b => b.brokerName), ['RaftNode01', 'RaftNode00']);
	assert.deepEqual(route.queueDatas, [
		{brokerName: 'RaftNode00', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSynFlag: 0},
		{brokerName: 'RaftNode01', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSynFlag: 0},
	]);
});

test('topic route request extFields reproduce the captured request', () => {
	const request = fixtureFrame('namesrv-route-TBW102.request').header;
	assert.equal(request.code, RequestCode.GET_ROUTEINFO_BY_TOPIC);
	assert.deepEqual(topicRouteRequest('TBW102'), {extFields: {topic: 'TBW102'}});
	const bytes = encodeRequest({code: RequestCode.GET_ROUTEINFO_BY_TOPIC, opaque: request.opaque, ...topicRouteRequest('TBW102')});
	assert.ok(bytes.equals(fixtureBytes('namesrv-route-TBW102.request')));
	assert.ok(encodeRequest({code: 105, opaque: 11, ...topicRouteRequest('NoSuchTopic')}).equals(fixtureBytes('namesrv-route-unknown-topic.request')));
});

test('broker config of the leader and of a follower (Java properties)', () => {
	const leader = decodeBrokerConfig(fixtureBody('broker-config-leader.response'));
	assert.equal(leader.size, 164, '164 key=value lines and a final newline');
	assert.equal(leader.get('brokerRole'), 'SYNC_MASTER');
	assert.equal(leader.get('brokerId'), '0');
	assert.equal(leader.get('dLegerSelfId'), 'n2');
	assert.equal(leader.get('dLegerGroup'), 'RaftNode00');
	assert.equal(leader.get('dLegerPeers'), 'n0-127.0.0.1:40911;n1-127.0.0.1:40921;n2-127.0.0.1:40931');
	assert.equal(leader.get('listenPort'), '10931');
	assert.equal(leader.get('haListenPort'), '10932');
	assert.equal(leader.get('namesrvAddr'), '127.0.0.1:9876;127.0.0.1:9877;127.0.0.1:9878');
	assert.equal(leader.get('brokerIP2'), '10.99.0.1');
	assert.equal(leader.get('storePathRootDir'), '/home/rocketmq/store');
	assert.equal(leader.get('enableDLegerCommitLog'), 'true');
	const follower = decodeBrokerConfig(fixtureBody('broker-config-follower.response'));
	assert.equal(follower.get('brokerRole'), 'SLAVE');
	assert.equal(follower.get('brokerId'), '1');
	assert.equal(follower.get('dLegerSelfId'), 'n0');
	assert.equal(follower.get('listenPort'), '10911');
});

test('broker config follows Properties.load: separators, escapes, later duplicates win', () => {
	const config = decodeBrokerConfig(body('a=1\nb : two\nc\\=d=3\na=4\n# c=5\nu=\\u00e9\n'));
	assert.deepEqual([...config], [
		['a', '4'],
		['b', 'two'],
		['c=d', '3'],
		['u', 'é'],
	]);
	assert.equal(decodeBrokerConfig(body('k=h\u00e9')).get('k'), 'hé', 'the body is UTF-8');
});

test('runtime info: every value verbatim, trailing spaces included', () => {
	const table = decodeRuntimeInfo(fixtureBody('broker-runtime-info.response'));
	assert.equal(Object.keys(table).length, 44);
	assert.equal(table['putTps'], '0.0  ');
	assert.equal(table['getTotalTps'], '0.0 0.0 0.0');
	assert.equal(table['runtime'], '[ 0 days, 0 hours, 0 minutes, 19 seconds ]');
	assert.equal(table['commitLogDiskRatio'], '-1.0');
	assert.equal(table['brokerVersion'], '355');
	assert.equal(table['brokerVersionDesc'], 'V4_7_1');
	assert.equal(table['remainHowManyDataToFlush'], '0 B');
	for (const key of Object.keys(table)) assert.doesNotMatch(key, /role/i, 'no field names the role');
	assert.deepEqual(runtimeFigures(table), {
		version: 355,
		versionDesc: 'V4_7_1',
		commitLogMaxOffset: 0,
		commitLogMinOffset: 0,
		commitLogDiskRatio: -1,
		consumeQueueDiskRatio: -1,
		dispatchBehindBytes: 0,
		putTps: 0,
		getTotalTps: 0,
		getFoundTps: 0,
		getMissTps: 0,
		getTransferedTps: 0,
		msgPutTotalTodayNow: 0,
		msgGetTotalTodayNow: 0,
		bootTimestamp: 1795577755895,
		runtimeSeconds: 19,
	});
	assert.equal(runtimeFigures(decodeRuntimeInfo(fixtureBody('broker-runtime-info-follower.response'))).runtimeSeconds, 20);
});

test('runtime info after traffic', () => {
	const table = decodeRuntimeInfo(fixtureBody('broker-runtime-info-after-traffic.response'));
	assert.equal(table['getTotalTps'], '0.0 0.16664722449047611 0.0');
	assert.equal(table['getMissTps'], '0.0 0.16664722449047611 ');
	assert.equal(table['putMessageAverageSize'], '223.888');
	const figures = runtimeFigures(table);
	assert.equal(figures.msgPutTotalTodayNow, 500);
	assert.equal(figures.msgGetTotalTodayNow, 500);
	assert.equal(figures.commitLogMaxOffset, 135944);
	assert.equal(figures.consumeQueueDiskRatio, 0.10069477367280445);
	assert.equal(figures.getTotalTps, 0, 'the first number of the TPS string');
	assert.equal(figures.runtimeSeconds, 147);
});

test('runtimeFigures: TPS first numbers, day-long runtimes, Java double forms', () => {
	const table = decodeRuntimeInfo(fixtureBody('broker-runtime-info.response'));
	const figures = runtimeFigures({...table, putTps: '12.5 3.0 1.0', getTotalTps: '1.0E-4  ', runtime: '[ 2 days, 3 hours, 4 minutes, 5 seconds ]', commitLogDiskRatio: 'NaN'});
	assert.equal(figures.putTps, 12.5);
	assert.equal(figures.getTotalTps, 0.0001);
	assert.equal(figures.runtimeSeconds, ((2 * 24 + 3) * 60 + 4) * 60 + 5);
	assert.ok(Number.isNaN(figures.commitLogDiskRatio));
});

test('runtimeFigures rejects missing or malformed figures', () => {
	const table = decodeRuntimeInfo(fixtureBody('broker-runtime-info.response'));
	const {putTps: _, ...noPut} = table;
	rejects(() => runtimeFigures(noPut), /no putTps/, 'missing');
	rejects(() => runtimeFigures({...table, commitLogMaxOffset: '12x'}), /commitLogMaxOffset is not an integer/, 'offset');
	rejects(() => runtimeFigures({...table, commitLogMaxOffset: '1.5'}), /commitLogMaxOffset/, 'fractional offset');
	rejects(() => runtimeFigures({...table, commitLogMaxOffset: '99999999999999999999'}), /commitLogMaxOffset/, 'unsafe integer');
	rejects(() => runtimeFigures({...table, putTps: ''}), /putTps is not a number/, 'empty tps');
	rejects(() => runtimeFigures({...table, putTps: ' 1.0'}), /putTps/, 'leading space');
	rejects(() => runtimeFigures({...table, runtime: '19 seconds'}), /runtime is not/, 'runtime');
	rejects(() => runtimeFigures({...table, commitLogDiskRatio: '0x10'}), /commitLogDiskRatio/, 'hex');
	rejects(() => runtimeFigures({}), /runtime info has no/, 'empty table');
});

test('DLedger METADATA request body is byte for byte the captured one', () => {
	const cases: Array<[string, string, string]> = [
		['dledger-metadata-ok.request', 'RaftNode00', 'n0'],
		['dledger-metadata-electing.request', 'RaftNode00', 'n0'],
		['dledger-metadata-unknown-group.request', 'WrongGroup', 'n0'],
		['dledger-metadata-unknown-member.request', 'RaftNode00', 'n1'],
	];
	for (const [name, group, remoteId] of cases) {
		const captured = fixtureFrame(name);
		const request = dledgerMetadataRequest(group, remoteId);
		assert.deepEqual(request.extFields, {});
		assert.ok(request.body.equals(captured.body), name);
		assert.equal(request.body.toString(), `{"group":"${group}","remoteId":"${remoteId}"}`);
		const bytes = encodeRequest({code: RequestCode.DLEDGER_METADATA, opaque: captured.header.opaque, ...request});
		assert.ok(bytes.equals(fixtureBytes(name)), name);
	}
});

test('DLedger METADATA responses: ok, electing, unknown group, unknown member', () => {
	assert.equal(fixtureFrame('dledger-metadata-ok.response').header.code, 200);
	assert.deepEqual(decodeDledgerMetadata(fixtureBody('dledger-metadata-ok.response')), {code: 200, group: 'RaftNode00', leaderId: 'n2', peers: PEERS, term: -1});
	const electing = decodeDledgerMetadata(fixtureBody('dledger-metadata-electing.response'));
	assert.deepEqual(electing, {code: 200, group: 'RaftNode00', peers: PEERS, term: -1});
	assert.equal(Object.hasOwn(electing, 'leaderId'), false, 'no leaderId key while electing');
	const unknownGroup = decodeDledgerMetadata(fixtureBody('dledger-metadata-unknown-group.response'));
	assert.deepEqual(unknownGroup, {code: 400, group: 'WrongGroup', leaderId: 'n2', remoteId: 'n0', term: -1});
	assert.equal(Object.hasOwn(unknownGroup, 'peers'), false);
	assert.deepEqual(decodeDledgerMetadata(fixtureBody('dledger-metadata-unknown-member.response')), {code: 401, group: 'RaftNode00', leaderId: 'n2', remoteId: 'n1', term: -1});
	assert.deepEqual(decodeDledgerMetadata(body('{"code":200,"group":"g","leaderId":null,"term":-1}')), {code: 200, group: 'g', term: -1}, 'null leaderId = no leader');
});

test('malformed bodies: MessageError naming the problem, never garbage', () => {
	const decoders = {decodeClusterInfo, decodeTopicRoute, decodeRuntimeInfo, decodeDledgerMetadata};
	for (const [name, decode] of Object.entries(decoders)) {
		rejects(() => decode(Buffer.alloc(0)), /empty body/, `${name} empty`);
		rejects(() => decode(body('not json')), /not JSON/, `${name} text`);
		rejects(() => decode(body('{"a":')), /not JSON/, `${name} truncated`);
		rejects(() => decode(body('[]')), /should be an object, got an array/, `${name} array`);
		rejects(() => decode(body('null')), /should be an object, got null/, `${name} null`);
		rejects(() => decode(body('"x"')), /should be an object, got string/, `${name} string`);
		rejects(() => decode(body('{}')), /should be/, `${name} empty object`);
		rejects(() => decode(Buffer.from([0xff, 0xfe, 0x00])), /not JSON/, `${name} binary`);
	}
	const addrs = (brokerAddrs: string) => body(`{"brokerAddrTable":{"B":{"brokerAddrs":${brokerAddrs},"brokerName":"B","cluster":"C"}},"clusterAddrTable":{"C":["B"]}}`);
	decodeClusterInfo(addrs('{0:"a"}'));
	rejects(() => decodeClusterInfo(addrs('{0:1}')), /brokerAddrTable\["B"\]\.brokerAddrs\[0\] should be a string, got number 1/, 'numeric address');
	rejects(() => decodeClusterInfo(addrs('{"x":"a"}')), /key "x" is not a brokerId/, 'non-integer key');
	rejects(() => decodeClusterInfo(addrs('{"01":"a"}')), /key "01" is not a brokerId/, 'non-canonical key');
	rejects(() => decodeClusterInfo(addrs('["a"]')), /brokerAddrs should be an object/, 'array');
	rejects(() => decodeClusterInfo(body('{"brokerAddrTable":{"B":{"brokerAddrs":{},"brokerName":7,"cluster":"C"}},"clusterAddrTable":{}}')), /brokerName should be a string/, 'name');
	rejects(() => decodeClusterInfo(body('{"brokerAddrTable":{},"clusterAddrTable":{"C":"B"}}')), /clusterAddrTable\["C"\] should be an array/, 'cluster list');
	rejects(() => decodeClusterInfo(body('{"brokerAddrTable":{},"clusterAddrTable":{"C":[1]}}')), /clusterAddrTable\["C"\]\[0\] should be a string/, 'cluster member');
	rejects(() => decodeClusterInfo(body('{"brokerAddrTable":{}}')), /clusterAddrTable should be an object, got undefined/, 'missing table');
	rejects(() => decodeTopicRoute(body('{"brokerDatas":[],"queueDatas":[{"brokerName":"B","perm":"7","readQueueNums":8,"topicSynFlag":0,"writeQueueNums":8}]}')), /queueDatas\[0\]\.perm should be an integer, got string "7"/, 'perm');
	rejects(() => decodeTopicRoute(body('{"brokerDatas":[],"queueDatas":[{"brokerName":"B","perm":7,"readQueueNums":8.5,"topicSynFlag":0,"writeQueueNums":8}]}')), /readQueueNums should be an integer/, 'fraction');
	rejects(() => decodeTopicRoute(body('{"brokerDatas":{},"queueDatas":[]}')), /brokerDatas should be an array/, 'brokerDatas');
	rejects(() => decodeTopicRoute(body('{"brokerDatas":[null],"queueDatas":[]}')), /brokerDatas\[0\] should be an object/, 'null broker');
	rejects(() => decodeRuntimeInfo(body('{"table":{"putTps":0.0}}')), /table\["putTps"\] should be a string, got number 0/, 'number value');
	rejects(() => decodeRuntimeInfo(body('{"table":[]}')), /table should be an object/, 'table array');
	rejects(() => decodeDledgerMetadata(body('{"code":"200","group":"g","term":-1}')), /code should be an integer/, 'code string');
	rejects(() => decodeDledgerMetadata(body('{"code":200,"group":"g"}')), /term should be an integer, got undefined/, 'no term');
	rejects(() => decodeDledgerMetadata(body('{"code":200,"group":"g","term":-1,"leaderId":2}')), /leaderId should be a string/, 'leaderId number');
	rejects(() => decodeDledgerMetadata(body('{"code":200,"group":"g","term":-1,"peers":{"n0":1}}')), /peers\["n0"\] should be a string/, 'peer');
	rejects(() => decodeDledgerMetadata(body('{"code":200,"group":"g","term":-1,"peers":[]}')), /peers should be an object/, 'peers array');
	rejects(() => decodeBrokerConfig(Buffer.alloc(0)), /empty body/, 'config empty');
	rejects(() => decodeBrokerConfig(Buffer.from([0x61, 0x3d, 0xff])), /not UTF-8/, 'config latin1');
	rejects(() => decodeBrokerConfig(Buffer.from('a=1\0')), /NUL/, 'config binary');
	rejects(() => decodeBrokerConfig(body('a=\\u12')), /malformed \\uxxxx/, 'config escape');
});

test('MessageError carries the parser error as its cause', () => {
	try {
		decodeClusterInfo(body('{0:'));
		assert.fail('should throw');
	} catch (error) {
		assert.ok(error instanceof MessageError);
		assert.equal(error.name, 'MessageError');
		assert.ok(error.cause instanceof SyntaxError);
	}
});

test('pathological bodies: deep nesting and huge inputs end in MessageError, not a crash', () => {
	const deep = '['.repeat(100_000) + ']'.repeat(100_000);
	rejects(() => decodeClusterInfo(body(deep)), /should be an object, got an array/, 'deep array');
	rejects(() => decodeDledgerMetadata(body('{"a":'.repeat(100_000))), /not JSON/, 'deep unterminated');
	rejects(() => decodeRuntimeInfo(body(`{"table":{"k":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`)), /should be a string, got an object/, 'deep value');
});
