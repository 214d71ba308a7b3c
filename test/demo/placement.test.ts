/**
 * Where the demo's simulated hosts listen: a random loopback block whose every published port is free; a block
 * with one port held by something else is passed over for the next.
 */
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:net';
import {test} from 'node:test';
import {freeLoopbackPlacement, placedPorts, randomLoopbackBlock, shiftedOnLocalhost} from '../../source/demo/placement.ts';
import {seedPlan} from '../../source/live/sim.ts';

/** A fixed sequence of "random" numbers, then 0.5 forever. */
const sequence = (...values: number[]) => () => values.shift() ?? 0.5;

const listen = (host: string, port: number) =>
	new Promise<Server>((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen({host, port, exclusive: true}, () => resolve(server));
	});

test('a block per try: host i at 127.A.B.(11+i), never 127.0.0.x; or 127.0.0.1 with ports shifted per host', () => {
	assert.deepEqual(randomLoopbackBlock(3, sequence(0, 0)).map(p => p.ip), ['127.1.0.11', '127.1.0.12', '127.1.0.13']);
	assert.deepEqual(randomLoopbackBlock(2, sequence(0.9999, 0.9999)).map(p => p.ip), ['127.254.255.11', '127.254.255.12']);
	assert.deepEqual(shiftedOnLocalhost(3, 5000), [{ip: '127.0.0.1', shift: 5000}, {ip: '127.0.0.1', shift: 6000}, {ip: '127.0.0.1', shift: 7000}]);
	const ports = placedPorts(seedPlan(), shiftedOnLocalhost(3, 0));
	assert.ok(ports.some(p => p.port === 9876) && ports.some(p => p.port === 10876) && ports.some(p => p.port === 22921), 'each host\'s ports, shifted by its own amount');
});

test('a block with a port already held is passed over for the next free one', async t => {
	const plan = seedPlan();
	const first = randomLoopbackBlock(3, sequence(0.3, 0.3));
	let held: Server;
	try {
		held = await listen(first[1]!.ip, 10911);
	} catch (error) {
		t.skip(`cannot bind ${first[1]!.ip} here (${(error as Error).message}): only 127.0.0.1 is loopback on this machine`);
		return;
	}
	try {
		const chosen = await freeLoopbackPlacement(plan, sequence(0.3, 0.3, 0.6, 0.6));
		assert.notDeepEqual(chosen, first, 'the block whose 10911 is taken is not used');
		assert.deepEqual(chosen, randomLoopbackBlock(3, sequence(0.6, 0.6)));
	} finally {
		await new Promise(r => held.close(r));
	}
});
