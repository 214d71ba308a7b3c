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
			'192.168.1.76: apacherocketmq/rocketmq:4.7.1-alpine copied from 192.168.1.71',
			'192.168.1.77: apacherocketmq/rocketmq:4.7.1-alpine copied from 192.168.1.71',
		]);
		assert.ok(events.some(e => e.type === 'image' && / from 192\.168\.1\.71$/.test(e.progress.text)));
	}, 44);
});

const imageDetails = (events: DeployEvent[], step: 'image' | 'preflight', state: 'ok' | 'failed') =>
	events.filter(e => e.type === 'host' && e.step === step && e.state === state).map(e => `${(e as {host: string}).host}: ${(e as {detail?: string}).detail}`).sort();

test('no host has the images and the registry answers: preflight asked it from every host, each host pulls', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		for (const h of world.hosts.values()) h.images.clear();
		const events: DeployEvent[] = [];
		const result = await deploy(request(world, plan, events));
		assert.deepEqual(result.failures, []);
		const checks = events.filter(e => e.type === 'checks').map(e => (e as {checks: Array<{id: string; detail: string}>}).checks.find(c => c.id === 'image')!.detail);
		assert.ok(checks.every(d => /absent; will be pulled \(the registry has it\)/.test(d)), checks.join('\n'));
		assert.deepEqual(imageDetails(events, 'image', 'ok'), [
			'192.168.1.71: apacherocketmq/rocketmq:4.7.1-alpine pulled, apacherocketmq/rocketmq-console:2.0.0 pulled',
			'192.168.1.76: apacherocketmq/rocketmq:4.7.1-alpine pulled',
			'192.168.1.77: apacherocketmq/rocketmq:4.7.1-alpine pulled',
		]);
	}, 47);
});

test('no host has the image and the registry does not answer: preflight fails on every host with the ways out; nothing changes', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		for (const h of world.hosts.values()) {
			h.images.clear();
			h.registryError = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';
		}
		const events: DeployEvent[] = [];
		const result = await deploy(request(world, plan, events));
		assert.equal(result.ok, false);
		assert.deepEqual(result.failures.map(f => `${f.host} ${f.step}`).sort(), ['192.168.1.71 preflight', '192.168.1.76 preflight', '192.168.1.77 preflight']);
		const message = result.failures.find(f => f.host === '192.168.1.76')!.message;
		assert.match(message, /^192\.168\.1\.76, step preflight: Images: apacherocketmq\/rocketmq:4\.7\.1-alpine absent and not pullable from here: Get "https:\/\/registry-1\.docker\.io\/v2\/": dial tcp: lookup registry-1\.docker\.io: no such host — fix: pass --image-archive FILE/);
		assert.match(message, /--build-image DIR/);
		for (const h of world.hosts.values()) {
			assert.equal(h.files.size, 0, `${h.name}: no file written`);
			assert.deepEqual(await h.listContainers(), []);
		}
	}, 50);
});

test('--build-image: no host has the image and no registry: the first host builds it with the uploaded scripts, the others copy it; the cluster elects', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		for (const h of world.hosts.values()) {
			h.images.delete('apacherocketmq/rocketmq:4.7.1-alpine');
			h.registryError = 'no such host';
		}
		const buildImage = {source: '/tmp/rocketmq-docker/image-build', files: [{path: 'build-image.sh', content: '#!/bin/bash\n', mode: 0o755}, {path: 'scripts/runbroker-customize.sh', content: 'exec java\n', mode: 0o755}, {path: 'Dockerfile-alpine', content: 'FROM alpine\n', mode: 0o644}]};
		const events: DeployEvent[] = [];
		const result = await deploy(request(world, plan, events, {buildImage}));
		assert.deepEqual(result.failures, []);
		const builder = world.hosts.get('192.168.1.71')!;
		assert.equal(builder.files.get('/data/docker-services/rocketmq/.rmq-tui/image-build/scripts/runbroker-customize.sh'), 'exec java\n', 'the scripts keep their layout');
		assert.ok(events.some(e => e.type === 'image' && e.host === '192.168.1.71' && /^build: sh build-image\.sh 4\.7\.1 alpine/.test(e.progress.text)));
		assert.deepEqual(imageDetails(events, 'image', 'ok'), [
			'192.168.1.71: apacherocketmq/rocketmq:4.7.1-alpine built (build-image.sh 4.7.1 alpine)',
			'192.168.1.71: apacherocketmq/rocketmq:4.7.1-alpine built here',
			'192.168.1.76: apacherocketmq/rocketmq:4.7.1-alpine copied from 192.168.1.71',
			'192.168.1.77: apacherocketmq/rocketmq:4.7.1-alpine copied from 192.168.1.71',
		]);
		for (const g of (await world.observe()).groups) assert.equal(g.verdict, 'healthy');
		// A failing build names the host and the step and changes no container.
		const again = planOf(seed({sendMessageThreadPoolNums: '4'}));
		for (const h of world.hosts.values()) h.images.delete('apacherocketmq/rocketmq:4.7.1-alpine');
		builder.failNext = {method: 'buildImage', error: 'build-image.sh 4.7.1 alpine failed (exit 1)'};
		const failed = await deploy(request(world, again, [], {buildImage}));
		assert.equal(failed.ok, false);
		assert.deepEqual(failed.failures.map(f => `${f.host} ${f.step}`), ['192.168.1.71 image']);
	}, 53);
});
