/**
 * The RocketMQ remoting client dialing through a host's SSH connection (sshSocketFactory → forwardOut channels of
 * a REAL sshd) to the simulated cluster listening on local TCP: name server, broker and DLedger requests answered,
 * connections reused, a closed port and a dropped SSH connection give readable errors, aborts are honoured.
 */
import assert from 'node:assert/strict';
import {createServer} from 'node:net';
import {after, before, test, type TestContext} from 'node:test';
import {sshSocketFactory} from '../../source/remote/tunnel.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {RealClock} from '../../source/sim/clock.ts';
import {seededRandom} from '../../source/util/random.ts';
import {fixtureTopology} from '../sim/fixture-topology.ts';
import {need} from '../support/need.ts';
import {sshdMissing, startSshd, type Sshd} from '../support/sshd.ts';
import {waitFor} from '../support/wait.ts';
import {testSession} from './helpers.ts';

let sshd: Sshd | undefined;
const skipReason = sshdMissing({sudo: false}).join('; ');
before(async () => {
	if (skipReason === '') sshd = await startSshd();
});
after(async () => {
	await sshd?.stop();
});

function server(t: TestContext): Sshd | undefined {
	return need(t, skipReason, skipReason === '') ? sshd! : undefined;
}

async function listeningSim(): Promise<SimCluster> {
	const random = seededRandom(Date.now() & 0xffff);
	for (let attempt = 0; ; attempt++) {
		// below 32768: Linux hands out ports from 32768 up to outgoing connections, which would steal a listen port
		const b = 22000 + Math.floor(random() * 5) * 1000 + 300;
		const sim = new SimCluster(fixtureTopology({namesrv: b + 800, listen: b + 11, dledger: b + 400}), {clock: new RealClock({scale: 20}), random});
		sim.startAll();
		try {
			await sim.listen();
			return sim;
		} catch (error) {
			await sim.close();
			if (attempt >= 5) throw error;
		}
	}
}

test('the remoting client reaches name server, broker and DLedger ports through forwardOut channels', async t => {
	const s = server(t);
	if (!s) return;
	const sim = await listeningSim();
	t.after(() => sim.close());
	const {session} = testSession(t, s);
	let opened = 0;
	const factory = sshSocketFactory({label: session.label, forwardOut: (host, port) => (opened++, session.forwardOut(host, port))}, {connectTimeoutMs: 3000});
	const client = new RemotingClient({socketFactory: factory, timeoutMs: 2000});
	t.after(() => client.close());

	const ns = `127.0.0.1:${sim.namesrvs[0]!.port}`;
	const info = await waitFor('both groups to have a leader', 15_000, async () => {
		const i = await client.clusterInfo(ns).catch(() => undefined);
		return i && ['RaftNode00', 'RaftNode01'].every(g => i.brokers[g]?.brokerAddrs[0] !== undefined) ? i : undefined;
	});
	assert.deepEqual(Object.keys(info.brokers).sort(), ['RaftNode00', 'RaftNode01']);
	const broker = sim.brokers[0]!;
	const config = await client.brokerConfig(`127.0.0.1:${broker.listenPort}`);
	assert.equal(config.get('dLegerSelfId'), broker.selfId);
	const meta = await client.dledgerMetadata(`127.0.0.1:${broker.dledgerPort}`, broker.group.name, broker.selfId);
	assert.equal(meta.code, 200);
	const before = opened;
	await Promise.all(Array.from({length: 20}, () => client.clusterInfo(ns)));
	assert.equal(opened, before, 'connections are reused: no channel per request');
});

test('a closed port behind the SSH host, an abort, and a dropped SSH connection: readable errors', async t => {
	const s = server(t);
	if (!s) return;
	const {session} = testSession(t, s, {retries: 3, backoff: {initialMs: 50, jitter: 0}});
	const factory = sshSocketFactory(session, {connectTimeoutMs: 2000});
	const closedPort = await new Promise<number>(resolve => {
		const srv = createServer().listen(0, '127.0.0.1', () => {
			const port = (srv.address() as {port: number}).port;
			srv.close(() => resolve(port));
		});
	});
	await assert.rejects(
		factory({host: '127.0.0.1', port: closedPort}, new AbortController().signal),
		new RegExp(`connect to 127\\.0\\.0\\.1:${closedPort} through root@127\\.0\\.0\\.1:${s.port} failed: .*a connection to 127\\.0\\.0\\.1:${closedPort} failed on the server side \\(Connection refused\\)`),
	);
	const aborted = new AbortController();
	aborted.abort();
	await assert.rejects(factory({host: '127.0.0.1', port: 1}, aborted.signal), /aborted/);

	// a live channel dies with the connection, and the next dial reconnects
	const echo = createServer(c => c.pipe(c));
	await new Promise<void>(r => echo.listen(0, '127.0.0.1', r));
	t.after(() => echo.close());
	const port = (echo.address() as {port: number}).port;
	const channel = await factory({host: '127.0.0.1', port}, new AbortController().signal);
	const echoed = new Promise<string>(resolve => channel.once('data', (b: Buffer) => resolve(b.toString())));
	channel.write('ping');
	assert.equal(await echoed, 'ping');
	const closed = new Promise<void>(resolve => channel.once('close', () => resolve()));
	s.dropConnections();
	await closed;
	const again = await waitFor('a channel after the reconnect', 10_000, () => factory({host: '127.0.0.1', port}, new AbortController().signal).catch(() => undefined));
	const echoedAgain = new Promise<string>(resolve => again.once('data', (b: Buffer) => resolve(b.toString())));
	again.write('pong');
	assert.equal(await echoedAgain, 'pong');
	again.destroy();
});
