/** `down` on simulated hosts: containers and network go, data stays; `purge` deletes only the plan's trees. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {deploy} from '../../source/deploy/execute.ts';
import {purgePaths, teardown} from '../../source/deploy/teardown.ts';
import {planOf, request, seed, withWorld} from './sim-support.ts';

test('down removes the containers (console, brokers, name servers) and the network; store dirs and files stay', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		assert.equal((await deploy(request(world, plan, []))).ok, true);
		const events: string[] = [];
		const result = await teardown({plan, hosts: world.hosts, operator: {user: 'tester', from: 'ci', pid: 1}, emit: e => e.type === 'host' && e.detail && events.push(e.detail)});
		assert.deepEqual(result.failures, []);
		assert.equal(result.removed.length, 10);
		assert.deepEqual(result.purged, []);
		const order = events.filter(e => e.startsWith('removing')).map(e => e.replace(/removing rocketmq-(\w+).*/, '$1'));
		assert.ok(order.lastIndexOf('console') < order.indexOf('raftnode00') && order.lastIndexOf('raftnode01') < order.indexOf('namesrv'), order.join(','));
		for (const h of world.hosts.values()) {
			assert.equal((await h.listContainers()).length, 0);
			assert.equal((await h.networks()).includes('bridge_network'), false);
			assert.ok([...h.dirs.keys()].some(d => d.includes('/broker/store/')), `${h.name}: store dirs kept`);
			assert.ok([...h.files.keys()].some(f => f.endsWith('.conf')), `${h.name}: confs kept`);
			assert.match(h.files.get('/data/docker-services/rocketmq/.rmq-tui/audit.log')!, /"operation":"down"/);
		}
		for (const g of plan.groups) for (const r of g.replicas) assert.notEqual(world.cluster.broker(`${g.name}/${r.selfId}`).status, 'running');
	}, 56);
});

test('down --purge deletes the name server, broker and console trees and nothing else', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		assert.equal((await deploy(request(world, plan, []))).ok, true);
		const result = await teardown({plan, hosts: world.hosts, operator: {user: 'tester', from: 'ci', pid: 1}, emit: () => {}, purge: true});
		assert.deepEqual(result.failures, []);
		assert.equal(result.purged.length, 9);
		for (const h of world.hosts.values()) {
			for (const root of purgePaths(plan)) {
				assert.equal([...h.dirs.keys(), ...h.files.keys()].some(p => p === root || p.startsWith(`${root}/`)), false, `${h.name}: ${root} gone`);
			}
			assert.ok(h.files.has('/data/docker-services/rocketmq/.rmq-tui/audit.log'), 'audit log kept');
			assert.ok(h.dirs.has('/data/docker-services/rocketmq'), 'base dir kept');
		}
	}, 56);
});
