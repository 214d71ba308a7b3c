/**
 * The LiveHost of simulated hosts (SimHost over the protocol simulator, timers ×10), after deploying the seed
 * cluster: Docker's events for stop/kill/pause/unpause/start/restart in order with sim-clock times, each action
 * driving the container's process; a broker's log files followed through its logs mount (HeartBeatTimeOut and
 * VOTE_RESULT after a leader kill); the boot banner as `docker logs`; unsubscribing stops the lines; a cut host ends
 * its streams with an error and fails its calls until healed.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {deploy} from '../../source/deploy/execute.ts';
import type {ContainerEvent, LogSink} from '../../source/deploy/host.ts';
import type {DockerContainerEvent} from '../../source/deploy/live-events.ts';
import {rocketmqLogPath} from '../../source/deploy/live-paths.ts';
import type {SimHost} from '../../source/deploy/sim-host.ts';
import type {SimWorld} from '../../source/deploy/sim-world.ts';
import type {BrokerPlan, Plan} from '../../source/plan/types.ts';
import {planOf, request, seed, withWorld} from './sim-support.ts';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

function collector() {
	const lines: string[] = [];
	let ended: {error?: Error} | undefined;
	const sink: LogSink = {lines: l => lines.push(...l), end: error => (ended = error ? {error} : {})};
	return {lines, sink, ended: () => ended};
}

async function deployed(world: SimWorld, plan: Plan): Promise<void> {
	const result = await deploy(request(world, plan, []));
	assert.deepEqual(result.failures, []);
}

const replicaOf = (plan: Plan, group: string, selfId: string): BrokerPlan => plan.groups.find(g => g.name === group)!.replicas.find(r => r.selfId === selfId)!;
const hostOf = (world: SimWorld, r: BrokerPlan): SimHost => world.hosts.get(r.host)!;

test('sim: events arrive in order with sim-clock times for stop, start, pause, unpause, kill, restart — each drives the process', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		await deployed(world, plan);
		const r = replicaOf(plan, 'RaftNode01', 'n1');
		const host = hostOf(world, r);
		const process = world.cluster.broker(`RaftNode01/n1`);
		const events: DockerContainerEvent[] = [];
		let ended = false;
		const from = world.clock.now();
		const stop = await host.watchEvents(e => events.push(e), () => (ended = true));
		const name = r.containerName;
		const state = async () => (await host.listContainers()).find(c => c.name === name)!.state;

		await host.stopContainer(name);
		assert.equal(process.status, 'stopped', 'graceful');
		assert.equal(await state(), 'exited');
		await host.startContainer(name);
		assert.equal(process.status, 'booting');
		await until('running', () => process.status === 'running');
		await host.pauseContainer(name);
		assert.equal(process.status, 'paused');
		assert.equal(await state(), 'paused');
		await assert.rejects(host.pauseContainer(name), /already paused/);
		await host.unpauseContainer(name);
		assert.equal(process.status, 'running');
		await host.killContainer(name);
		assert.equal(process.status, 'killed', 'abrupt');
		await assert.rejects(host.killContainer(name), /is not running/);
		await host.restartContainer(name);
		assert.equal(await state(), 'running');
		await until('events', () => events.length >= 10);
		const to = world.clock.now();

		assert.deepEqual(
			events.map(e => `${e.action}${e.exitCode !== undefined ? ` ${e.exitCode}` : ''}${e.signal ? ` sig${e.signal}` : ''}`),
			// restart of an exited container: no stop part
			['kill sig15', 'die 143', 'stop', 'start', 'pause', 'unpause', 'kill sig9', 'die 137', 'start', 'restart'],
		);
		assert.ok(events.every(e => e.host === host.name && e.name === name));
		for (let i = 1; i < events.length; i++) assert.ok(events[i]!.at >= events[i - 1]!.at, 'sim-clock times, in order');
		assert.ok(events[0]!.at >= from && events.at(-1)!.at <= to);
		assert.equal(ended, false);

		await stop();
		await host.stopContainer(name);
		await sleep(20);
		assert.equal(events.length, 10, 'nothing after unsubscribing');
	}, 81);
});

test('sim: a leader kill streams HeartBeatTimeOut and VOTE_RESULT from the followers\' broker_default.log; broker.log shows the new master; unsubscribe stops', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		await deployed(world, plan);
		const snap = await world.observe();
		const leaderId = snap.groups.find(g => g.group === 'RaftNode00')!.leader!;
		assert.ok(leaderId);
		const group = plan.groups.find(g => g.name === 'RaftNode00')!;
		const leader = group.replicas.find(r => r.selfId === leaderId)!;
		const followers = group.replicas.filter(r => r !== leader);
		const follows = await Promise.all(
			followers.map(async r => {
				const c = collector();
				const stop = await hostOf(world, r).followFile(rocketmqLogPath(r.logsDir, 'broker_default.log'), 3, c.sink);
				const b = collector();
				const stopB = await hostOf(world, r).followFile(rocketmqLogPath(r.logsDir, 'broker.log'), 0, b.sink);
				return {r, c, b, stop, stopB};
			}),
		);
		await until('the tails', () => follows.every(f => f.c.lines.length >= 3));
		assert.ok(follows.every(f => !f.b.lines.some(l => l.includes('change to slave'))), 'tail 0: nothing old');
		// 4.7.1's layout; a multi-line entry (an exception) arrives as its lines
		for (const f of follows) assert.ok(f.c.lines.some(l => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARN|ERROR) \S+ - /.test(l)), f.c.lines.join('\n'));

		await hostOf(world, leader).killContainer(leader.containerName);
		const all = () => follows.flatMap(f => f.c.lines);
		await until('HeartBeatTimeOut', () => all().some(l => l.includes(`[HeartBeatTimeOut] lastLeaderHeartBeatTime`)));
		const elected = await until('VOTE_RESULT', () => follows.find(f => f.c.lines.some(l => /\[VOTE_RESULT\] has been elected to be the leader/.test(l))));
		await until('change to master', () => elected.b.lines.some(l => l.includes('change to master brokerName=RaftNode00')));

		for (const f of follows) {
			await f.stop();
			await f.stopB();
		}
		const counts = follows.map(f => f.c.lines.length + f.b.lines.length);
		await hostOf(world, leader).startContainer(leader.containerName); // rejoins: the followers log again
		await sleep(300);
		assert.deepEqual(follows.map(f => f.c.lines.length + f.b.lines.length), counts, 'nothing after unsubscribing');
		assert.ok(follows.every(f => f.c.ended() === undefined), 'no end after unsubscribing');
	}, 81);
});

test('sim: docker logs shows the boot banner and ends when the container stops; a name server\'s namesrv.log through its mount', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		await deployed(world, plan);
		const r = replicaOf(plan, 'RaftNode00', 'n2');
		const host = hostOf(world, r);
		const logs = collector();
		const stop = await host.followContainerLogs(r.containerName, 10, logs.sink);
		await until('banner', () => logs.lines.length >= 1);
		assert.match(logs.lines[0]!, new RegExp(`^The broker\\[RaftNode00, ${r.ip.replace(/\./g, '\\.')}:${r.listenPort}\\] boot success\\. serializeType=JSON and name server is `));
		await host.restartContainer(r.containerName);
		await until('ended at the stop', () => logs.ended());
		assert.equal(logs.ended()!.error, undefined);
		await stop();
		const again = collector();
		await host.followContainerLogs(r.containerName, 10, again.sink);
		await until('a second banner', () => again.lines.length >= 2);
		assert.equal(again.lines[0], again.lines[1]);

		const ns = plan.namesrvs.find(n => n.host === r.host)!;
		const nsLog = collector();
		const stopNs = await host.followFile(rocketmqLogPath(ns.logsDir, 'namesrv.log'), 1000, nsLog.sink);
		await until('namesrv.log', () => nsLog.lines.some(l => l.includes('The Name Server boot success')));
		await stopNs();
		const nothing = collector();
		await (await host.followFile('/no/such/file', 10, nothing.sink))();
		assert.deepEqual(nothing.lines, []);
	}, 81);
});

test('sim: a cut host ends its event stream and log follows with an error, fails its calls; healed, a new watch works', async () => {
	const plan = planOf(seed());
	await withWorld(plan, async world => {
		await deployed(world, plan);
		const r = replicaOf(plan, 'RaftNode01', 'n0');
		const host = hostOf(world, r);
		let end: Error | undefined;
		const events: ContainerEvent[] = [];
		await host.watchEvents(e => events.push(e), error => (end = error));
		const log = collector();
		await host.followFile(rocketmqLogPath(r.logsDir, 'broker.log'), 5, log.sink);
		host.cut();
		await until('the events end', () => end);
		assert.match(end!.message, /connection was lost/);
		await until('the follow ends', () => log.ended()?.error);
		await assert.rejects(host.pauseContainer(r.containerName), (e: Error & {kind?: string}) => e.kind === 'unreachable');
		await assert.rejects(host.watchEvents(() => {}, () => {}), /connection was lost/);
		host.heal();
		const after: ContainerEvent[] = [];
		const stop = await host.watchEvents(e => after.push(e), () => {});
		await host.pauseContainer(r.containerName);
		await host.unpauseContainer(r.containerName);
		await until('events after heal', () => after.length === 2);
		assert.deepEqual(after.map(e => e.action), ['pause', 'unpause']);
		assert.equal(events.length, 0);
		assert.equal(await host.clockOffset(), 0);
		await stop();
	}, 81);
});
