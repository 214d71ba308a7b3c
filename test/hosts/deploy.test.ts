/**
 * Deploy on REAL test hosts: three network-namespace hosts with their own IP, OpenSSH and Docker (test/testbed),
 * the RocketMQ test image (the protocol simulator at the image's real paths, uid 3000) uploaded with
 * --image-archive. Everything goes through the code under test: one SSH session per host, Docker over that
 * connection, the probe dialling through it. Checks are made with the testbed's own tools (docker CLI inside the
 * host) or over the RocketMQ wire protocol.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {escapeValue} from '../../source/format/properties.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';
import {containerIds, deployTo, fleetFor, needTestbed, planFor, testCluster, useTestbed} from './support.ts';

const testbed = useTestbed();
/** Every deploy here carries it: broker.conf values are written over SFTP, never through a shell. */
const NASTY = `$(touch /tmp/pwned1); \`touch /tmp/pwned2\`; '"; touch /tmp/pwned3`;
const props = (extra: Record<string, string> = {}) => ({brokerProperties: {rmqTuiNote: NASTY, ...extra}});


test('the seed topology deploys to three real hosts and both groups elect; again: nothing changes', async t => {
	const bed = testbed.bed();
	const archive = testbed.archive();
	if (!needTestbed(t) || !bed) return;
	const cluster = testCluster(bed, props());
	const first = await deployTo(bed, cluster, {imageArchive: archive});
	assert.deepEqual(first.result.failures, []);
	const imageSteps = first.events.filter(e => e.type === 'host' && e.step === 'image' && e.state === 'ok');
	assert.equal(imageSteps.length, 3);
	const plan = planFor(cluster);
	const fleet = fleetFor(bed, plan);
	try {
		const snap = await fleet.observe();
		for (const g of snap.groups) assert.equal(g.verdict, 'healthy', `${g.group}: ${g.reasons.join('; ')}`);
	} finally {
		await fleet.close();
	}
	// The hosts have docker-compose (v1): the containers are its, project = the file's directory, as the runbook's.
	assert.equal(await bed.dockerOk('h1', ['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', 'rocketmq-raftnode00-n0']), 'broker');
	assert.equal(await bed.dockerOk('h1', ['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', 'rocketmq-console']), 'console');
	// Ownership as the image needs it, seen from inside the host.
	assert.equal(await bed.execOk('h1', ['stat', '-c', '%u:%g', '/data/docker-services/rocketmq/broker/store/RaftNode00-n0']), '3000:3000');
	assert.match(await bed.execOk('h2', ['cat', '/data/docker-services/rocketmq/.rmq-tui/audit.log']), /"operation":"deploy".*"result":"ok"/);
	// Shell metacharacters in a value: in the file literally, run nowhere.
	assert.ok((await bed.execOk('h3', ['cat', '/data/docker-services/rocketmq/broker/conf/RaftNode00-n2.conf'])).split("\n").includes(`rmqTuiNote=${escapeValue(NASTY)}`));
	for (const h of bed.hosts) assert.equal((await bed.exec(h, ['sh', '-c', 'ls /tmp/pwned* 2>/dev/null | wc -l'])).stdout.trim(), '0', `${h.name}: nothing ran`);

	const before = await containerIds(bed);
	assert.equal(Object.keys(before).length, 10);
	const again = await deployTo(bed, cluster, {imageArchive: archive});
	assert.deepEqual(again.result.failures, []);
	assert.ok(again.result.changes!.hosts.every(h => h.files.every(f => f.kind === 'unchanged') && h.containers.every(c => c.kind === 'keep')));
	assert.equal(again.events.filter(e => e.type === 'rollout').length, 0, 'no rollout step at all');
	assert.deepEqual(await containerIds(bed), before, 'no container ID or start time changed');
});

test('one changed broker option recreates only the brokers, one at a time, leader last; the brokers report it', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	const base = testCluster(bed, props());
	const before = await containerIds(bed);
	const plan = planFor(base);
	const fleet = fleetFor(bed, plan);
	const leaders = Object.fromEntries((await fleet.observe()).groups.map(g => [g.group, g.leader]));
	await fleet.close();
	const changed = {...testCluster(bed, props({maxMessageSize: '1048576'})), placement: plan.placement};
	const {result, events} = await deployTo(bed, changed);
	assert.deepEqual(result.failures, []);
	const steps = events.filter(e => e.type === 'rollout' && e.state === 'running').map(e => (e as {title: string}).title);
	assert.equal(steps.length, 6, steps.join(' | '));
	for (const group of ['RaftNode00', 'RaftNode01']) assert.equal(steps.filter(s => s.startsWith(group))[2], `${group}/${leaders[group]} (leader, last)`);
	const afterIds = await containerIds(bed);
	const same = Object.keys(afterIds).filter(k => afterIds[k] === before[k]).map(k => k.replace(/^h\d\//, ''));
	assert.deepEqual(same.sort(), ['rocketmq-console', 'rocketmq-namesrv', 'rocketmq-namesrv', 'rocketmq-namesrv']);
	const client = new RemotingClient({socketFactory: directTcp()});
	try {
		for (const r of planFor(changed).groups.flatMap(g => g.replicas)) {
			assert.equal((await client.brokerConfig(`${r.ip}:${r.listenPort}`)).get('maxMessageSize'), '1048576', `${r.group}/${r.selfId}`);
		}
	} finally {
		await client.close();
	}
});

test('rmq-tui console: the loopback-only console answers through an SSH tunnel from here', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	const {SshSession} = await import('../../source/remote/session.ts');
	const {knownHostsFiles} = await import('../../source/remote/known-hosts-file.ts');
	const {openTunnel} = await import('../../source/cli/commands/console.ts');
	const session = new SshSession({target: {host: '10.99.0.11', user: 'root', identity: bed.clientKey}, ask: async () => undefined, confirmUnknownHost: async () => false, knownHosts: knownHostsFiles({user: [bed.knownHostsFile], global: []}), agent: null});
	const tunnel = await openTunnel(session, 19876, 0, () => {});
	try {
		const response = await fetch(`http://127.0.0.1:${tunnel.port}/`);
		assert.equal(response.status, 200);
		await response.arrayBuffer();
	} finally {
		await tunnel.close();
		await session.close();
	}
});

test('down removes containers and network, keeps every data dir; the next deploy brings the same cluster back', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	const {teardown} = await import('../../source/deploy/teardown.ts');
	const cluster = testCluster(bed, props({maxMessageSize: '1048576'}));
	const plan = planFor(cluster);
	const fleet = fleetFor(bed, plan);
	try {
		const result = await teardown({plan, hosts: fleet.hosts, operator: {user: 'tester', from: 'testbed', pid: process.pid}, emit: () => {}});
		assert.deepEqual(result.failures, []);
		assert.equal(result.removed.length, 10);
	} finally {
		await fleet.close();
	}
	for (const h of bed.hosts) {
		assert.equal((await bed.dockerOk(h, ['ps', '-aq'])).trim(), '', `${h.name}: no containers`);
		assert.equal((await bed.docker(h, ['network', 'inspect', 'bridge_network'])).code, 1, `${h.name}: network removed`);
		assert.equal((await bed.exec(h, ['sh', '-c', 'ls /data/docker-services/rocketmq/broker/store/*/ | wc -l'])).code, 0);
	}
	const back = await deployTo(bed, cluster);
	assert.deepEqual(back.result.failures, []);
});
