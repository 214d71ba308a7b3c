import {test} from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {duplexPair, type Duplex} from 'node:stream';
import {decodeFrame, ProtocolError} from '../../source/rocketmq/codec.ts';
import {READ_ONLY_CODES, RequestCode} from '../../source/rocketmq/codes.ts';
import {ForbiddenCodeError, RemotingClient, RemotingError} from '../../source/rocketmq/client.ts';
import {directTcp, parseEndpoint, type SocketFactory} from '../../source/rocketmq/transport.ts';
import {loadFixture, ReplayServer, rewriteOpaque, type Reply} from './replay-server.ts';

/** directTcp, also recording the size of every chunk the client reads (to prove the server really split). */
function recordingFactory(): {factory: SocketFactory; chunks: number[]; dials: number} {
	const tcp = directTcp({connectTimeoutMs: 1000});
	const record = {
		chunks: [] as number[],
		dials: 0,
		factory: (async (endpoint, signal) => {
			record.dials++;
			const socket = await tcp(endpoint, signal);
			socket.on('data', (chunk: Buffer) => record.chunks.push(chunk.length));
			return socket;
		}) as SocketFactory,
	};
	return record;
}

async function setup(options: ConstructorParameters<typeof RemotingClient>[0] extends infer O ? Partial<O> : never = {}) {
	const server = await ReplayServer.start();
	const rec = recordingFactory();
	const client = new RemotingClient({socketFactory: rec.factory, timeoutMs: 2000, ...options});
	return {
		server,
		client,
		rec,
		async [Symbol.asyncDispose]() {
			await client.close();
			await server.close();
		},
	};
}

/** The request exactly as captured from our own client against real 4.7.1, with its opaque replaced. */
const capturedRequest = (name: string, opaque: number) => rewriteOpaque(loadFixture(`${name}.request`), opaque);

test('clusterInfo decodes the captured 2-group answer; the request is byte-identical to the captured one', async () => {
	await using t = await setup();
	const info = await t.client.clusterInfo(t.server.endpoint);
	assert.deepEqual(info.clusters, {RaftCluster: ['RaftNode01', 'RaftNode00']});
	assert.deepEqual(info.brokers['RaftNode00'], {
		cluster: 'RaftCluster',
		brokerName: 'RaftNode00',
		brokerAddrs: {0: '127.0.0.1:10931', 1: '127.0.0.1:10911', 2: '127.0.0.1:10921'},
	});
	assert.deepEqual(info.brokers['RaftNode01']?.brokerAddrs, {0: '127.0.0.1:11911', 2: '127.0.0.1:11921', 3: '127.0.0.1:11931'});
	const [sent] = t.server.received;
	assert.deepEqual(sent!.bytes, capturedRequest('namesrv-cluster-info-2groups', sent!.opaque));
});

test('topicRoute: TBW102 decodes; an unknown topic is RemotingError 17 with the server remark', async () => {
	await using t = await setup();
	const route = await t.client.topicRoute(t.server.endpoint, 'TBW102');
	assert.deepEqual(
		route.queueDatas.map(q => [q.brokerName, q.perm, q.readQueueNums, q.writeQueueNums]),
		[
			['RaftNode01', 7, 8, 8],
			['RaftNode00', 7, 8, 8],
		],
	);
	assert.deepEqual(route.brokerDatas[1]?.brokerAddrs, {0: '127.0.0.1:10931', 1: '127.0.0.1:10911', 2: '127.0.0.1:10921'});
	assert.deepEqual(t.server.received[0]!.bytes, capturedRequest('namesrv-route-TBW102', t.server.received[0]!.opaque));

	const error = await t.client.topicRoute(t.server.endpoint, 'NoSuchTopic').then(
		() => assert.fail('expected a RemotingError'),
		(e: unknown) => e,
	);
	assert.ok(error instanceof RemotingError);
	assert.equal(error.code, 17);
	assert.equal(error.requestCode, RequestCode.GET_ROUTEINFO_BY_TOPIC);
	assert.equal(error.remark, 'No topic route info in name server for the topic: NoSuchTopic\nSee http://rocketmq.apache.org/docs/faq/ for further details.');
	assert.equal(
		error.message,
		`name server ${t.server.endpoint} answered GET_ROUTEINFO_BY_TOPIC (105) with code 17 (TOPIC_NOT_EXIST): No topic route info in name server for the topic: NoSuchTopic`,
	);
	assert.deepEqual(t.server.received[1]!.bytes, capturedRequest('namesrv-route-unknown-topic', t.server.received[1]!.opaque));
	assert.equal(t.server.accepted, 1, 'one connection, reused');
});

test('brokerConfig and brokerRuntimeInfo decode the captured broker answers', async () => {
	await using t = await setup();
	const config = await t.client.brokerConfig(t.server.endpoint);
	assert.equal(config.get('brokerRole'), 'SYNC_MASTER');
	assert.equal(config.get('brokerId'), '0');
	assert.equal(config.get('dLegerSelfId'), 'n2');
	assert.equal(config.get('dLegerGroup'), 'RaftNode00');
	assert.equal(config.get('dLegerPeers'), 'n0-127.0.0.1:40911;n1-127.0.0.1:40921;n2-127.0.0.1:40931');
	assert.equal(config.get('listenPort'), '10931');

	const runtime = await t.client.brokerRuntimeInfo({host: '127.0.0.1', port: t.server.port});
	assert.equal(runtime['brokerVersionDesc'], 'V4_7_1');
	assert.equal(runtime['putTps'], '0.0  ');
	assert.equal(runtime['runtime'], '[ 0 days, 0 hours, 0 minutes, 19 seconds ]');
	assert.equal(Object.keys(runtime).length, 44);

	const [configRequest, runtimeRequest] = t.server.received;
	assert.deepEqual(configRequest!.bytes, capturedRequest('broker-config-leader', configRequest!.opaque));
	assert.deepEqual(runtimeRequest!.bytes, capturedRequest('broker-runtime-info', runtimeRequest!.opaque));
	assert.equal(t.server.accepted, 1, 'a string and an object naming the same endpoint share one connection');
});

test('dledgerMetadata: ok, unknown group (400) and unknown member (401) are returned, not thrown', async () => {
	await using t = await setup();
	const ok = await t.client.dledgerMetadata(t.server.endpoint, 'RaftNode00', 'n0');
	assert.deepEqual(ok, {code: 200, group: 'RaftNode00', leaderId: 'n2', peers: {n0: '127.0.0.1:40911', n1: '127.0.0.1:40921', n2: '127.0.0.1:40931'}, term: -1});
	assert.deepEqual(t.server.received[0]!.bytes, capturedRequest('dledger-metadata-ok', t.server.received[0]!.opaque));

	const group = await t.client.dledgerMetadata(t.server.endpoint, 'WrongGroup', 'n0');
	assert.deepEqual(group, {code: 400, group: 'WrongGroup', leaderId: 'n2', remoteId: 'n0', term: -1});
	assert.deepEqual(t.server.received[1]!.bytes, capturedRequest('dledger-metadata-unknown-group', t.server.received[1]!.opaque));

	const member = await t.client.dledgerMetadata(t.server.endpoint, 'RaftNode00', 'n1');
	assert.deepEqual(member, {code: 401, group: 'RaftNode00', leaderId: 'n2', remoteId: 'n1', term: -1});
	assert.deepEqual(t.server.received[2]!.bytes, capturedRequest('dledger-metadata-unknown-member', t.server.received[2]!.opaque));

	t.server.set({respond: () => ({kind: 'fixture', name: 'dledger-metadata-electing.response'})});
	const electing = await t.client.dledgerMetadata(t.server.endpoint, 'RaftNode00', 'n0');
	assert.equal(electing.code, 200);
	assert.equal('leaderId' in electing, false, 'no leader while electing');
});

test('a header code other than 200 from the DLedger port is a RemotingError (code 3, remark kept)', async () => {
	await using t = await setup();
	t.server.set({respond: () => ({kind: 'fixture', name: 'dledger-unknown-code.response'})});
	await assert.rejects(t.client.dledgerMetadata(t.server.endpoint, 'RaftNode00', 'n0'), (e: unknown) => {
		assert.ok(e instanceof RemotingError);
		assert.equal(e.code, 3);
		assert.equal(e.remark, ' request type 99999 not supported');
		assert.equal(e.message, `DLedger port ${t.server.endpoint} answered DLEDGER_METADATA (50000) with code 3 (REQUEST_CODE_NOT_SUPPORTED): request type 99999 not supported`);
		return true;
	});
});

test('rewriteOpaque keeps every other byte; a longer opaque fixes only the two length fields', () => {
	const captured = loadFixture('namesrv-cluster-info-2groups.response'); // opaque 1
	const same = rewriteOpaque(captured, 7);
	assert.equal(same.length, captured.length);
	assert.deepEqual(same.subarray(0, 8), captured.subarray(0, 8));
	assert.equal(
		[...same].filter((b, i) => b !== captured[i]).length,
		1,
		'exactly one byte differs',
	);
	const longer = rewriteOpaque(captured, 123456);
	assert.equal(longer.length, captured.length + 5);
	const frame = decodeFrame(longer);
	assert.equal(frame.header.opaque, 123456);
	assert.deepEqual(frame.body, decodeFrame(captured).body);
	assert.equal(longer.subarray(8, 8 + (longer.readInt32BE(4) & 0xffffff)).toString(), '{"code":0,"flag":1,"language":"JAVA","opaque":123456,"serializeTypeCurrentRPC":"JSON","version":355}');
});

test('a response split at every byte boundary decodes', async () => {
	await using t = await setup();
	const length = loadFixture('namesrv-cluster-info-2groups.response').length;
	let split = 0;
	for (let at = 1; at < length; at++) {
		t.server.set({chunking: {splitAt: at}});
		const before = t.rec.chunks.length;
		const info = await t.client.clusterInfo(t.server.endpoint);
		assert.deepEqual(info.clusters, {RaftCluster: ['RaftNode01', 'RaftNode00']}, `split at ${at}`);
		if (t.rec.chunks.length - before >= 2) split++;
	}
	assert.ok(split > (length - 1) / 2, `the client read the two halves separately only ${split} of ${length - 1} times`);
	assert.equal(t.server.accepted, 1);
});

test('every typed call survives byte-by-byte and random-chunk delivery', async () => {
	await using t = await setup();
	for (const chunking of ['bytes', 'random'] as const) {
		t.server.set({chunking, seed: 42});
		const before = t.rec.chunks.length;
		assert.equal((await t.client.clusterInfo(t.server.endpoint)).brokers['RaftNode00']?.brokerAddrs[0], '127.0.0.1:10931');
		assert.equal((await t.client.topicRoute(t.server.endpoint, 'TBW102')).queueDatas.length, 2);
		assert.equal((await t.client.brokerConfig(t.server.endpoint)).get('brokerRole'), 'SYNC_MASTER');
		assert.equal((await t.client.brokerRuntimeInfo(t.server.endpoint))['brokerVersion'], '355');
		assert.equal((await t.client.dledgerMetadata(t.server.endpoint, 'RaftNode00', 'n0')).leaderId, 'n2');
		assert.ok(t.rec.chunks.length - before > 50, `${chunking}: only ${t.rec.chunks.length - before} reads`);
	}
});

test('responses coalesced into one write (and cut across frame boundaries) are all delivered', async () => {
	await using t = await setup();
	for (const chunking of ['whole', 'random'] as const) {
		t.server.set({batch: 5, chunking, seed: 7});
		const [info, route, config, runtime, meta] = await Promise.all([
			t.client.clusterInfo(t.server.endpoint),
			t.client.topicRoute(t.server.endpoint, 'TBW102'),
			t.client.brokerConfig(t.server.endpoint),
			t.client.brokerRuntimeInfo(t.server.endpoint),
			t.client.dledgerMetadata(t.server.endpoint, 'WrongGroup', 'n0'),
		]);
		assert.deepEqual(info.clusters['RaftCluster'], ['RaftNode01', 'RaftNode00']);
		assert.equal(route.brokerDatas.length, 2);
		assert.equal(config.get('dLegerSelfId'), 'n2');
		assert.equal(runtime['putTps'], '0.0  ');
		assert.equal(meta.code, 400);
	}
	assert.equal(t.server.accepted, 1);
});

test('50 concurrent requests share one connection and are matched by opaque, answered out of order', async () => {
	await using t = await setup();
	// Distinguishable answers: topic t<i> gets one of three different captured routes.
	const routes = ['namesrv-route-TBW102.response', 'message-path/java-route-TopicTest.response', 'namesrv-cluster-info-2groups.response'];
	t.server.set({
		batch: 50,
		shuffle: true,
		chunking: 'random',
		seed: 3,
		respond: (r): Reply => ({kind: 'fixture', name: routes[Number(r.extFields['topic']!.slice(1)) % 3]!}),
	});
	const frames = await Promise.all(Array.from({length: 50}, (_, i) => t.client.request(t.server.endpoint, RequestCode.GET_ROUTEINFO_BY_TOPIC, {extFields: {topic: `t${i}`}})));
	assert.equal(t.server.accepted, 1);
	assert.equal(t.server.received.length, 50);
	assert.equal(new Set(t.server.received.map(r => r.opaque)).size, 50, 'opaques are unique');
	for (const [i, frame] of frames.entries()) {
		const request = t.server.received.find(r => r.extFields['topic'] === `t${i}`)!;
		assert.equal(frame.header.opaque, request.opaque);
		assert.deepEqual(frame.body, decodeFrame(loadFixture(routes[i % 3]!)).body, `request ${i}`);
	}
});

test('requests pushed by the server (flag 2) and answers to unknown opaques are ignored', async () => {
	await using t = await setup();
	t.server.set({
		respond: r => ({
			kind: 'raw',
			bytes: Buffer.concat([
				loadFixture('message-path/notify-consumer-ids-changed.server-request'),
				rewriteOpaque(loadFixture('broker-runtime-info-follower.response'), r.opaque + 1000),
				rewriteOpaque(loadFixture('broker-runtime-info-after-traffic.response'), r.opaque),
			]),
		}),
	});
	const runtime = await t.client.brokerRuntimeInfo(t.server.endpoint);
	assert.equal(runtime['msgPutTotalTodayNow'], '500');
});

test('a silent code times out alone; the connection stays up; a late answer is ignored', async () => {
	await using t = await setup({timeoutMs: 100});
	t.server.set({silentCodes: new Set([RequestCode.GET_BROKER_RUNTIME_INFO])});
	const started = Date.now();
	await assert.rejects(t.client.brokerRuntimeInfo(t.server.endpoint), {
		message: `no answer to GET_BROKER_RUNTIME_INFO (28) from broker ${t.server.endpoint} within 100 ms`,
	});
	assert.ok(Date.now() - started >= 95);
	assert.equal((await t.client.brokerConfig(t.server.endpoint)).get('brokerRole'), 'SYNC_MASTER');

	// A per-request timeout, and an answer that arrives after it.
	t.server.set({silentCodes: new Set(), delayMs: 150});
	await assert.rejects(t.client.request(t.server.endpoint, RequestCode.GET_BROKER_CLUSTER_INFO, {timeoutMs: 30}), /no answer to GET_BROKER_CLUSTER_INFO \(106\) from name server .* within 30 ms/);
	await new Promise(resolve => setTimeout(resolve, 200));
	t.server.set({delayMs: 0});
	assert.equal((await t.client.brokerConfig(t.server.endpoint)).get('brokerId'), '0');
	assert.equal(t.server.accepted, 1, 'no reconnect after timeouts');
});

test('the server closing mid-frame rejects every pending request; the next request reconnects', async () => {
	await using t = await setup();
	t.server.set({
		silentCodes: new Set([RequestCode.GET_BROKER_RUNTIME_INFO]),
		respond: r => (r.code === RequestCode.GET_BROKER_CLUSTER_INFO ? {kind: 'close-mid-frame', name: 'namesrv-cluster-info-2groups.response', at: 100} : undefined),
	});
	const waiting = t.client.brokerRuntimeInfo(t.server.endpoint);
	const cut = t.client.clusterInfo(t.server.endpoint);
	const expected = (role: string) => ({message: `${role} ${t.server.endpoint} closed the connection mid-frame (100 bytes of an unfinished frame)`});
	await Promise.all([assert.rejects(cut, expected('name server')), assert.rejects(waiting, expected('broker'))]);

	t.server.set({silentCodes: new Set(), respond: undefined});
	assert.equal((await t.client.clusterInfo(t.server.endpoint)).clusters['RaftCluster']?.length, 2);
	assert.equal(t.server.accepted, 2);
	assert.equal(t.rec.dials, 2);
});

test('the server dropping the connection between frames rejects pending requests; reconnect on demand', async () => {
	await using t = await setup();
	await t.client.clusterInfo(t.server.endpoint);
	t.server.set({silentCodes: new Set([RequestCode.GET_BROKER_CLUSTER_INFO])});
	const pending = t.client.clusterInfo(t.server.endpoint);
	while (t.server.received.length < 2) await new Promise(resolve => setTimeout(resolve, 2));
	t.server.dropConnections();
	await assert.rejects(pending, {message: `name server ${t.server.endpoint} closed the connection`});
	t.server.set({silentCodes: new Set()});
	await t.client.clusterInfo(t.server.endpoint);
	assert.equal(t.server.accepted, 2);
});

test('an oversized frame from the server is a ProtocolError; the next request reconnects', async () => {
	await using t = await setup();
	const oversized = Buffer.alloc(16);
	oversized.writeInt32BE(0x7fffffff, 0);
	oversized.writeInt32BE(8, 4);
	t.server.set({respond: () => ({kind: 'raw', bytes: oversized})});
	await assert.rejects(t.client.brokerConfig(t.server.endpoint), (e: unknown) => {
		assert.ok(e instanceof ProtocolError);
		assert.equal(e.message, `broker ${t.server.endpoint} sent a malformed frame: declared frame length 2147483647 is outside 4..16777216`);
		return true;
	});
	t.server.set({respond: undefined});
	assert.equal((await t.client.brokerConfig(t.server.endpoint)).get('brokerRole'), 'SYNC_MASTER');
	assert.equal(t.server.accepted, 2);
	while (t.server.openConnections > 1) await new Promise(resolve => setTimeout(resolve, 2));
	assert.equal(t.server.openConnections, 1, 'the broken connection was closed');
});

test('connection refused and connect timeouts give clear messages', async () => {
	const probe = net.createServer();
	await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', () => resolve()));
	const port = (probe.address() as net.AddressInfo).port;
	await new Promise<void>(resolve => probe.close(() => resolve()));

	const client = new RemotingClient({socketFactory: directTcp()});
	await assert.rejects(client.clusterInfo(`127.0.0.1:${port}`), {message: `127.0.0.1:${port} refused the connection`});
	await client.close();

	// A factory that never connects (an SSH channel that hangs): the client's own connect timeout cuts it off.
	let aborted = false;
	const hanging: SocketFactory = (_endpoint, signal) =>
		new Promise((_, reject) =>
			signal.addEventListener('abort', () => {
				aborted = true;
				reject(new Error('aborted'));
			}),
		);
	const slow = new RemotingClient({socketFactory: hanging, connectTimeoutMs: 50});
	await assert.rejects(slow.clusterInfo('10.0.0.1:9876'), {message: 'connect to 10.0.0.1:9876 timed out after 50 ms'});
	assert.equal(aborted, true, 'the factory was told to give up');
	await slow.close();
});

test('forbidden and unknown codes never produce a byte on the wire', async () => {
	await using t = await setup();
	for (const code of [51001, 51002, 51003, 51005, 99999]) {
		const attempt = t.client.request(t.server.endpoint, code, {body: Buffer.from('{"group":"RaftNode00"}')});
		await assert.rejects(attempt, (e: unknown) => {
			assert.ok(e instanceof ForbiddenCodeError);
			assert.equal(e.message, `refusing to send code ${code}: rmq-tui only sends read-only queries`);
			return true;
		});
	}
	assert.equal(t.server.accepted, 0, 'not even a connection');
	assert.equal(t.server.bytesReceived, 0);

	// Also on an open connection, and even if someone adds VOTE to the allow-list by mistake.
	await t.client.clusterInfo(t.server.endpoint);
	const bytes = t.server.bytesReceived;
	const allowList = READ_ONLY_CODES as Set<number>;
	allowList.add(51001);
	try {
		await assert.rejects(t.client.request(t.server.endpoint, 51001), ForbiddenCodeError);
	} finally {
		allowList.delete(51001);
	}
	await new Promise(resolve => setTimeout(resolve, 20));
	assert.equal(t.server.bytesReceived, bytes);
	assert.deepEqual(
		t.server.received.map(r => r.code),
		[106],
	);
});

test('close() rejects pending requests, frees every socket, and later requests reject', async () => {
	const server = await ReplayServer.start({silentCodes: new Set([RequestCode.GET_BROKER_CLUSTER_INFO])});
	const second = await ReplayServer.start();
	const client = new RemotingClient({socketFactory: directTcp(), timeoutMs: 60_000});
	await client.brokerConfig(second.endpoint);
	const pending = [client.clusterInfo(server.endpoint), client.clusterInfo(server.endpoint)];
	while (server.received.length < 2) await new Promise(resolve => setTimeout(resolve, 2));
	const checks = Promise.all(pending.map(p => assert.rejects(p, {message: `the remoting client was closed before name server ${server.endpoint} answered`})));
	await client.close();
	await checks;
	await server.waitForNoConnections();
	await second.waitForNoConnections();
	await assert.rejects(client.clusterInfo(server.endpoint), {message: 'the remoting client is closed; GET_BROKER_CLUSTER_INFO (106) not sent'});
	await server.close();
	await second.close();
	// A closed server's handle leaves the list a loop turn or two after its close callback.
	const live = () => process.getActiveResourcesInfo().filter(r => r.startsWith('TCP') || r === 'Timeout');
	for (let turn = 0; turn < 20 && live().length > 0; turn++) await new Promise(resolve => setImmediate(resolve));
	const handles = live();
	assert.deepEqual(handles, [], 'no sockets or timers left (a 60 s request timer would keep the process alive)');
});

test('close() while still connecting aborts the dial', async () => {
	let signalAborted = false;
	const factory: SocketFactory = (_endpoint, signal) =>
		new Promise((_, reject) =>
			signal.addEventListener('abort', () => {
				signalAborted = true;
				reject(new Error('aborted'));
			}),
		);
	const client = new RemotingClient({socketFactory: factory});
	const pending = client.clusterInfo('[::1]:9876');
	const early = client.brokerConfig('[::1]:10911'); // closed before its factory is even called
	await new Promise(resolve => setImmediate(resolve));
	const late = client.brokerConfig('[::1]:10912');
	const checks = Promise.all([
		assert.rejects(early, {message: 'the remoting client was closed before broker [::1]:10911 answered'}),
		assert.rejects(late, {message: 'the remoting client was closed before broker [::1]:10912 answered'}),
		assert.rejects(pending, {message: 'the remoting client was closed before name server [::1]:9876 answered'}),
	]);
	await client.close();
	await checks;
	assert.equal(signalAborted, true);
});

test('any Duplex works as the socket (as an ssh2 forwardOut channel would be)', async () => {
	const server = await ReplayServer.start();
	const sockets: net.Socket[] = [];
	const tunnel: SocketFactory = async endpoint => {
		const [ours, theirs] = duplexPair();
		const socket = net.connect(endpoint.port, endpoint.host);
		sockets.push(socket);
		theirs.pipe(socket).pipe(theirs);
		socket.on('close', () => theirs.destroy());
		theirs.on('close', () => socket.destroy());
		return ours as Duplex;
	};
	const client = new RemotingClient({socketFactory: tunnel});
	assert.equal((await client.dledgerMetadata(server.endpoint, 'RaftNode00', 'n0')).leaderId, 'n2');
	await client.close();
	await server.waitForNoConnections();
	await server.close();
	assert.ok(sockets.every(s => s.destroyed));
});

test('endpoints: host:port, [v6]:port and objects; bad ones reject without dialing', async () => {
	assert.deepEqual(parseEndpoint('10.0.0.1:9876'), {host: '10.0.0.1', port: 9876});
	assert.deepEqual(parseEndpoint('[::1]:9876'), {host: '::1', port: 9876});
	assert.deepEqual(parseEndpoint('ns1.example:10911'), {host: 'ns1.example', port: 10911});
	assert.deepEqual(parseEndpoint({host: '[fe80::1]', port: 20911}), {host: 'fe80::1', port: 20911});
	assert.throws(() => parseEndpoint('::1:9876'), /not host:port/);
	assert.throws(() => parseEndpoint('10.0.0.1'), /not host:port/);
	assert.throws(() => parseEndpoint('10.0.0.1:70000'), /no valid port/);
	let dials = 0;
	const client = new RemotingClient({
		socketFactory: async () => {
			dials++;
			throw new Error('unreachable');
		},
	});
	await assert.rejects(client.clusterInfo('nope'), /not host:port/);
	assert.equal(dials, 0);
	await client.close();
});
