/** One simulated node per process (`rmq-tui sim namesrv`, `rmq-tui sim broker -c FILE`), as a test container runs it. */
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {localAddress, prepareStore, readBrokerConf, StartupError, unwritableAs} from '../../source/sim/standalone.ts';
import {canBind, client, freeBase, spawnSim, until, type SimChild} from './spawn-sim.ts';

const context = {env: {}, home: '/home/rocketmq', hostname: 'box', localAddress: '172.17.0.5'};

/** A scratch dir that uid 3000 can traverse (mkdtemp makes 0700 dirs; the sim checks as uid 3000 when run as root). */
function scratch(): string {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-sim-'));
	chmodSync(dir, 0o755);
	return dir;
}

function writableStore(dir: string, name: string): string {
	const store = join(dir, name);
	mkdirSync(store);
	chmodSync(store, 0o777);
	return store;
}

test('the conf is read as BrokerStartup reads it: unknown keys ignored, Java parsing, env fallback', () => {
	const plain = readBrokerConf(
		'brokerClusterName=RaftCluster\nbrokerName=RaftNode00\nenableDLedgerCommitLog=true\ndLedgerGroup=RaftNode00\ndLedgerPeers=n0-10.0.0.1:20911\ndLedgerSelfId=n0\n',
		context,
	);
	assert.equal(plain.dledger, undefined, 'the dLedger* spellings are unknown keys: a plain broker');
	assert.equal(plain.brokerId, 0);
	const typo = readBrokerConf('brokerName=B\ndLedgerPeers=n0-10.0.0.1:20911\nlistenPort=10911 \nenableDLegerCommitLog=true \n', context);
	assert.equal(typo.dledger, undefined, '"true " reads as false, dLedgerPeers is ignored');
	assert.equal(typo.brokerId, 0);
	assert.equal(typo.listenPort, 10911, 'an unparsable listenPort keeps the default');
	assert.equal(typo.brokerIP1, '172.17.0.5', 'no brokerIP1 → the machine (container) address');
	assert.equal(typo.storePathRootDir, '/home/rocketmq/store');
	assert.equal(typo.clusterName, 'DefaultCluster');

	const env = readBrokerConf('brokerName=B\n', {...context, env: {NAMESRV_ADDR: '10.0.0.9:9876'}});
	assert.deepEqual(env.namesrvAddr, ['10.0.0.9:9876']);
	const conf = readBrokerConf('brokerName=B\nnamesrvAddr=10.0.0.1:9876;10.0.0.2:9876\n', {...context, env: {NAMESRV_ADDR: '10.0.0.9:9876'}});
	assert.deepEqual(conf.namesrvAddr, ['10.0.0.1:9876', '10.0.0.2:9876'], 'the conf wins over NAMESRV_ADDR');
	assert.equal(readBrokerConf(Buffer.from('brokerName=Caf\xe9\n', 'latin1'), context).brokerName, 'Café', 'ISO-8859-1');

	const dledger = readBrokerConf(
		'brokerName=RaftNode00\nbrokerIP1=10.0.0.1\nbrokerId=5\nenableDLegerCommitLog=true\ndLegerGroup=RaftNode00\ndLegerPeers=n0-10.0.0.1:20911;n1-10.0.0.2:20911;n2-10.0.0.3:20911\ndLegerSelfId=n1\n',
		context,
	);
	assert.equal(dledger.brokerId, -1, 'DLedger mode starts at brokerId -1');
	assert.equal(dledger.brokerIP1, '10.0.0.1');
	assert.deepEqual(dledger.dledger && {...dledger.dledger, peers: [...dledger.dledger.peers]}, {
		group: 'RaftNode00',
		selfId: 'n1',
		port: 20911,
		peers: [['n0', '10.0.0.1:20911'], ['n1', '10.0.0.2:20911'], ['n2', '10.0.0.3:20911']],
	});

	assert.throws(() => readBrokerConf('namesrvAddr=10.0.0.1:9876 \n', context), (e: unknown) => e instanceof StartupError && e.exitCode === 253 && /Name Server Address\[10.0.0.1:9876 \] illegal/.test(e.message));
	assert.throws(() => readBrokerConf('brokerRole=SLAVE\n', context), (e: unknown) => e instanceof StartupError && e.exitCode === 253);
	assert.throws(() => readBrokerConf('enableDLegerCommitLog=true\ndLegerGroup=G\ndLegerPeers=n0-10.0.0.1:20911\ndLegerSelfId=n1\n', context), StartupError);
});

test('localAddress is RemotingUtil.getLocalAddress: skips 127.0 and 192.168, else the last IPv4', () => {
	const iface = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4') => ({address, family, internal: false, netmask: '', mac: '', cidr: null}) as never;
	assert.equal(localAddress({lo: [iface('127.0.0.1')], eth0: [iface('172.17.0.2')]}), '172.17.0.2');
	assert.equal(localAddress({lo: [iface('127.0.0.1')], eth0: [iface('192.168.1.71')]}), '192.168.1.71');
	assert.equal(localAddress({lo: [iface('::1', 'IPv6')]}), '::1');
});

test('a store uid 3000 cannot write is refused (mode bits), a writable one gets its lock file', () => {
	const dir = scratch();
	const closed = join(dir, 'closed');
	mkdirSync(closed);
	chmodSync(closed, 0o555);
	assert.equal(unwritableAs(closed, 3000, 3000), 'Permission denied');
	assert.equal(unwritableAs(join(closed, 'sub'), 3000, 3000), 'No such file or directory');
	assert.throws(() => prepareStore(closed, {checkAs: {uid: 3000, gid: 3000}}), (e: unknown) => e instanceof StartupError && e.exitCode === 253 && e.message.includes(`${closed}/lock (Permission denied)`));
	const open = writableStore(dir, 'open');
	assert.equal(unwritableAs(open, 3000, 3000), undefined);
	prepareStore(join(open, 'RaftNode00-n0'), {checkAs: {uid: 3000, gid: 3000}});
});

test('sim broker -c exits non-zero on a store it cannot write', async () => {
	const dir = scratch();
	const store = join(dir, 'store');
	mkdirSync(store);
	chmodSync(store, 0o555);
	const base = await freeBase([0, 2]);
	writeFileSync(join(dir, 'broker.conf'), `brokerName=RaftNode00\nlistenPort=${base + 2}\nstorePathRootDir=${store}\n`);
	const broker = spawnSim(['broker', '-c', join(dir, 'broker.conf')], {HOME: dir});
	const code = await broker.exited;
	assert.equal(code, 253, `exit code (stderr: ${broker.err()})`);
	assert.match(broker.err(), /java\.io\.FileNotFoundException: .*\/store\/lock \(Permission denied\)/);
	assert.ok(await canBind('0.0.0.0', base + 2), 'no port left open');
});

test('sim broker -c without brokerIP1 registers its container address with a name server in another process', async () => {
	const dir = scratch();
	const base = await freeBase([0, 9, 11]);
	const nsPort = base;
	const listenPort = base + 11;
	writeFileSync(join(dir, 'broker.conf'), `brokerClusterName=RaftCluster\nbrokerName=RaftNode00\nlistenPort=${listenPort}\nnamesrvAddr=127.0.0.1:${nsPort}\nstorePathRootDir=${writableStore(dir, 'store')}\ndLedgerPeers=n0-127.0.0.1:1\n`);
	const children: SimChild[] = [];
	const c = client();
	try {
		const ns = spawnSim(['namesrv', '--namesrv-port', String(nsPort), '--time-scale', '10'], {HOME: dir});
		children.push(ns);
		await ns.waitFor(/The Name Server boot success/);
		const broker = spawnSim(['broker', '-c', join(dir, 'broker.conf'), '--time-scale', '10'], {HOME: dir});
		children.push(broker);
		const expected = `${localAddress()}:${listenPort}`;
		await broker.waitFor(new RegExp(`The broker\\[RaftNode00, ${expected.replaceAll('.', '\\.')}\\] boot success`));
		const info = await until(async () => {
			const i = await c.clusterInfo(`127.0.0.1:${nsPort}`);
			return i.brokers.RaftNode00 ? i : undefined;
		}, 10_000, 'the registration');
		assert.deepEqual(info.brokers.RaftNode00!.brokerAddrs, {0: expected}, 'a plain master (dLedgerPeers is not a key), at the container address');
		assert.deepEqual(info.clusters, {RaftCluster: ['RaftNode00']});
		assert.equal((await c.brokerConfig(`127.0.0.1:${listenPort}`)).get('brokerIP1'), localAddress(), 'the broker port answers on loopback too (bound on 0.0.0.0)');
		assert.equal(await canBind('0.0.0.0', listenPort - 2), false, 'the fast port (listen − 2) is open');

		assert.equal(await broker.stop('SIGTERM'), 0);
		const after = await until(async () => {
			const i = await c.clusterInfo(`127.0.0.1:${nsPort}`);
			return i.brokers.RaftNode00 ? undefined : i;
		}, 5000, 'the unregistration');
		assert.deepEqual(after.brokers, {});
		assert.equal(await canBind('0.0.0.0', listenPort), true, 'ports released');
		assert.equal(await ns.stop('SIGINT'), 0);
	} finally {
		await c.close();
		await Promise.all(children.map(ch => ch.stop('SIGKILL').catch(() => 0)));
	}
});

test('three sim brokers of one DLedger group elect a leader over the wire, and fail over when it is killed', async () => {
	const dir = scratch();
	const base = await freeBase([0, 9, 11, 19, 21, 29, 31, 100, 110, 120]);
	const nsPort = base;
	const listen = (k: number) => base + 11 + 10 * k;
	const peers = [0, 1, 2].map(k => `n${k}-127.0.0.1:${base + 100 + 10 * k}`).join(';');
	const children: SimChild[] = [];
	const c = client();
	try {
		const ns = spawnSim(['namesrv', '--namesrv-port', String(nsPort), '--time-scale', '10'], {HOME: dir});
		children.push(ns);
		await ns.waitFor(/boot success/);
		const brokers = [0, 1, 2].map(k => {
			const conf = join(dir, `broker-n${k}.conf`);
			writeFileSync(
				conf,
				[
					'brokerClusterName=RaftCluster',
					'brokerName=RaftNode00',
					`listenPort=${listen(k)}`,
					`namesrvAddr=127.0.0.1:${nsPort}`,
					'brokerIP1=127.0.0.1',
					`storePathRootDir=${writableStore(dir, `store-n${k}`)}`,
					'enableDLegerCommitLog=true',
					'dLegerGroup=RaftNode00',
					`dLegerPeers=${peers}`,
					`dLegerSelfId=n${k}`,
					'',
				].join('\n'),
			);
			const child = spawnSim(['broker', '-c', conf, '--time-scale', '10'], {HOME: join(dir, `home-n${k}`)});
			children.push(child);
			return child;
		});
		const addrs = await until(async () => {
			const a = (await c.clusterInfo(`127.0.0.1:${nsPort}`)).brokers.RaftNode00?.brokerAddrs ?? {};
			return Object.keys(a).length === 3 && a[0] !== undefined ? a : undefined;
		}, 15_000, 'a leader and two followers');
		const leaderK = [0, 1, 2].find(k => addrs[0] === `127.0.0.1:${listen(k)}`)!;
		assert.notEqual(leaderK, undefined);
		for (const k of [0, 1, 2].filter(x => x !== leaderK)) assert.equal(addrs[k + 1], `127.0.0.1:${listen(k)}`, `follower n${k} registers as ${k + 1}`);
		const meta = await c.dledgerMetadata(`127.0.0.1:${base + 100}`, 'RaftNode00', 'n0');
		assert.equal(meta.leaderId, `n${leaderK}`);

		assert.equal(await brokers[leaderK]!.stop('SIGKILL'), 137);
		const next = await until(async () => {
			const a = (await c.clusterInfo(`127.0.0.1:${nsPort}`)).brokers.RaftNode00?.brokerAddrs ?? {};
			return a[0] !== undefined && a[0] !== addrs[0] ? a[0] : undefined;
		}, 15_000, 'a new leader');
		assert.ok([0, 1, 2].filter(k => k !== leaderK).some(k => next === `127.0.0.1:${listen(k)}`));
		for (const [k, b] of brokers.entries()) if (k !== leaderK) assert.equal(await b.stop('SIGTERM'), 0);
		assert.equal(await ns.stop('SIGTERM'), 0);
	} finally {
		await c.close();
		await Promise.all(children.map(ch => ch.stop('SIGKILL').catch(() => 0)));
	}
});
