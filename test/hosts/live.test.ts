/**
 * The LiveHost of REAL hosts (test/testbed: network-namespace hosts with OpenSSH and Docker), after deploying the
 * seed cluster: stop, start, pause, unpause, kill and restart a broker through the LiveHost and see it in
 * `docker inspect` (the testbed's own docker CLI); every change arrives as a Docker event over the SSH connection,
 * with nothing sent while waiting (no polling); the broker's real broker.log (written by the test image's
 * simulator under the mounted logs dir) followed over SSH, as root and through sudo, the remote tail gone after
 * unsubscribing; the boot banner as `docker logs`; a host cut off by the harness ends its event stream and its
 * follows with an error within the keepalive window, and after heal a new watch works.
 */
import assert from 'node:assert/strict';
import type {Duplex} from 'node:stream';
import {after, before, test} from 'node:test';
import type {ContainerEvent, LogSink} from '../../source/deploy/host.ts';
import type {DockerContainerEvent} from '../../source/deploy/live-events.ts';
import {rocketmqLogPath} from '../../source/deploy/live-paths.ts';
import {RealHost} from '../../source/deploy/real-host.ts';
import type {Plan} from '../../source/plan/types.ts';
import {knownHostsFiles} from '../../source/remote/known-hosts-file.ts';
import {SshSession} from '../../source/remote/session.ts';
import type {Testbed} from '../testbed/testbed.ts';
import {deployedSeed, needTestbed} from './support.ts';

let bed: Testbed | undefined;
let plan: Plan | undefined;
const opened: RealHost[] = [];

/** Keepalive 500 ms × 3: a silent host is noticed in ~1.5 s (the default is 15 s × 3). */
const KEEPALIVE = {intervalMs: 500, countMax: 3};

let setup = '';

before(async () => {
	const seeded = await deployedSeed();
	if (seeded) ({bed, plan, setup} = seeded);
});
after(async () => {
	await Promise.allSettled(opened.map(h => h.close()));
	await bed?.stop();
});

/** An SSH session that counts what is written into its channels (an HTTP request, a command's input…). */
class CountingSession extends SshSession {
	writes = 0;
	private count<T extends Duplex>(channel: T): T {
		const write = channel.write.bind(channel) as (...args: unknown[]) => boolean;
		(channel as {write: (...args: unknown[]) => boolean}).write = (...args: unknown[]) => {
			this.writes++;
			return write(...args);
		};
		return channel;
	}
	override async forwardOutStreamLocal(path: string) {
		return this.count(await super.forwardOutStreamLocal(path));
	}
	override async openExec(command: string) {
		return this.count(await super.openExec(command));
	}
}

function liveHost(testbed: Testbed, hostIndex: number, user = 'root'): {host: RealHost; session: CountingSession} {
	const spec = plan!.hosts[hostIndex]!.spec;
	const session = new CountingSession({
		target: {...spec.ssh, user},
		ask: async () => undefined,
		confirmUnknownHost: async () => false,
		knownHosts: knownHostsFiles({user: [testbed.knownHostsFile], global: []}),
		agent: null,
		connectTimeoutMs: 2000,
		keepaliveIntervalMs: KEEPALIVE.intervalMs,
		keepaliveCountMax: KEEPALIVE.countMax,
		retries: 30,
		backoff: {initialMs: 100, maxMs: 500, jitter: 0},
	});
	const host = new RealHost({name: spec.name, session});
	opened.push(host);
	return {host, session};
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
		await sleep(20);
	}
}

function collector() {
	const lines: string[] = [];
	let ended: {error?: Error; atMs: number} | undefined;
	const sink: LogSink = {lines: l => lines.push(...l), end: error => (ended = {...(error ? {error} : {}), atMs: Date.now()})};
	return {lines, sink, ended: () => ended};
}

/** Processes on the test machine whose command line has `text` (the testbed shares the PID namespace). */
async function processes(testbed: Testbed, text: string): Promise<string[]> {
	const out = await testbed.execOk('h1', ['ps', '-eo', 'pid,args']);
	return out.split('\n').filter(l => l.includes(text) && !l.includes('ps -eo'));
}

const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARN|ERROR) \S+ - /;

test('real hosts: stop, start, pause, unpause, kill, restart through the LiveHost — seen by docker inspect, each arriving as events (no polling); broker.log and docker logs followed over SSH', async t => {
	if (!needTestbed(t) || !bed || !plan) return;
	const {host, session} = liveHost(bed, 0);
	t.diagnostic(setup);
	const started = Date.now();
	const offset = await host.clockOffset();
	assert.ok(Math.abs(offset) < 100, `same kernel clock: offset ${offset} ms`);

	const broker = plan.groups[0]!.replicas.find(r => r.host === plan!.hosts[0]!.spec.name)!;
	const name = broker.containerName;
	const inspect = async () => (await bed!.dockerOk('h1', ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name])).trim();
	const events: DockerContainerEvent[] = [];
	let eventsEnd: Error | undefined | 'none' = 'none';
	const stopEvents = await host.watchEvents(e => events.push(e), error => (eventsEnd = error));

	// No polling: while nothing happens, nothing is written into any channel of the connection.
	const idleFrom = session.writes;
	await sleep(1000);
	assert.equal(session.writes, idleFrom, 'no request while waiting for events');

	// broker.log as the non-root deployer (sudo; the file belongs to uid 3000), docker logs as root.
	const deployer = liveHost(bed, 0, 'deployer');
	const logPath = rocketmqLogPath(broker.logsDir, 'broker.log');
	const log = collector();
	const stopLog = await deployer.host.followFile(logPath, 5, log.sink);
	await until('the tail of broker.log', () => log.lines.length >= 5);
	assert.ok(log.lines.slice(0, 5).every(l => LOG_LINE.test(l)), log.lines.join('\n'));
	const banner = collector();
	const stopBanner = await host.followContainerLogs(name, 20, banner.sink);
	await until('the boot banner', () => banner.lines.some(l => /^The broker\[RaftNode00, .*\] boot success\. serializeType=JSON/.test(l)));

	const actions: Array<{do: () => Promise<void>; expect: string[]; state: string}> = [
		{do: () => host.stopContainer(name, 30), expect: ['kill', 'die', 'stop'], state: 'exited'},
		{do: () => host.startContainer(name), expect: ['start'], state: 'running 0'},
		{do: () => host.pauseContainer(name), expect: ['pause'], state: 'paused 0'},
		{do: () => host.unpauseContainer(name), expect: ['unpause'], state: 'running 0'},
		{do: () => host.killContainer(name), expect: ['kill', 'die'], state: 'exited 137'},
		{do: () => host.startContainer(name), expect: ['start'], state: 'running 0'},
		{do: () => host.restartContainer(name, 30), expect: ['kill', 'die', 'stop', 'start', 'restart'], state: 'running 0'},
	];
	for (const a of actions) {
		const from = events.length;
		const sent = Date.now();
		await a.do();
		const mine = await until(`${a.expect.join(', ')} events`, () => {
			const seen = events.slice(from).filter(e => e.name === name);
			return seen.length >= a.expect.length && seen;
		});
		const received = Date.now();
		t.diagnostic(`${a.expect.join('/')}: ${received - sent} ms`);
		assert.deepEqual(mine.map(e => e.action), a.expect);
		const die = mine.find(e => e.action === 'die');
		// the exit code in the die event is the one Docker keeps
		const state = a.state === 'exited' ? `exited ${die?.exitCode}` : a.state;
		assert.equal(await inspect(), state, `docker inspect after ${a.expect.join('/')}`);
		for (const e of mine) assert.ok(e.at >= sent - 200 && e.at <= received + 200, `${e.action} at ${e.at} within ${sent}..${received}`);
		if (a.expect[0] === 'kill' && a.expect.length === 2) {
			assert.equal(mine[0]!.signal, '9');
			assert.equal(mine[1]!.exitCode, 137);
		}
		if (a.expect.includes('stop')) {
			assert.equal(mine[0]!.signal, '15', 'docker stop: TERM first');
			// graceful: the wrapper waits for the JVM (0 or 143 depending on when TERM lands); never KILLed (137)
			assert.ok(die?.exitCode === 0 || die?.exitCode === 143, `exit ${die?.exitCode}`);
		}
	}
	assert.ok(session.writes > idleFrom, 'the counter sees the API requests of the actions');
	await assert.rejects(host.unpauseContainer(name), /not paused/);
	await assert.rejects(host.pauseContainer('rocketmq-no-such'), (e: Error & {kind?: string}) => e.kind === 'docker' && /No such container/.test(e.message));
	// A change made by someone else (the testbed's docker CLI) arrives too.
	const from = events.length;
	await bed.dockerOk('h1', ['pause', name]);
	await bed.dockerOk('h1', ['unpause', name]);
	await until('pause/unpause by the docker CLI', () => events.slice(from).filter(e => e.name === name).length >= 2);
	assert.equal(eventsEnd, 'none', 'the event stream lives on');

	// The first stop ended `docker logs --follow` normally (the container stopped).
	assert.ok(banner.ended() && banner.ended()!.error === undefined);
	await stopBanner();
	// The broker restarted several times: broker.log got its new lines over the same follow.
	const waitLines = Date.now();
	await until('new broker.log lines', () => log.lines.slice(5).some(l => /change to (slave|master)|register broker/.test(l)));
	assert.equal(log.ended(), undefined);
	t.diagnostic(`new broker.log lines after ${Date.now() - waitLines} ms more`);

	// Unsubscribing ends the remote tail (through sudo for the deployer, and for root).
	assert.notDeepEqual(await processes(bed, `tail -n 5 -F -- ${logPath}`), []);
	await stopLog();
	for (let i = 0; i < 50 && (await processes(bed, `tail -n 5 -F -- ${logPath}`)).length > 0; i++) await sleep(100);
	assert.deepEqual(await processes(bed, `tail -n 5 -F -- ${logPath}`), [], 'no tail left behind (deployer, sudo)');
	const rootLog = collector();
	const stopRootLog = await host.followFile(logPath, 2, rootLog.sink);
	await until('root tail', () => rootLog.lines.length >= 2);
	await stopRootLog();
	for (let i = 0; i < 50 && (await processes(bed, `tail -n 2 -F -- ${logPath}`)).length > 0; i++) await sleep(100);
	assert.deepEqual(await processes(bed, `tail -n 2 -F -- ${logPath}`), [], 'no tail left behind (root)');
	assert.equal(rootLog.ended(), undefined, 'no end after unsubscribing');

	t.diagnostic(`actions and follows: ${Date.now() - started} ms`);
	await stopEvents();
	const count = events.length;
	await bed.dockerOk('h1', ['pause', name]);
	await bed.dockerOk('h1', ['unpause', name]);
	await sleep(300);
	assert.equal(events.length, count, 'nothing after unsubscribing');
});

test('real hosts: a host cut off by the harness ends its event stream and log follow with an error within the keepalive window; healed, a new watch works', async t => {
	if (!needTestbed(t) || !bed || !plan) return;
	const {host} = liveHost(bed, 1);
	const broker = plan.groups[1]!.replicas.find(r => r.host === plan!.hosts[1]!.spec.name)!;
	let end: {error?: Error; atMs: number} | undefined;
	await host.watchEvents(() => {}, error => (end = {...(error ? {error} : {}), atMs: Date.now()}));
	const log = collector();
	await host.followFile(rocketmqLogPath(broker.logsDir, 'broker_default.log'), 1, log.sink);
	await until('the tail', () => log.lines.length >= 1);

	const cutAt = Date.now();
	await bed.cut('h2');
	let healed = false;
	try {
		const ended = await until('the event stream to end', () => end, 10_000);
		const within = ended.atMs - cutAt;
		assert.ok(within < KEEPALIVE.intervalMs * (KEEPALIVE.countMax + 4), `noticed after ${within} ms`);
		assert.ok(ended.error, 'ended with an error');
		assert.equal((ended.error as Error & {kind?: string}).kind, 'unreachable', ended.error!.message);
		assert.match(ended.error!.message, /SSH connection was lost/);
		const logEnd = await until('the log follow to end', () => log.ended(), 5000);
		assert.equal((logEnd.error as Error & {kind?: string}).kind, 'unreachable', logEnd.error?.message);
		await bed.heal('h2');
		healed = true;

		const events: ContainerEvent[] = [];
		const stop = await host.watchEvents(e => events.push(e), () => {});
		await host.pauseContainer(broker.containerName);
		await host.unpauseContainer(broker.containerName);
		await until('events after heal', () => events.filter(e => e.name === broker.containerName).length >= 2);
		assert.deepEqual(events.filter(e => e.name === broker.containerName).map(e => e.action), ['pause', 'unpause']);
		await stop();
		// The tail of the lost connection: sshd closes the session when its next write meets the reset connection,
		// its stdin ends, the script kills tail.
		const tailsLeft = () => processes(bed!, `tail -n 1 -F -- ${rocketmqLogPath(broker.logsDir, 'broker_default.log')}`);
		const healedAt = Date.now();
		for (let i = 0; i < 150 && (await tailsLeft()).length > 0; i++) await sleep(100);
		assert.deepEqual(await tailsLeft(), [], 'the remote tail of the lost connection is gone');
		t.diagnostic(`remote tail gone ${Date.now() - healedAt} ms after heal`);
	} finally {
		if (!healed) await bed.heal('h2');
	}
});
