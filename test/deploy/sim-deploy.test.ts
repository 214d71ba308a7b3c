/**
 * The executor end to end on simulated hosts (SimHost over the protocol simulator on real loopback sockets, timers
 * ×10): deploy elects both groups, a second deploy changes nothing, a changed broker option recreates only the
 * brokers — one at a time, leader last — and the brokers then report the new value over the wire.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {computeChanges, isNoop} from '../../source/deploy/changes.ts';
import type {DeployEvent} from '../../source/deploy/events.ts';
import {deploy} from '../../source/deploy/execute.ts';
import {readHostState} from '../../source/deploy/read-state.ts';
import type {SimWorld} from '../../source/deploy/sim-world.ts';
import {renderCluster} from '../../source/render/render.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {mappedTcp} from '../../source/rocketmq/transport.ts';
import {planOf, request, seed, withWorld} from './sim-support.ts';

const containerIds = async (world: SimWorld) =>
	Object.fromEntries(
		(await Promise.all([...world.hosts.values()].map(h => h.listContainers()))).flat().map(c => [c.name + '@' + c.id.slice(0, 8), c.startedAt]),
	);

test('deploy to simulated hosts elects both groups; again changes nothing; a broker option recreates the brokers one at a time', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		const events: DeployEvent[] = [];
		const first = await deploy(request(world, plan, events));
		assert.deepEqual(first.failures, []);
		assert.equal(first.ok, true);
		const snap = await world.observe();
		for (const g of snap.groups) assert.equal(g.verdict, 'healthy', `${g.group}: ${g.reasons.join('; ')}`);
		for (const host of world.hosts.values()) {
			assert.ok(host.files.get('/data/docker-services/rocketmq/.rmq-tui/audit.log')?.includes('"result":"ok"'));
			assert.equal(host.files.has('/data/docker-services/rocketmq/.rmq-tui/deploy.lock'), false, 'lock released');
			assert.deepEqual(host.dirs.get('/data/docker-services/rocketmq/broker/store/RaftNode00-' + (host.name === '192.168.1.71' ? 'n0' : host.name === '192.168.1.76' ? 'n1' : 'n2')), {uid: 3000, gid: 3000});
		}

		// Again: nothing to do, nothing restarted.
		const before = await containerIds(world);
		const dry = await deploy(request(world, plan, [], {dryRun: true}));
		assert.ok(dry.changes && isNoop(dry.changes), dry.dryRun);
		assert.match(dry.dryRun!, /192\.168\.1\.71: no changes/);
		const second = await deploy(request(world, plan, []));
		assert.equal(second.ok, true);
		assert.deepEqual(await containerIds(world), before);

		// A broker option: only brokers change, one replica at a time, each group's leader last.
		const changed = planOf({...seed({maxMessageSize: '1048576'}), placement: plan.placement});
		const leaders = Object.fromEntries((await world.observe()).groups.map(g => [g.group, g.leader]));
		const preview = await deploy(request(world, changed, [], {dryRun: true}));
		assert.match(preview.dryRun!, /~ recreate rocketmq-raftnode00-n0:\n\s+broker conf changed/);
		assert.match(preview.dryRun!, /forces an election/);
		assert.doesNotMatch(preview.dryRun!, /recreate rocketmq-namesrv|recreate rocketmq-console/);
		const events3: DeployEvent[] = [];
		const third = await deploy(request(world, changed, events3));
		assert.deepEqual(third.failures, []);
		const steps = events3.filter(e => e.type === 'rollout' && e.state === 'running').map(e => (e as {title: string}).title);
		assert.equal(steps.length, 6, steps.join(' | '));
		for (const group of ['RaftNode00', 'RaftNode01']) {
			const mine = steps.filter(s => s.startsWith(group));
			assert.equal(mine.length, 3);
			assert.equal(mine[2], `${group}/${leaders[group]} (leader, last)`);
		}
		const after = await containerIds(world);
		const kept = Object.keys(after).filter(k => k in before).map(k => k.split('@')[0]);
		assert.deepEqual(kept.sort(), ['rocketmq-console', 'rocketmq-namesrv', 'rocketmq-namesrv', 'rocketmq-namesrv']);
		const client = new RemotingClient({socketFactory: mappedTcp(world.map)});
		try {
			for (const r of changed.groups.flatMap(g => g.replicas)) {
				const config = await client.brokerConfig(`${r.ip}:${r.listenPort}`);
				assert.equal(config.get('maxMessageSize'), '1048576', `${r.group}/${r.selfId}`);
			}
		} finally {
			await client.close();
		}
		const noop = computeChanges(changed, renderCluster(changed), new Map(await Promise.all([...world.hosts.values()].map(async h => [h.name, await readHostState(h, renderCluster(changed))] as const))), () => undefined, new Date());
		assert.ok(isNoop(noop));
	});
});

test('a host failing at a named step: the others are prepared, no container changes; the next run completes', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		const h2 = world.hosts.get('192.168.1.76')!;
		h2.failNext = {method: 'writeFile', error: 'connection lost (cut by the test)'};
		const events: DeployEvent[] = [];
		const first = await deploy(request(world, plan, events));
		assert.equal(first.ok, false);
		assert.equal(first.failures.length, 1);
		assert.equal(first.failures[0]!.host, '192.168.1.76');
		assert.equal(first.failures[0]!.step, 'files');
		assert.match(first.failures[0]!.message, /192\.168\.1\.76, step files: .*connection lost/);
		assert.ok(events.some(e => e.type === 'note' && /continues from there/.test(e.text)));
		for (const h of world.hosts.values()) assert.equal((await h.listContainers()).length, 0, `${h.name}: no containers yet`);
		const h1 = world.hosts.get('192.168.1.71')!;
		assert.ok(h1.files.has('/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf'), 'host 1 prepared');
		assert.equal(h1.files.has('/data/docker-services/rocketmq/.rmq-tui/deploy.lock'), false, 'locks released after a failure');
		assert.match(h2.files.get('/data/docker-services/rocketmq/.rmq-tui/audit.log')!, /connection lost/);

		const again = await deploy(request(world, plan, []));
		assert.deepEqual(again.failures, []);
		const h1Files = again.changes!.hosts.find(h => h.host === '192.168.1.71')!.files;
		assert.ok(h1Files.every(f => f.kind === 'unchanged'), 'host 1 files were already right');
		for (const g of (await world.observe()).groups) assert.equal(g.verdict, 'healthy');
	});
});

test('a lock held by another operator stops the deploy naming them; --break-lock takes it', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		const h3 = world.hosts.get('192.168.1.77')!;
		await h3.makeDirs([{path: '/data/docker-services/rocketmq/.rmq-tui'}]);
		await h3.lock('/data/docker-services/rocketmq/.rmq-tui/deploy.lock', {user: 'alice', from: 'laptop-7', pid: 4242, since: '2026-11-25T06:00:00.000Z', operation: 'deploy'});
		const blocked = await deploy(request(world, plan, []));
		assert.equal(blocked.ok, false);
		assert.match(blocked.failures[0]!.message, /held by alice@laptop-7 \(pid 4242, deploy\) since 2026-11-25T06:00:00\.000Z.*--break-lock/);
		for (const h of world.hosts.values()) {
			assert.equal((await h.listContainers()).length, 0);
			if (h !== h3) assert.equal(h.files.has('/data/docker-services/rocketmq/.rmq-tui/deploy.lock'), false, `${h.name}: own lock released`);
		}
		assert.match(h3.files.get('/data/docker-services/rocketmq/.rmq-tui/deploy.lock')!, /alice/, 'the other operator\'s lock is left alone');
		const broken = await deploy(request(world, plan, [], {breakLock: true}));
		assert.deepEqual(broken.failures, []);
	});
});

test('a running group with a replica down is not rolled: the quorum guard stops before taking another down', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		assert.equal((await deploy(request(world, plan, []))).ok, true);
		const snap = await world.observe();
		const group = snap.groups.find(g => g.group === 'RaftNode00')!;
		const follower = group.replicas.find(r => r.role === 'follower')!;
		await world.cluster.stop(`RaftNode00/${follower.selfId}`);
		const changed = planOf({...seed({maxMessageSize: '1048576'}), placement: plan.placement});
		const result = await deploy(request(world, changed, [], {timeoutMs: 3000}));
		assert.equal(result.ok, false);
		assert.match(result.failures[0]!.message, /not restarting RaftNode00\/n\d \(follower\): its group is not whole .*without a majority/);
		const running = (await Promise.all([...world.hosts.values()].map(h => h.listContainers()))).flat().filter(c => c.labels['io.rmq-tui.group'] === 'RaftNode00' && c.state === 'running');
		assert.equal(running.length, 2, 'the two live replicas of RaftNode00 were not touched');
	});
});

test('a container of the same name made by hand is a conflict: preflight refuses, --adopt replaces it', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		const h1 = world.hosts.get('192.168.1.71')!;
		await h1.ensureNetwork('bridge_network');
		const spec = (await import('../../source/deploy/spec.ts')).containerSpecs(renderCluster(plan)).find(s => s.host === '192.168.1.71' && s.role === 'namesrv')!;
		await h1.createContainer({...spec, labels: {}});
		const refused = await deploy(request(world, plan, []));
		assert.equal(refused.ok, false);
		assert.equal(refused.failures[0]!.step, 'preflight');
		assert.match(refused.failures[0]!.message, /rocketmq-namesrv exist and were not made by rmq-tui/);
		const adopted = await deploy(request(world, plan, [], {adopt: true, skipPreflight: true}));
		assert.deepEqual(adopted.failures, []);
		const ns = (await h1.listContainers()).find(c => c.name === 'rocketmq-namesrv')!;
		assert.equal(ns.labels['io.rmq-tui.cluster'], 'RaftCluster');
	});
});

test('hosts without the images get them copied from a host that has them (docker save | docker load); no host has them → pulled', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		world.hosts.get('192.168.1.76')!.images.clear();
		world.hosts.get('192.168.1.77')!.images.clear();
		const events: DeployEvent[] = [];
		const result = await deploy(request(world, plan, events));
		assert.deepEqual(result.failures, []);
		const image = events.filter(e => e.type === 'host' && e.step === 'image' && e.state === 'ok').map(e => `${(e as {host: string}).host}: ${(e as {detail?: string}).detail}`);
		assert.deepEqual(image.sort(), [
			'192.168.1.71: present',
			'192.168.1.76: apacherocketmq/rocketmq:4.7.1-alpine copied from another host',
			'192.168.1.77: apacherocketmq/rocketmq:4.7.1-alpine copied from another host',
		]);
		assert.ok(events.some(e => e.type === 'image' && / from 192\.168\.1\.71$/.test(e.progress.text)));
	}, 44);
});
