/**
 * The pure parts of the live streams: lines out of chunks (LF/CRLF, UTF-8 cut anywhere, a partial last line),
 * the batched and bounded delivery to a sink, Docker's event JSON as ContainerEvents (noise dropped, exit codes,
 * the host's clock offset), the clock reading, the log paths through a container's mounts — and the remote
 * `tail -F` script, run here with the local sh: closing its stdin ends it and its tail.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {appendFileSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import type {LogSink} from '../../source/deploy/host.ts';
import {containerEventOf, normaliseAction, offsetFrom, parseDateMs, parseEventLine, stateAfter} from '../../source/deploy/live-events.ts';
import {LineBatcher, LineSplitter, lastLines, splitLines} from '../../source/deploy/live-lines.ts';
import {logPathsOf, rocketmqLogFile, rocketmqLogPath} from '../../source/deploy/live-paths.ts';
import {FOLLOW_SCRIPT} from '../../source/deploy/live-real.ts';
import type {ContainerSpec} from '../../source/deploy/spec.ts';

const turn = () => new Promise<void>(resolve => setImmediate(resolve));

test('LineSplitter: complete lines only, across chunks; CRLF (even split between \\r and \\n); UTF-8 cut mid-character; the partial last line waits for end()', () => {
	const s = new LineSplitter();
	assert.deepEqual(s.push('2026-11-25 11:37:06 INFO main - a'), []);
	assert.deepEqual(s.push('bc\nsecond\r'), ['2026-11-25 11:37:06 INFO main - abc']);
	assert.deepEqual(s.push('\nthird\r\nfour'), ['second', 'third']);
	const euro = Buffer.from('€ five\n', 'utf8');
	assert.deepEqual(s.push(euro.subarray(0, 1)), []);
	assert.deepEqual(s.push(euro.subarray(1)), ['four€ five']);
	assert.deepEqual(s.push('\n\n'), ['', '']);
	assert.deepEqual(s.push('tail without end\r'), []);
	assert.deepEqual(s.end(), ['tail without end']);
	assert.deepEqual(s.end(), []);
});

test('LineSplitter: a line without end is cut at the cap instead of growing', () => {
	const s = new LineSplitter(10);
	assert.deepEqual(s.push('x'.repeat(25)), ['x'.repeat(10), 'x'.repeat(10)]);
	assert.deepEqual(s.push('\n'), ['x'.repeat(5)]);
});

test('splitLines and lastLines: multi-line entries become lines; the last n (none for 0)', () => {
	assert.deepEqual(splitLines(['a', 'b\nat x.y(Z.java:1)\r', 'c']), ['a', 'b', 'at x.y(Z.java:1)', 'c']);
	assert.deepEqual(lastLines(['a', 'b', 'c'], 2), ['b', 'c']);
	assert.deepEqual(lastLines(['a'], 0), []);
});

function recorder() {
	const calls: Array<string[] | {end?: Error}> = [];
	const sink: LogSink = {lines: l => calls.push(l), end: e => calls.push(e ? {end: e} : {})};
	return {calls, sink};
}

test('LineBatcher: asynchronous, batched, bounded (oldest dropped), end after the last lines and once, nothing after close', async () => {
	const {calls, sink} = recorder();
	const b = new LineBatcher(sink, 3);
	b.push(['1', '2']);
	b.push(['3', '4', '5']);
	assert.deepEqual(calls, [], 'never synchronous');
	await turn();
	assert.deepEqual(calls, [['3', '4', '5']]);
	assert.equal(b.dropped, 2);
	b.push(['6']);
	b.end(new Error('lost'));
	b.end();
	b.push(['7']);
	await turn();
	await turn();
	assert.equal(calls.length, 3);
	assert.deepEqual(calls[1], ['6']);
	assert.equal((calls[2] as {end?: Error} | undefined)?.end?.message, 'lost');

	const other = recorder();
	const c = new LineBatcher(other.sink);
	c.push(['x']);
	c.close();
	c.end();
	await turn();
	assert.deepEqual(other.calls, []);
});

const event = (over: Record<string, unknown> = {}, attributes: Record<string, string> = {}) =>
	JSON.stringify({
		status: 'die',
		id: 'f00dfeed00112233',
		from: 'apacherocketmq/rocketmq:4.7.1-alpine',
		Type: 'container',
		Action: 'die',
		Actor: {ID: 'f00dfeed00112233', Attributes: {exitCode: '137', image: 'apacherocketmq/rocketmq:4.7.1-alpine', name: 'rocketmq-raftnode00-n1', 'io.rmq-tui.role': 'broker', ...attributes}},
		scope: 'local',
		time: 1764041826,
		timeNano: 1764041826123456789,
		...over,
	});

test('Docker event JSON → ContainerEvent: name, action, exit code, time moved by the host clock offset', () => {
	const die = containerEventOf('h1', parseEventLine(event()), 250);
	assert.deepEqual(die, {host: 'h1', name: 'rocketmq-raftnode00-n1', action: 'die', at: 1764041826123 - 250, exitCode: 137, id: 'f00dfeed00112233'});
	const stop = containerEventOf('h1', parseEventLine(event({status: 'stop', Action: 'stop'}, {exitCode: undefined as unknown as string})), -40);
	assert.equal(stop?.action, 'stop');
	assert.equal(stop?.exitCode, undefined);
	assert.equal(stop?.at, 1764041826123 + 40);
	const graceful = containerEventOf('h1', parseEventLine(event({}, {exitCode: '143'})), 0);
	assert.equal(graceful?.exitCode, 143);
	const kill = containerEventOf('h2', parseEventLine(event({status: 'kill', Action: 'kill'}, {signal: '9'})), 0);
	assert.equal(kill?.action, 'kill');
	assert.equal(kill?.signal, '9');
	// seconds only (an old daemon): whole seconds
	const old = containerEventOf('h1', {status: 'pause', id: 'abc', Actor: {Attributes: {name: '/rocketmq-namesrv'}}, time: 1764041826}, 0);
	assert.deepEqual(old, {host: 'h1', name: 'rocketmq-namesrv', action: 'pause', at: 1764041826000, id: 'abc'});
});

test('Docker event noise: exec_* dropped, health_status keeps its status apart, other types and bad lines ignored', () => {
	assert.equal(containerEventOf('h1', parseEventLine(event({status: 'exec_create: sh -c true', Action: 'exec_create: sh -c true'})), 0), undefined);
	assert.equal(containerEventOf('h1', parseEventLine(event({Action: 'exec_die'})), 0), undefined);
	const health = containerEventOf('h1', parseEventLine(event({status: 'health_status: unhealthy', Action: 'health_status: unhealthy'})), 0);
	assert.equal(health?.action, 'health_status');
	assert.equal(health?.health, 'unhealthy');
	assert.equal(containerEventOf('h1', parseEventLine(event({Type: 'network', Action: 'connect'})), 0), undefined);
	assert.equal(parseEventLine(''), undefined);
	assert.equal(parseEventLine('{"status":'), undefined);
	assert.equal(parseEventLine('[1]'), undefined);
	assert.equal(containerEventOf('h1', parseEventLine('{"Type":"container","Action":"start"}'), 0), undefined, 'no name, no time');
	assert.deepEqual(normaliseAction('health_status: healthy'), {action: 'health_status', detail: 'healthy'});
	assert.deepEqual(normaliseAction('start'), {action: 'start'});
});

test('stateAfter: the container state an action leaves', () => {
	assert.deepEqual(
		['create', 'start', 'pause', 'unpause', 'kill', 'oom', 'die', 'stop', 'restart', 'destroy', 'health_status', 'health_status: healthy', 'exec_start'].map(stateAfter),
		['created', 'running', 'paused', 'running', undefined, undefined, 'exited', 'exited', 'running', 'removed', undefined, undefined, undefined],
	);
});

test('clock: date +%s%3N parsed (seconds-only date → mid-second); offset from the shortest round trip, at its midpoint', () => {
	assert.equal(parseDateMs('1764041826123\n'), 1764041826123);
	assert.equal(parseDateMs('1764041826%3N\n'), 1764041826500);
	assert.equal(parseDateMs('17640418263N'), 1764041826500);
	assert.equal(parseDateMs('date: invalid'), undefined);
	assert.equal(offsetFrom([]), undefined);
	assert.equal(
		offsetFrom([
			{sentMs: 1000, hostMs: 1600, backMs: 1200},
			{sentMs: 2000, hostMs: 2520, backMs: 2020},
		]),
		510,
	);
});

const broker: ContainerSpec = {
	host: 'h1',
	name: 'rocketmq-raftnode00-n0',
	role: 'broker',
	group: 'RaftNode00',
	selfId: 'n0',
	image: 'apacherocketmq/rocketmq:4.7.1-alpine',
	command: ['sh', 'mqbroker', '-c', '/home/rocketmq/conf/RaftNode00-n0.conf'],
	env: [],
	ports: [],
	mounts: [
		{source: '/data/rmq/broker/conf', target: '/home/rocketmq/conf', readOnly: true},
		{source: '/data/rmq/broker/logs/RaftNode00-n0', target: '/home/rocketmq/logs', readOnly: false},
		{source: '/data/rmq/broker/store/RaftNode00-n0', target: '/home/rocketmq/store', readOnly: false},
	],
	init: true,
	restart: 'unless-stopped',
	labels: {},
	network: 'bridge_network',
	composeFile: '/data/rmq/broker/docker-compose.yml',
	service: 'raftnode00-n0',
};

test('log paths: a container\'s log files on the host through its logs mount, and back', () => {
	assert.deepEqual(logPathsOf(broker), ['/data/rmq/broker/logs/RaftNode00-n0/rocketmqlogs/broker.log', '/data/rmq/broker/logs/RaftNode00-n0/rocketmqlogs/broker_default.log']);
	assert.equal(rocketmqLogPath('/data/rmq/namesrv/logs', 'namesrv.log'), '/data/rmq/namesrv/logs/rocketmqlogs/namesrv.log');
	assert.equal(rocketmqLogFile(broker, '/data/rmq/broker/logs/RaftNode00-n0/rocketmqlogs/broker_default.log'), 'broker_default.log');
	assert.equal(rocketmqLogFile(broker, '/data/rmq/broker/logs/RaftNode00-n0/other.log'), undefined);
	assert.equal(rocketmqLogFile(broker, '/data/rmq/broker/store/RaftNode00-n0/rocketmqlogs/broker.log'), undefined);
	assert.deepEqual(logPathsOf({...broker, role: 'console', mounts: []}), []);
});

test('the remote tail -F script (local sh): the last N lines, then new ones; EOF on its stdin ends it and its tail', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-follow-'));
	const file = join(dir, 'broker.log');
	writeFileSync(file, 'one\ntwo\nthree\n');
	const child = spawn('sh', ['-c', FOLLOW_SCRIPT, 'sh', '2', file], {stdio: ['pipe', 'pipe', 'pipe']});
	const lines = new LineSplitter();
	const seen: string[] = [];
	child.stdout.on('data', (chunk: Buffer) => seen.push(...lines.push(chunk)));
	const until = async (what: () => boolean) => {
		for (let i = 0; i < 200 && !what(); i++) await new Promise(r => setTimeout(r, 25));
		assert.ok(what(), seen.join('|'));
	};
	await until(() => seen.length >= 2);
	appendFileSync(file, 'four\n');
	await until(() => seen.includes('four'));
	assert.deepEqual(seen, ['two', 'three', 'four']);
	const tails = () => execFileSync('sh', ['-c', `ps -eo pid,args | grep -F "tail -n 2 -F -- ${file}" | grep -v grep || true`]).toString().trim();
	assert.notEqual(tails(), '', 'tail runs');
	const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
	child.stdin.end();
	const code = await exited;
	assert.notEqual(code, 0, 'ended by the kill');
	await until(() => tails() === '');
});
