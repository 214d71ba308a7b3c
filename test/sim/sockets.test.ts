/** The simulator on real TCP ports (127.0.0.1), spoken to with the project's codec directly; timers sped up ×20. */
import assert from 'node:assert/strict';
import {connect, type Socket} from 'node:net';
import {test} from 'node:test';
import {encodeRequest, FrameDecoder, type Frame} from '../../source/rocketmq/codec.ts';
import {parseFastjson} from '../../source/rocketmq/fastjson.ts';
import {SimCluster} from '../../source/sim/cluster.ts';
import {RealClock, seededRandom} from '../../source/sim/clock.ts';
import {fixtureTopology} from './fixture-topology.ts';

interface Conn {
	socket: Socket;
	frames: Frame[];
	closed: Promise<string>;
}

function open(port: number): Promise<Conn> {
	return new Promise((resolve, reject) => {
		const socket = connect({host: '127.0.0.1', port});
		const decoder = new FrameDecoder();
		const frames: Frame[] = [];
		const closed = new Promise<string>(res => {
			let reason = 'close';
			socket.on('error', e => (reason = (e as NodeJS.ErrnoException).code ?? 'error'));
			socket.on('close', () => res(reason));
		});
		socket.on('data', chunk => frames.push(...decoder.push(chunk).frames));
		socket.once('connect', () => resolve({socket, frames, closed}));
		socket.once('error', reject);
	});
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

async function ask(conn: Conn, code: number, opaque: number, extra: {extFields?: Record<string, string>; body?: Buffer} = {}, waitMs = 2000): Promise<Frame | undefined> {
	conn.socket.write(encodeRequest({code, opaque, ...extra}));
	const end = Date.now() + waitMs;
	while (Date.now() < end) {
		const f = conn.frames.find(x => x.header.opaque === opaque);
		if (f) return f;
		await sleep(5);
	}
	return undefined;
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (pred()) return true;
		await sleep(10);
	}
	return pred();
}

/** A cluster listening on free ports: random bases, retried on a clash. */
async function listening(): Promise<SimCluster> {
	const random = seededRandom(Date.now() & 0xffff);
	for (let attempt = 0; ; attempt++) {
		const b = 20000 + Math.floor(random() * 30) * 1000;
		const sim = new SimCluster(fixtureTopology({namesrv: b + 900, listen: b + 11, dledger: b + 500}), {clock: new RealClock({scale: 20}), random});
		sim.startAll();
		try {
			await sim.listen();
			await until(() => sim.namesrvs.every(n => n.servers?.listening) && sim.brokers.every(x => x.servers?.listening), 2000);
			return sim;
		} catch (error) {
			await sim.close();
			if (attempt >= 5) throw error;
		}
	}
}

test('real sockets: 106 answered from live state, unknown codes silent on the name server and code 3 on DLedger, kill closes', async () => {
	const sim = await listening();
	try {
		assert.ok(await until(() => sim.groups.every(g => sim.leaderAtNamesrvs(g.name).every(a => a !== undefined)), 5000), 'leaders registered');
		const ns = sim.namesrvs[0]!;
		const nsConn = await open(ns.port);
		const info = await ask(nsConn, 106, 1);
		assert.ok(info);
		assert.equal(info.header.code, 0);
		assert.match(info.body.toString(), /"brokerAddrs":\{0:"127\.0\.0\.1:\d+"/);
		const table = (parseFastjson(info.body) as {brokerAddrTable: Record<string, {brokerAddrs: Record<string, string>}>}).brokerAddrTable;
		const leader = sim.broker(`RaftNode00/${sim.groups[0]!.leaders()[0]!.selfId}`);
		assert.equal(table.RaftNode00!.brokerAddrs['0'], leader.addr);

		assert.equal(await ask(nsConn, 99999, 2, {}, 300), undefined, 'name server stays silent');
		assert.equal(nsConn.socket.destroyed, false, 'and keeps the connection');

		const dl = await open(leader.dledgerPort);
		const unsupported = await ask(dl, 99999, 3);
		assert.equal(unsupported?.header.code, 3);
		assert.equal(unsupported?.header.remark, ' request type 99999 not supported');
		const meta = await ask(dl, 50000, 4, {body: Buffer.from(JSON.stringify({group: 'RaftNode00', remoteId: leader.selfId}))});
		assert.equal(meta?.header.code, 200);
		assert.equal((JSON.parse(meta!.body.toString()) as {leaderId: string}).leaderId, leader.selfId);

		const brokerConn = await open(leader.listenPort);
		const config = await ask(brokerConn, 26, 5);
		assert.match(config!.body.toString(), /^brokerRole=SYNC_MASTER$/m);
		assert.equal(await ask(brokerConn, 99999, 6, {}, 300), undefined, 'broker stays silent');
		const fast = await open(leader.fastPort);
		assert.equal((await ask(fast, 28, 7))?.header.code, 0);

		await sim.kill(leader.id);
		for (const c of [dl, brokerConn, fast]) assert.match(await c.closed, /ECONNRESET|close/);
		await assert.rejects(open(leader.listenPort), /ECONNREFUSED/);
		assert.ok(await until(() => sim.leaderAtNamesrvs('RaftNode00').every(a => a === undefined), 2000), 'dropped by the name servers');
		const after = await ask(nsConn, 106, 8);
		assert.doesNotMatch(after!.body.toString(), new RegExp(`:"${leader.addr}"`));
		nsConn.socket.destroy();
	} finally {
		await sim.close();
	}
});
