/**
 * ContainerSpec → POST /containers/create → inspect → ObservedContainer, against a REAL (private) Docker daemon
 * through dockerode: every container of the seed plan reads back with no difference from its spec (what makes a
 * second deploy change nothing), and a changed spec is noticed. Plus the pure shapes.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import Docker from 'dockerode';
import {differences} from '../../source/deploy/diff.ts';
import {createBody, observedFrom, parseBind, type InspectShape} from '../../source/deploy/docker-mapping.ts';
import {containerSpecs, specsFromCompose} from '../../source/deploy/spec.ts';
import {renderCluster} from '../../source/render/render.ts';
import {startDockerd} from '../support/dockerd.ts';
import {needCompose, needDocker} from '../support/need.ts';
import {compose} from '../support/compose.ts';
import {ensureStandinImage} from '../support/standin-image.ts';
import {planOf, seed} from './sim-support.ts';

const specs = containerSpecs(renderCluster(planOf(seed())));

test('createBody: ports, binds, restart, init, stop timeout, network, env and labels as Docker wants them', () => {
	const broker = specs.find(s => s.name === 'rocketmq-raftnode00-n0')!;
	const body = createBody(broker);
	assert.equal(body.name, 'rocketmq-raftnode00-n0');
	assert.deepEqual(body.HostConfig.PortBindings['40911/tcp'], [{HostIp: '', HostPort: '40911'}]);
	assert.deepEqual(Object.keys(body.ExposedPorts).sort(), ['40909/tcp', '40911/tcp', '50911/tcp']);
	assert.deepEqual(body.HostConfig.Binds, [
		'/data/docker-services/rocketmq/broker/conf:/home/rocketmq/conf:ro',
		'/data/docker-services/rocketmq/broker/logs/RaftNode00-n0:/home/rocketmq/logs',
		'/data/docker-services/rocketmq/broker/store/RaftNode00-n0:/home/rocketmq/store',
	]);
	assert.deepEqual(body.HostConfig.RestartPolicy, {Name: 'unless-stopped'});
	assert.equal(body.HostConfig.Init, true);
	assert.equal(body.HostConfig.NetworkMode, 'bridge_network');
	assert.equal(body.StopTimeout, 60);
	assert.ok(body.Env.includes('TZ=Asia/Shanghai'));
	assert.equal(createBody(broker, {relabel: true}).HostConfig.Binds[0], '/data/docker-services/rocketmq/broker/conf:/home/rocketmq/conf:ro,z');
	assert.equal(createBody(broker, {relabel: true}).HostConfig.Binds[1], '/data/docker-services/rocketmq/broker/logs/RaftNode00-n0:/home/rocketmq/logs:z');
	const console = createBody(specs.find(s => s.role === 'console')!);
	assert.deepEqual(console.HostConfig.PortBindings['8080/tcp'], [{HostIp: '127.0.0.1', HostPort: '19876'}]);
	assert.equal(console.StopTimeout, undefined);
});

test('parseBind and observedFrom read Docker\'s shapes (relabel options, zero start time, null lists)', () => {
	assert.deepEqual(parseBind('/a:/b:ro,z'), {source: '/a', target: '/b', readOnly: true});
	assert.deepEqual(parseBind('/a:/b:z'), {source: '/a', target: '/b', readOnly: false});
	const observed = observedFrom({
		Id: 'abc', Name: '/x', Image: 'sha256:1',
		Config: {Image: 'img', Cmd: null, Env: null, Labels: null},
		HostConfig: {Binds: null, PortBindings: null, RestartPolicy: {Name: 'no'}, Init: null},
		NetworkSettings: {Networks: null},
		State: {Status: 'created', StartedAt: '0001-01-01T00:00:00Z'},
	} satisfies InspectShape);
	assert.equal(observed.name, 'x');
	assert.equal(observed.startedAt, '');
	assert.deepEqual([observed.command, observed.env, observed.mounts, observed.ports, observed.networks], [[], [], [], [], []]);
	assert.equal(observed.state, 'created');
});

test('real Docker: every seed container created from its spec reads back with no difference; a change is seen', async t => {
	if (!needDocker(t)) return;
	const d = await startDockerd();
	t.after(() => d.stop());
	await ensureStandinImage(d);
	const docker = new Docker({socketPath: d.socket});
	await docker.createNetwork({Name: 'bridge_network', Driver: 'bridge'});
	const hostSpecs = specs.filter(s => s.host === '192.168.1.71');
	assert.equal(hostSpecs.length, 4);
	for (const spec of hostSpecs) {
		await docker.createContainer(createBody(spec));
		const inspected = (await docker.getContainer(spec.name).inspect()) as unknown as InspectShape;
		const observed = observedFrom(inspected);
		assert.deepEqual(differences(spec, observed, observed.imageId), [], spec.name);
		assert.equal(observed.state, 'created');
		const changed = {...spec, env: spec.env.map(([k, v]): [string, string] => [k, k === 'TZ' ? 'UTC' : v]), ports: spec.ports.map(p => ({...p, hostPort: p.hostPort + 1}))};
		const reasons = differences(changed, observed);
		assert.ok(reasons.some(r => r.startsWith('env TZ: Asia/Shanghai → UTC')), reasons.join('; '));
		assert.ok(reasons.some(r => r.startsWith('ports ')), reasons.join('; '));
	}
});

test('real Docker + Compose v1: every seed container made by `docker-compose up` from the rendered file reads back with no difference', async t => {
	if (!needDocker(t) || !needCompose(t)) return;
	const d = await startDockerd();
	t.after(() => d.stop());
	await ensureStandinImage(d);
	await d.dockerOk(['network', 'create', 'bridge_network']);
	const files = renderCluster(planOf(seed())).filter(f => f.host === '192.168.1.71' && f.kind.endsWith('-compose'));
	const dir = mkdtempSync(join(tmpdir(), 'rmq-compose-'));
	const docker = new Docker({socketPath: d.socket});
	for (const file of files) {
		const local = join(dir, file.path.split('/').at(-2)!, 'docker-compose.yml');
		mkdirSync(dirname(local), {recursive: true});
		writeFileSync(local, file.content);
		for (const spec of specsFromCompose(file)) {
			const up = await compose(d, local, ['up', '--no-start', '--no-deps', spec.service]);
			assert.ok(up.ok, up.stderr);
			const observed = observedFrom((await docker.getContainer(spec.name).inspect()) as unknown as InspectShape);
			assert.equal(observed.labels['com.docker.compose.project'], local.split('/').at(-2));
			assert.deepEqual(differences(spec, observed, observed.imageId), [], spec.name);
		}
	}
});
