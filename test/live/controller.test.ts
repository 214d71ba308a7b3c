/**
 * The pane's controller against scripted hosts: one listing per connect and then events only; a host that drops
 * is retried with backoff while the others live on; log floods are batched into frames; drill actions are
 * journalled on the host (take-downs before, bring-backs after); the undo offer; the report.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PaneController, type PaneOptions} from '../../source/live/controller.ts';
import {paneMode} from '../../source/live/model.ts';
import {waitFor} from '../support/wait.ts';
import {FakeHost} from './fake-host.ts';
import {allRunning, PLAN3, PlanWorld, Snapshots, T0} from './support.ts';

const JOURNAL = '/data/docker-services/rocketmq/.rmq-tui/rmq-tui-drills.jsonl';

function setup(options: PaneOptions = {}) {
	const hosts = new Map(PLAN3.hosts.map(h => [h.spec.name, new FakeHost(h.spec.name)] as const));
	for (const [name, h] of hosts) h.containers = allRunning(PLAN3, name);
	const world = new PlanWorld(PLAN3, {RaftNode00: 'n0', RaftNode01: 'n1'});
	const snaps = new Snapshots();
	let clock = T0;
	const now = () => (clock += 1);
	let probes = 0;
	const controller = new PaneController(
		{
			plan: PLAN3,
			hosts: new Map([...hosts].map(([n, h]) => [n, h.asLive()])),
			observe: async () => {
				probes++;
				return snaps.next(world.world, now());
			},
			source: 'test',
		},
		{intervalMs: 20, now, frameMs: 20, backoff: {initialMs: 30, maxMs: 60, jitter: 0}, operator: 'tester@box (pid 1)', ...options},
	);
	let frames = 0;
	controller.subscribe(() => frames++);
	return {hosts, world, controller, frames: () => frames, probes: () => probes};
}

const connected = (c: PaneController) => () => Object.values(c.get().hosts).every(h => h.status === 'connected');

test('containers come from one listing and then from events; nothing polls Docker', async () => {
	const {hosts, controller, probes} = setup();
	controller.start();
	try {
		await waitFor('every host connected', 3000, connected(controller));
		const h0 = hosts.get('h0')!;
		h0.emit({name: 'rocketmq-raftnode01-n0', action: 'die', at: T0 + 5000, exitCode: 137});
		await waitFor('the event applied', 2000, () => controller.get().hosts.h0!.containers['rocketmq-raftnode01-n0']!.state === 'exited');
		await waitFor('a few probe rounds', 2000, () => probes() >= 10);
		for (const h of hosts.values()) assert.equal(h.calls.filter(c => c === 'listContainers').length, 1, `${h.name}: ${h.calls.join(', ')}`);
		assert.equal(h0.watching, 1);
	} finally {
		await controller.close();
	}
	for (const h of hosts.values()) assert.equal(h.watching, 0, 'close unsubscribes');
});

test('a host that drops is unreachable with its error, retried with backoff, and back; the others live on', async () => {
	const {hosts, controller} = setup();
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		const h1 = hosts.get('h1')!;
		h1.cut('read ECONNRESET');
		await waitFor('h1 unreachable', 2000, () => controller.get().hosts.h1!.status === 'unreachable');
		const s = controller.get();
		assert.equal(s.hosts.h1!.error, 'read ECONNRESET');
		assert.ok(s.hosts.h1!.retryAt! > Date.now() - 100);
		assert.equal(s.hosts.h0!.status, 'connected');
		assert.equal(s.hosts.h2!.status, 'connected');
		await waitFor('a failed retry', 3000, () => controller.get().hosts.h1!.retries >= 2);
		h1.heal();
		await waitFor('h1 back', 3000, () => controller.get().hosts.h1!.status === 'connected');
		assert.ok(h1.calls.filter(c => c === 'listContainers').length >= 2, 'listed again after reconnecting');
		assert.equal(h1.watching, 1);
		assert.equal(controller.get().hosts.h1!.error, undefined);
	} finally {
		await controller.close();
	}
});

test("every broker's broker.log and broker_default.log are followed; their first tails merge by time", async () => {
	const {hosts, controller} = setup();
	const h0 = hosts.get('h0')!;
	const dir = '/data/docker-services/rocketmq/broker/logs/RaftNode00-n0/rocketmqlogs';
	h0.files.set(`${dir}/broker.log`, '2026-11-25 11:37:01 INFO a - one\n2026-11-25 11:37:03 INFO a - three\n');
	h0.files.set(`${dir}/broker_default.log`, '2026-11-25 11:37:02 INFO b - two\n');
	controller.start();
	try {
		await waitFor('both tails', 3000, () => controller.get().logs['h0/rocketmq-raftnode00-n0']?.lines.length === 3);
		assert.deepEqual(controller.get().logs['h0/rocketmq-raftnode00-n0']!.lines.map(l => l.slice(-3)), ['one', 'two', 'ree']);
		assert.equal(controller.get().logs['h0/rocketmq-raftnode00-n0']!.source, 'broker.log + broker_default.log');
		assert.equal(h0.calls.filter(c => c.startsWith('followFile')).length, 4, 'two brokers × two files');
		h0.write(`${dir}/broker_default.log`, ['2026-11-25 11:37:09 INFO b - [n0] [VOTE_RESULT] has been elected to be the leader in term 2']);
		await waitFor('the new line', 2000, () => controller.get().logs['h0/rocketmq-raftnode00-n0']!.lines.length === 4);
		assert.ok(!h0.calls.some(c => c.startsWith('followContainerLogs rocketmq-raftnode')), 'docker logs of a broker shows only its banner: not followed');
		assert.ok(h0.calls.includes('followContainerLogs rocketmq-namesrv'), 'the selected name server: docker logs');
	} finally {
		await controller.close();
	}
});

test('a log flood: rings stay bounded and frames stay at most one per frame time', async () => {
	const {hosts, controller, frames} = setup({ringLines: 500});
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		const h0 = hosts.get('h0')!;
		const file = '/data/docker-services/rocketmq/broker/logs/RaftNode00-n0/rocketmqlogs/broker.log';
		await waitFor('followed', 2000, () => (h0.follows.get(file)?.size ?? 0) > 0);
		const before = frames();
		const started = performance.now();
		let sent = 0;
		while (performance.now() - started < 500) {
			h0.write(file, Array.from({length: 50}, () => `2026-11-25 11:37:01 INFO flood - line ${sent++}`));
			await new Promise(r => setImmediate(r));
		}
		const elapsed = performance.now() - started;
		await waitFor('the last batch', 2000, () => controller.get().logs['h0/rocketmq-raftnode00-n0']!.total >= sent);
		const tail = controller.get().logs['h0/rocketmq-raftnode00-n0']!;
		assert.equal(tail.lines.length, 500);
		assert.equal(tail.lines.at(-1), `2026-11-25 11:37:01 INFO flood - line ${sent - 1}`);
		const drawn = frames() - before;
		assert.ok(sent > 5000, `flooded ${sent} lines`);
		assert.ok(drawn <= elapsed / 20 + 5, `${drawn} frames for ${sent} lines in ${elapsed.toFixed(0)} ms`);
	} finally {
		await controller.close();
	}
});

test('a kill is journalled on its host before it is sent, a start after it succeeded; the drill opens when sent', async () => {
	const {hosts, controller} = setup();
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		await waitFor('a snapshot', 2000, () => controller.get().snapshot !== undefined);
		const t = controller.get().config.targets.find(x => x.id === 'RaftNode00/n0')!;
		const h0 = hosts.get('h0')!;
		await controller.sendDrill(t, 'kill');
		const order = h0.calls.filter(c => c.startsWith('appendFile') || c.startsWith('kill'));
		assert.deepEqual(order, [`appendFile ${JOURNAL}`, 'kill rocketmq-raftnode00-n0']);
		const record = JSON.parse(h0.files.get(JOURNAL)!.trim()) as Record<string, unknown>;
		assert.deepEqual([record.action, record.target, record.container, record.by, record.drill], ['kill', 'RaftNode00/n0', 'rocketmq-raftnode00-n0', 'tester@box (pid 1)', 'drill-1']);
		assert.equal(controller.get().session.open[0]?.id, 'drill-1');
		await controller.sendDrill(t, 'start');
		assert.deepEqual(h0.calls.filter(c => c.startsWith('appendFile') || c.startsWith('kill') || c.startsWith('start')).slice(2), ['start rocketmq-raftnode00-n0', `appendFile ${JOURNAL}`]);
		assert.equal(controller.get().session.open.length, 1, 'the start continues the same drill');
		h0.failAction = 'Cannot kill container: not running';
		await controller.sendDrill(controller.get().config.targets.find(x => x.id === 'RaftNode01/n0')!, 'kill');
		assert.equal(controller.get().session.open.length, 1, 'a failed send leaves no drill behind');
		assert.match(controller.get().flash!.text, /kill RaftNode01\/n0 failed: Cannot kill container: not running/);
	} finally {
		await controller.close();
	}
});

test('a take-down that cannot be journalled is not sent', async () => {
	const {hosts, controller} = setup();
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		const h2 = hosts.get('h2')!;
		h2.appendFile = async () => {
			throw new Error('Permission denied');
		};
		await controller.sendDrill(controller.get().config.targets.find(x => x.id === 'RaftNode00/n2')!, 'stop');
		assert.ok(!h2.calls.some(c => c.startsWith('stop')));
		assert.match(controller.get().flash!.text, /not sent: stop RaftNode00\/n2 could not be recorded in the drill journal on h2 \(Permission denied\)/);
		assert.equal(controller.get().session.open.length, 0);
	} finally {
		await controller.close();
	}
});

test('a cluster rmq-tui did not deploy: the journal dir is made on first use', async () => {
	const {hosts, controller} = setup();
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		const h0 = hosts.get('h0')!;
		h0.dirs = new Set();
		await controller.sendDrill(controller.get().config.targets.find(x => x.id === 'RaftNode00/n0')!, 'pause');
		assert.deepEqual(h0.calls.filter(c => /^(appendFile|makeDirs|pause)/.test(c)), [`appendFile ${JOURNAL}`, 'makeDirs /data/docker-services/rocketmq/.rmq-tui', `appendFile ${JOURNAL}`, 'pause rocketmq-raftnode00-n0']);
	} finally {
		await controller.close();
	}
});

test('what an earlier run left stopped or paused is offered for undo; y starts it and journals that', async () => {
	const {hosts, controller} = setup();
	const h1 = hosts.get('h1')!;
	h1.containers = h1.containers.map(c => (c.name === 'rocketmq-raftnode00-n1' ? {...c, state: 'exited' as const} : c));
	h1.files.set(JOURNAL, `${JSON.stringify({v: 1, at: T0 - 60_000, action: 'kill', host: 'h1', container: 'rocketmq-raftnode00-n1', target: 'RaftNode00/n1', by: 'ann@laptop (pid 7)', drill: 'drill-3'})}\n`);
	controller.start();
	try {
		await waitFor('the offer', 3000, () => paneMode(controller.get()) === 'pane.undo');
		assert.deepEqual(controller.get().undo!.actions.map(a => `${a.action} ${a.target} (${a.cause} by ${a.by})`), ['start RaftNode00/n1 (kill by ann@laptop (pid 7))']);
		controller.key('y', 'y', {logHeight: 5});
		await waitFor('started', 2000, () => h1.calls.includes('start rocketmq-raftnode00-n1'));
		await waitFor('journalled', 2000, () => h1.files.get(JOURNAL)!.includes('"action":"start"'));
		assert.equal(paneMode(controller.get()), 'pane');
	} finally {
		await controller.close();
	}
});

test('--report writes FILE.md and FILE.json on close; w writes one now', async () => {
	const written = new Map<string, string>();
	const writeText = async (path: string, text: string) => void written.set(path, text);
	const {controller} = setup({reportFile: '/tmp/x/drills.md', writeText, cwd: '/work'});
	controller.start();
	await waitFor('connected', 3000, connected(controller));
	controller.key('w', 'w', {logHeight: 5});
	await waitFor('the report', 2000, () => written.size === 2);
	assert.deepEqual([...written.keys()], ['/tmp/x/drills.md', '/tmp/x/drills.json']);
	assert.match(controller.get().flash!.text, /wrote \/tmp\/x\/drills\.md and \/tmp\/x\/drills\.json \(0 drills\)/);
	written.clear();
	await controller.close();
	assert.match(written.get('/tmp/x/drills.md')!, /^# rmq-tui failover drills/);
	assert.equal((JSON.parse(written.get('/tmp/x/drills.json')!) as {format: string}).format, 'rmq-tui-drills');
	const other = setup({writeText, cwd: '/work'});
	other.controller.start();
	other.controller.key('w', 'w', {logHeight: 5});
	await waitFor('the default name', 2000, () => [...written.keys()].some(k => /^\/work\/rmq-tui-drills-\d{8}-\d{6}\.md$/.test(k)));
	await other.controller.close();
});

test('a host that reconnects: its log tails are followed again, each line shown once and each log event fed to the drill once', async () => {
	const {hosts, controller} = setup();
	const h1 = hosts.get('h1')!;
	const file = '/data/docker-services/rocketmq/broker/logs/RaftNode00-n1/rocketmqlogs/broker.log';
	const key = 'h1/rocketmq-raftnode00-n1';
	h1.files.set(file, '2026-11-25 11:37:01 INFO a - before the drill\n');
	controller.start();
	try {
		await waitFor('connected', 3000, connected(controller));
		await waitFor('a snapshot and the first tail', 2000, () => controller.get().snapshot !== undefined && controller.get().logs[key]?.total === 1);
		await controller.sendDrill(controller.get().config.targets.find(x => x.id === 'RaftNode00/n0')!, 'kill');
		const drillLogs = () => controller.get().session.open[0]?.logs.map(l => `${l.kind} ${l.node}`) ?? [];
		h1.write(file, ['2026-11-25 11:37:05 INFO b - [n1][HeartBeatTimeOut] lastLeader=n0', '2026-11-25 11:37:09 INFO b - [n1] [VOTE_RESULT] has been elected to be the leader in term 2']);
		await waitFor('the election lines in the drill', 2000, () => drillLogs().length === 2);

		h1.cut('read ECONNRESET');
		await waitFor('h1 unreachable', 2000, () => controller.get().hosts.h1!.status === 'unreachable');
		// Written while the host was cut off: the new follow's tail brings it.
		h1.files.set(file, `${h1.files.get(file)!}2026-11-25 11:37:10 INFO b - [n1] [ChangeRoleToLeader] from term: 2\n`);
		h1.heal();
		await waitFor('h1 back and its tail followed again', 3000, () => controller.get().hosts.h1!.status === 'connected' && (h1.follows.get(file)?.size ?? 0) > 0);
		h1.write(file, ['2026-11-25 11:37:11 INFO b - after the reconnect']);
		await waitFor('the line after the reconnect', 2000, () => controller.get().logs[key]!.lines.at(-1)?.endsWith('after the reconnect'));
		assert.deepEqual(
			controller.get().logs[key]!.lines.map(l => l.slice(l.indexOf(' - ') + 3)),
			['before the drill', '[n1][HeartBeatTimeOut] lastLeader=n0', '[n1] [VOTE_RESULT] has been elected to be the leader in term 2', '[n1] [ChangeRoleToLeader] from term: 2', 'after the reconnect'],
			'each line once, in order',
		);
		assert.deepEqual(drillLogs(), ['heartbeat-timeout RaftNode00/n1', 'elected RaftNode00/n1', 'leader RaftNode00/n1'], 'each log event recorded once');
	} finally {
		await controller.close();
	}
});

test("the selected name server's docker logs: a pause does not end the stream, so unpausing follows nothing new; after a stop it is followed again once it runs", async () => {
	const {hosts, controller} = setup();
	const h0 = hosts.get('h0')!;
	const follows = () => h0.calls.filter(c => c === 'followContainerLogs rocketmq-namesrv').length;
	const tail = () => controller.get().logs['h0/rocketmq-namesrv'];
	controller.start();
	try {
		assert.equal(controller.get().selected, 'namesrv@h0');
		await waitFor('its docker logs followed', 3000, () => tail()?.state === 'following');
		assert.equal(follows(), 1);
		h0.emit({name: 'rocketmq-namesrv', action: 'pause', at: T0 + 100});
		h0.emit({name: 'rocketmq-namesrv', action: 'unpause', at: T0 + 200});
		await waitFor('running again', 2000, () => controller.get().hosts.h0!.containers['rocketmq-namesrv']!.state === 'running' && controller.get().hosts.h0!.lastSeen === T0 + 200);
		h0.write('docker:rocketmq-namesrv', ['still the same stream']);
		await waitFor('a line over the same stream', 2000, () => tail()!.lines.includes('still the same stream'));
		assert.equal(follows(), 1, 'not followed again after an unpause');

		h0.emit({name: 'rocketmq-namesrv', action: 'die', at: T0 + 300, exitCode: 0});
		for (const sink of h0.follows.get('docker:rocketmq-namesrv') ?? []) sink.end();
		await waitFor('the stream ended with its container', 2000, () => tail()?.state === 'ended');
		h0.emit({name: 'rocketmq-namesrv', action: 'start', at: T0 + 400});
		await waitFor('followed again once it runs', 2000, () => follows() === 2 && tail()?.state === 'following');
	} finally {
		await controller.close();
	}
});
