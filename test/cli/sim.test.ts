/** `rmq-tui sim …` from the command line: usage errors in-process, the whole cluster as a real child process. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {canBind, client, freeBase, spawnSim, until} from '../sim/spawn-sim.ts';
import {run, SEED_HOSTS} from './helpers.ts';
import {FALLBACK_PORT_SHIFT, loopbackTopology} from '../../source/cli/commands/sim.ts';
import {clusterFromFlags} from '../../source/cli/cluster-input.ts';
import {memoryIO} from '../../source/cli/io.ts';
import {buildPlan} from '../../source/plan/plan.ts';

test('without 127.0.0.11+, every host shares 127.0.0.1 with its ports shifted by 1000 per host', async () => {
	const planned = buildPlan(await clusterFromFlags({hosts: SEED_HOSTS}, memoryIO(process.cwd(), {HOME: '/nonexistent-home'})));
	assert.ok(planned.ok);
	const topology = loopbackTopology(planned.plan, [0, 1, 2].map(i => ({ip: '127.0.0.1', shift: i * FALLBACK_PORT_SHIFT})));
	assert.deepEqual(topology.namesrvs.map(n => `${n.ip}:${n.port}`), ['127.0.0.1:9876', '127.0.0.1:10876', '127.0.0.1:11876']);
	assert.deepEqual(topology.groups[1]!.replicas.map(r => [r.selfId, r.listenPort, r.fastPort, r.dledgerPort]), [
		['n0', 10921, 10919, 20921],
		['n1', 11921, 11919, 21921],
		['n2', 12921, 12919, 22921],
	]);
	const all = [...topology.namesrvs.map(n => n.port), ...topology.groups.flatMap(g => g.replicas.flatMap(r => [r.listenPort, r.fastPort!, r.dledgerPort]))];
	assert.equal(new Set(all).size, all.length, 'no port used twice');
});

test('sim usage errors exit 2 with a fix', async () => {
	for (const [argv, pattern] of [
		[['sim'], /sim needs what to run/],
		[['sim', 'zoo'], /unknown sim target "zoo"/],
		[['sim', 'broker'], /needs a broker conf/],
		[['sim', 'broker', '-c', 'x.conf', '--hosts', 'a,b,c'], /--hosts does not apply to rmq-tui sim broker/],
		[['sim', 'cluster', '--time-scale', 'fast'], /--time-scale "fast"/],
		[['sim', 'namesrv', '--namesrv-port', '99999'], /--namesrv-port "99999" is not a port/],
	] as const) {
		const {code, err} = await run([...argv]);
		assert.equal(code, 2, argv.join(' '));
		assert.match(err, pattern);
		assert.match(err, /fix: /);
	}
});

test('sim broker -c with a missing conf fails as the JVM does', async () => {
	const {code, err} = await run(['sim', 'broker', '-c', '/nonexistent/broker.conf']);
	assert.equal(code, 255);
	assert.match(err, /java\.io\.FileNotFoundException: \/nonexistent\/broker\.conf \(No such file or directory\)/);
});

test('sim cluster runs the seed cluster on 127.0.0.11-13, name servers list dialable leaders, SIGTERM exits 0 and frees the ports', async () => {
	const loopbacks = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
	const multi = (await Promise.all(loopbacks.map(ip => canBind(ip, 0)))).every(Boolean);
	const hosts = multi ? loopbacks : ['127.0.0.1'];
	const shifts = multi ? [0] : [0, 1000, 2000];
	// namesrv B, listen B+100/B+110 (fast −2), DLedger B+200/B+210
	const offsets = shifts.flatMap(s => [0, 98, 100, 108, 110, 200, 210].map(o => o + s));
	const base = await freeBase(offsets, hosts);
	const sim = spawnSim(['cluster', '--namesrv-port', String(base), '--listen-port', String(base + 100), '--dledger-port', String(base + 200), '--time-scale', '5']);
	const c = client();
	try {
		const [, namesrvText] = await sim.waitFor(/Next: rmq-tui status --namesrv '([^']+)'/);
		const namesrvs = namesrvText!.split(';');
		if (multi) {
			assert.deepEqual(namesrvs, loopbacks.map(ip => `${ip}:${base}`));
			assert.match(sim.out(), /192\.168\.1\.71\s+127\.0\.0\.11\s+127\.0\.0\.11:\d+\s+RaftNode00\/n0 127\.0\.0\.11:/);
		} else assert.deepEqual(namesrvs, shifts.map(s => `127.0.0.1:${base + s}`));

		const leaders = await until(async () => {
			const infos = await Promise.all(namesrvs.map(ns => c.clusterInfo(ns)));
			const found = ['RaftNode00', 'RaftNode01'].map(g => infos.map(i => i.brokers[g]?.brokerAddrs[0]));
			return found.every(perNs => perNs.every(a => a !== undefined && a === perNs[0])) ? found.map(perNs => perNs[0]!) : undefined;
		}, 20_000, 'a leader per group at every name server');
		for (const [g, addr] of leaders.entries()) {
			const config = await c.brokerConfig(addr);
			assert.equal(config.get('brokerRole'), 'SYNC_MASTER', `${addr} is dialable and leads`);
			assert.equal(config.get('brokerIP1'), addr.split(':')[0], 'brokerIP1 is the loopback address');
			assert.ok(config.get('dLegerPeers')!.split(';').every(p => hosts.some(h => p.includes(`-${h}:`))), 'peers on loopback');
			assert.equal(config.get('brokerName'), `RaftNode0${g}`);
		}

		assert.equal(await sim.stop('SIGTERM'), 0);
		assert.match(sim.out(), /Running; Ctrl-C/);
		for (const h of hosts) for (const o of offsets) assert.ok(await canBind(h, base + o), `${h}:${base + o} released`);
	} finally {
		await c.close();
		await sim.stop('SIGKILL').catch(() => 0);
	}
});
