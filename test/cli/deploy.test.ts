/**
 * `rmq-tui deploy` / `down` as commands (output, confirmation, exit codes, the recorded placement) on simulated
 * hosts; the same commands against real SSH + Docker hosts are in test/testbed/.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {deployCommand, downCommand, type CommandDeps} from '../../source/cli/commands/deploy.ts';
import {recordPath} from '../../source/deploy/record.ts';
import {memoryIO} from '../../source/cli/io.ts';
import {scriptedPrompter} from '../../source/cli/prompt.ts';
import {simWorld, type SimWorld} from '../../source/deploy/sim-world.ts';
import type {ClusterFile} from '../../source/inventory/schema.ts';
import {HOSTS, IMAGES, planOf, seed} from '../deploy/sim-support.ts';

const flags = {yes: false, dryRun: false, skipPreflight: false, adopt: false, breakLock: false};

async function withSim(cluster: ClusterFile, run: (world: SimWorld, deps: (answers?: string[]) => CommandDeps) => Promise<void>): Promise<void> {
	const world = await simWorld(planOf(cluster), {scale: 10, images: IMAGES, placement: HOSTS.map((_, i) => ({ip: `127.0.0.${61 + i}`, shift: 0}))});
	const deps = (answers: string[] = []): CommandDeps => ({
		prompter: scriptedPrompter(answers),
		fleet: () => ({hosts: world.hosts, observe: world.observe, close: async () => {}}),
		operator: {user: 'tester', from: 'ci', pid: 1},
		timeoutMs: 20_000,
		pollMs: 50,
	});
	try {
		await run(world, deps);
	} finally {
		await world.close();
	}
}

test('deploy shows the changes, asks, and applies only on yes; a second run has nothing to change', async () => {
	await withSim(seed(), async (world, deps) => {
		const declined = memoryIO();
		assert.equal(await deployCommand(seed(), flags, declined, deps(['n'])), 0);
		assert.match(declined.out(), /192\.168\.1\.71: \d+ change\(s\)[\s\S]*\+ create rocketmq-raftnode00-n0/);
		assert.match(declined.out(), /Nothing was changed/);
		assert.equal((await world.hosts.get('192.168.1.71')!.listContainers()).length, 0);

		const io = memoryIO();
		assert.equal(await deployCommand(seed(), flags, io, deps(['y'])), 0, io.err());
		assert.match(io.out(), /rollout 2\/3 {2}brokers of RaftNode00, RaftNode01: ok/);
		assert.match(io.out(), /Deployed RaftCluster to 3 hosts \(RaftNode00: leader n\d, RaftNode01: leader n\d\)/);
		const record = await world.hosts.get('192.168.1.76')!.readFile(recordPath(planOf(seed())));
		assert.match(record!, /placement:\n\s+RaftNode00:\n\s+n0:\n\s+host: 192\.168\.1\.71/);

		const again = memoryIO();
		assert.equal(await deployCommand(seed(), flags, again, deps()), 0);
		assert.match(again.out(), /Using the placement recorded on the hosts/);
		assert.match(again.out(), /Nothing to change: every host already runs this plan/);
	});
});

test('without a terminal deploy needs --yes; --dry-run changes nothing', async () => {
	await withSim(seed(), async (world, deps) => {
		const noTty: CommandDeps = {...deps(), prompter: {interactive: false, ask: async () => undefined, confirm: async () => false}};
		const io = memoryIO();
		assert.equal(await deployCommand(seed(), flags, io, noTty), 2);
		assert.match(io.err(), /add --yes/);
		const dry = memoryIO();
		assert.equal(await deployCommand(seed(), {...flags, dryRun: true}, dry, noTty), 0);
		assert.match(dry.out(), /\+ write \/data\/docker-services\/rocketmq\/broker\/conf\/RaftNode00-n0\.conf/);
		assert.equal((await world.hosts.get('192.168.1.71')!.listContainers()).length, 0);
		assert.equal(await deployCommand(seed(), {...flags, yes: true}, memoryIO(), noTty), 0);
		assert.equal((await world.hosts.get('192.168.1.71')!.listContainers()).length, 4);
	});
});

test('down asks, keeps data; --purge needs the cluster name typed', async () => {
	await withSim(seed(), async (world, deps) => {
		assert.equal(await deployCommand(seed(), {...flags, yes: true}, memoryIO(), deps()), 0);
		const wrongName = memoryIO();
		assert.equal(await downCommand(seed(), {yes: true, purge: true, breakLock: false}, wrongName, deps(['RaftClustr'])), 0);
		assert.match(wrongName.out(), /The name did not match\. Nothing was changed/);
		assert.equal((await world.hosts.get('192.168.1.71')!.listContainers()).length, 4);
		const down = memoryIO();
		assert.equal(await downCommand(seed(), {yes: false, purge: false, breakLock: false}, down, deps(['y'])), 0);
		assert.match(down.out(), /Removed 10 containers; data dirs kept/);
		const h1 = world.hosts.get('192.168.1.71')!;
		assert.ok(h1.files.has('/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf'));
		const purge = memoryIO();
		assert.equal(await downCommand(seed(), {yes: true, purge: true, breakLock: false}, purge, deps(['RaftCluster'])), 0);
		assert.match(purge.out(), /deleted 9 data dirs/);
		assert.equal(h1.files.has('/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf'), false);
	});
});
