/**
 * The remoting client against the simulated cluster over real sockets (the replay-server tests use captured
 * bytes; these use live state): concurrency, a frozen node (timeout, connection kept), a killed node (pending
 * requests rejected), a restarted node (reconnect on demand).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {RealClock} from '../../source/sim/clock.ts';
import {seededRandom} from '../../source/util/random.ts';
import {waitFor} from '../support/wait.ts';
import {fixtureTopology} from '../sim/fixture-topology.ts';

async function listening(): Promise<SimCluster> {
	const random = seededRandom(Date.now() & 0xffff);
	for (let attempt = 0; ; attempt++) {
		// below 32768: Linux hands out ports from 32768 up to outgoing connections, which would steal a listen port
		const b = 27000 + Math.floor(random() * 5) * 1000 + 100;
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

test('client ↔ simulated cluster: concurrency, freeze, kill, restart', async () => {
	const sim = await listening();
	const client = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 1000}), timeoutMs: 400});
	try {
		const ns = `127.0.0.1:${sim.namesrvs[0]!.port}`;
		await waitFor('a leader for every group at the first name server', 10_000, async () => {
			const info = await client.clusterInfo(ns).catch(() => undefined);
			return info && ['RaftNode00', 'RaftNode01'].every(g => info.brokers[g]?.brokerAddrs[0] !== undefined) ? info : undefined;
		});

		// 60 concurrent requests of three kinds on shared connections, each matched to its own answer
		const broker = sim.brokers[0]!;
		const brokerAddr = `127.0.0.1:${broker.listenPort}`;
		const dledgerAddr = `127.0.0.1:${broker.dledgerPort}`;
		const answers = await Promise.all(Array.from({length: 60}, (_, i) =>
			i % 3 === 0 ? client.clusterInfo(ns).then(x => Object.keys(x.brokers).sort().join(','))
				: i % 3 === 1 ? client.brokerConfig(brokerAddr).then(c => c.get('dLegerSelfId'))
					: client.dledgerMetadata(dledgerAddr, broker.group.name, broker.selfId).then(m => `${m.code} ${m.group}`)));
		for (const [i, a] of answers.entries()) assert.equal(a, i % 3 === 0 ? 'RaftNode00,RaftNode01' : i % 3 === 1 ? broker.selfId : `200 ${broker.group.name}`);

		// a frozen broker: ports open, no answer → that request times out, the connection stays usable after resume
		sim.pause(broker.id);
		await assert.rejects(client.brokerRuntimeInfo(brokerAddr), /no answer to GET_BROKER_RUNTIME_INFO \(28\) from broker 127\.0\.0\.1:\d+ within 400 ms/);
		sim.resume(broker.id);
		assert.equal((await client.brokerConfig(brokerAddr)).get('dLegerSelfId'), broker.selfId);

		// killed while a request is pending (frozen first so the request cannot be answered): rejected at once
		sim.pause(broker.id);
		const pending = client.brokerConfig(brokerAddr);
		const killedAt = Date.now();
		await sim.kill(broker.id);
		await assert.rejects(pending, /broker 127\.0\.0\.1:\d+ (closed the connection|failed: .*ECONNRESET)/);
		assert.ok(Date.now() - killedAt < 300, 'rejected by the close, not by the timeout');
		await assert.rejects(client.brokerConfig(brokerAddr), /refused the connection/);

		// restarted: the next request reconnects on its own
		sim.start(broker.id);
		await sim.listen();
		const config = await waitFor('the restarted broker to answer', 5000, () => client.brokerConfig(brokerAddr).catch(() => undefined));
		assert.equal(config.get('dLegerSelfId'), broker.selfId);
	} finally {
		await client.close();
		await sim.close();
	}
});
