/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The REAL live pane on the real test hosts (test/testbed: network-namespace hosts with OpenSSH and Docker), after
 * deploying the seed cluster once: a PaneController over a real fleet (one SSH session per host, the probe through
 * them), rendered with ink-testing-library and driven with real keys. Stopping, starting, pausing and unpausing a
 * broker from the pane is seen by the testbed's own docker CLI and back in the pane; the Logs panel shows the
 * lines of the broker's real broker.log (written by the test image's simulator) over SSH, new ones arriving;
 * container changes arrive as Docker events — no request reaches Docker (neither a call on the host port nor an
 * HTTP request of the Docker API on the wire) while the pane sits idle or when a change made elsewhere shows up; a
 * host cut off by the harness shows as unreachable with the error and when it was last seen while the others stay
 * live, and after heal it is back in the same pane.
 */
import assert from 'node:assert/strict';
import {subscribe, unsubscribe} from 'node:diagnostics_channel';
import {readFileSync} from 'node:fs';
import type {ClientRequest} from 'node:http';
import {after, before, test, type TestContext} from 'node:test';
import {render} from 'ink-testing-library';
import type {LiveHost} from '../../source/deploy/host.ts';
import {rocketmqLogPath} from '../../source/deploy/live-paths.ts';
import type {BrokerTarget, DrillTarget} from '../../source/drill/target.ts';
import {PaneController} from '../../source/live/controller.ts';
import {liveHosts} from '../../source/live/live-host.ts';
import type {Plan} from '../../source/plan/types.ts';
import {Pane} from '../../source/ui/pane/Pane.tsx';
import {waitFor} from '../support/wait.ts';
import type {Testbed, TestbedHost} from '../testbed/testbed.ts';
import {plain, press, waitFrame} from '../ui/drive.ts';
import {selectNode, stableLeader} from '../ui/pane-support.ts';
import {deployedSeed, fleetFor, needTestbed} from './support.ts';

let bed: Testbed | undefined;
let plan: Plan | undefined;
let setup = '';

before(async () => {
	const seeded = await deployedSeed();
	if (seeded) ({bed, plan, setup} = seeded);
});
after(async () => {
	await bed?.stop();
});

/** Every HTTP request this process sends (only the Docker API speaks HTTP here), as `GET /containers/json…`. */
const requests: string[] = [];
const onRequest = (message: unknown) => {
	const {request} = message as {request: ClientRequest};
	requests.push(`${request.method} ${request.path}`);
};
before(() => subscribe('http.client.request.start', onRequest));
after(() => unsubscribe('http.client.request.start', onRequest));

interface HostCall {
	host: string;
	method: string;
}

/** The hosts as the pane gets them, every method call on the port recorded. */
function counted(hosts: ReadonlyMap<string, LiveHost>, calls: HostCall[]): Map<string, LiveHost> {
	return new Map(
		[...hosts].map(([name, host]) => [
			name,
			new Proxy(host, {
				get(target, key) {
					const value = Reflect.get(target, key) as unknown;
					if (typeof value !== 'function' || typeof key !== 'string') return value;
					return (...args: unknown[]) => {
						calls.push({host: name, method: key});
						return (value as (...a: unknown[]) => unknown).apply(target, args);
					};
				},
			}),
		]),
	);
}

interface OpenPane {
	controller: PaneController;
	ui: ReturnType<typeof render>;
	calls: HostCall[];
	write: (keys: string) => void;
	target: (id: string) => DrillTarget;
	close: () => Promise<void>;
}

/** The pane as `rmq-tui monitor --inventory` opens it (run.tsx openPaneOn), on a fresh real fleet. */
function openPane(testbed: Testbed, p: Plan, rows = 50, columns = 160): OpenPane {
	const fleet = fleetFor(testbed, p);
	const calls: HostCall[] = [];
	const controller = new PaneController(
		{plan: p, hosts: counted(liveHosts(fleet.hosts), calls), observe: fleet.observe, source: 'SSH', clusterName: p.options.name},
		{operator: `tester@testbed (pid ${process.pid})`, backoff: {initialMs: 500, maxMs: 2000}},
	);
	const ui = render(<Pane controller={controller} rows={rows} columns={columns} />);
	return {
		controller,
		ui,
		calls,
		write: keys => ui.stdin.write(keys),
		target: id => controller.get().config.targets.find(t => t.id === id)!,
		close: async () => {
			ui.unmount();
			await controller.close();
			await fleet.close();
		},
	};
}

const bedHost = (testbed: Testbed, t: {host: string}): TestbedHost => testbed.hosts.find(h => h.ip === t.host)!;

/** `status paused` of a container, through the testbed's own docker CLI (not the code under test). */
const dockerState = async (testbed: Testbed, t: DrillTarget) =>
	(await testbed.dockerOk(bedHost(testbed, t), ['inspect', '--format', '{{.State.Status}} {{.State.Paused}}', t.containerName])).trim();

/** After a failed test: the container running again (so the next test does not start with a drill left over). */
async function running(testbed: Testbed, t: DrillTarget): Promise<void> {
	const state = await dockerState(testbed, t).catch(() => 'unknown');
	if (state === 'paused true') await testbed.docker(bedHost(testbed, t), ['unpause', t.containerName]);
	else if (state.startsWith('exited') || state.startsWith('created')) await testbed.docker(bedHost(testbed, t), ['start', t.containerName]);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The container's row in the Hosts panel (selected): glyph, label (a broker's id), container, Docker's state. */
const containerRow = (t: DrillTarget, glyph: string, state: string) =>
	new RegExp(`▸ ${glyph} ${t.kind === 'broker' ? escape(t.id) : t.kind === 'namesrv' ? 'name server' : 'console'} +${t.containerName} +${state}`);

/** Pause, then unpause a container with the testbed's docker CLI (someone else's change), waiting for the pane to show each. */
async function pauseElsewhere(testbed: Testbed, pane: OpenPane, t: DrillTarget): Promise<void> {
	const host = bedHost(testbed, t);
	await testbed.dockerOk(host, ['pause', t.containerName]);
	try {
		await waitFrame(pane.ui, containerRow(t, '‖', 'paused'), 15_000);
	} finally {
		await testbed.dockerOk(host, ['unpause', t.containerName]);
	}
	await waitFrame(pane.ui, containerRow(t, '●', 'running'), 15_000);
}
/** The replica's row in the Groups panel: id, host, ports, role. */
const replicaRow = (t: BrokerTarget, role: string) => new RegExp(`${t.selfId} +${escape(t.host)} +${t.listenPort}/${t.dledgerPort} +${role}`);

/** Every host connected, every broker's log and the selected node's docker logs followed: the pane's start is over. */
async function paneUp(pane: OpenPane): Promise<void> {
	await waitFrame(pane.ui, f => f.includes('hosts 3/3'), 60_000);
	await waitFor('every broker log and the selected docker logs followed', 30_000, () => {
		const s = pane.controller.get();
		const followed = s.config.targets.filter(t => t.kind === 'broker' || t.id === s.selected);
		return followed.every(t => s.logs[`${t.host}/${t.containerName}`]?.state === 'following');
	});
}

/** A follower of `group` (the leader stable over a few probe rounds first). */
async function follower(pane: OpenPane, group: string): Promise<BrokerTarget> {
	const leader = await stableLeader(pane.controller, group, {rounds: 3, timeoutMs: 60_000});
	const id = pane.controller.get().config.targets.find(t => t.kind === 'broker' && t.group === group && t.selfId !== leader)!.id;
	return pane.target(id) as BrokerTarget;
}

function needed(t: TestContext): {testbed: Testbed; p: Plan} | undefined {
	if (!needTestbed(t) || !bed || !plan) return undefined;
	return {testbed: bed, p: plan};
}

test('s and S on a follower from the pane: Docker says exited, then running; the pane shows it stopped, then back as follower', async t => {
	const ready = needed(t);
	if (!ready) return;
	const {testbed, p} = ready;
	t.diagnostic(setup);
	const pane = openPane(testbed, p);
	let touched: DrillTarget | undefined;
	try {
		await paneUp(pane);
		const b = await follower(pane, 'RaftNode00');
		touched = b;
		await selectNode(pane.controller, pane.write, b.id);
		let frame = await press(pane.ui, 's', 'Confirm');
		assert.match(frame, new RegExp(`stop ${escape(b.id)} \\(follower\\) on ${escape(b.host)}: RaftNode00 keeps quorum: 2 of 3 left`));
		await press(pane.ui, 'y', `stop sent to ${b.id}`);
		frame = await waitFrame(pane.ui, f => containerRow(b, '■', 'exited').test(f) && replicaRow(b, 'down \\(exited\\)').test(f), 60_000);
		assert.equal(await dockerState(testbed, b), 'exited false', 'docker inspect on the host');

		await press(pane.ui, 'S', 'Confirm');
		await press(pane.ui, 'y', `start sent to ${b.id}`);
		await waitFrame(pane.ui, containerRow(b, '●', 'running'), 60_000);
		assert.equal(await dockerState(testbed, b), 'running false', 'docker inspect on the host');
		frame = await waitFrame(pane.ui, f => replicaRow(b, 'follower').test(f) && /RaftNode00 {2}HEALTHY/.test(f), 60_000);
		assert.match(frame, /✓ drill-1 stop RaftNode00\/n\d/);
	} finally {
		await pane.close();
		if (touched) await running(testbed, touched);
	}
});

test('p on a follower from the pane: Docker says paused; p again: unpaused; the pane shows both', async t => {
	const ready = needed(t);
	if (!ready) return;
	const {testbed, p} = ready;
	const pane = openPane(testbed, p);
	let touched: DrillTarget | undefined;
	try {
		await paneUp(pane);
		const b = await follower(pane, 'RaftNode01');
		touched = b;
		await selectNode(pane.controller, pane.write, b.id);
		let frame = await press(pane.ui, 'p', 'Confirm');
		assert.match(frame, new RegExp(`pause ${escape(b.id)} \\(follower\\) on ${escape(b.host)}`));
		await press(pane.ui, 'y', `pause sent to ${b.id}`);
		await waitFrame(pane.ui, f => containerRow(b, '‖', 'paused').test(f) && replicaRow(b, 'down \\(paused\\)').test(f), 60_000);
		assert.equal(await dockerState(testbed, b), 'paused true', 'docker inspect on the host');

		frame = await press(pane.ui, 'p', 'Confirm');
		assert.match(frame, new RegExp(`unpause ${escape(b.id)}`));
		await press(pane.ui, 'y', `unpause sent to ${b.id}`);
		await waitFrame(pane.ui, containerRow(b, '●', 'running'), 60_000);
		assert.equal(await dockerState(testbed, b), 'running false', 'docker inspect on the host');
		await waitFrame(pane.ui, f => replicaRow(b, 'follower').test(f) && /RaftNode01 {2}HEALTHY/.test(f), 60_000);
	} finally {
		await pane.close();
		if (touched) await running(testbed, touched);
	}
});

const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARN|ERROR) \S+ - /;

test("a broker's Logs panel: the lines of its real broker.log and broker_default.log over SSH, new ones arriving", async t => {
	const ready = needed(t);
	if (!ready) return;
	const {testbed, p} = ready;
	const pane = openPane(testbed, p, 50, 200);
	try {
		await paneUp(pane);
		const b = pane.target('RaftNode01/n2') as BrokerTarget;
		await selectNode(pane.controller, pane.write, b.id);
		const header = new RegExp(`Logs ${escape(b.id)} · following · ${b.containerName} on ${escape(b.host)} · broker\\.log \\+ broker_default\\.log`);
		const frame = await waitFrame(pane.ui, f => header.test(f) && /QuorumAckChecker/.test(f), 30_000);
		const replica = p.groups.find(g => g.name === b.group)!.replicas.find(r => r.selfId === b.selfId)!;
		const files = ['broker.log', 'broker_default.log'].map(f => testbed.path(bedHost(testbed, b), rocketmqLogPath(replica.logsDir, f)));
		const onHost = () => new Set(files.flatMap(f => readFileSync(f, 'utf8').split('\n')));
		const key = `${b.host}/${b.containerName}`;
		const first = pane.controller.get().logs[key]!;
		assert.ok(first.lines.length >= 5, `${first.lines.length} lines`);
		const written = onHost();
		for (const line of first.lines) assert.ok(written.has(line), `a line of the files on the host: ${line}`);
		assert.ok(first.lines.every(l => LOG_LINE.test(l)), first.lines.join('\n'));
		// what the panel shows is the tail of that ring
		const shown = plain(frame).split('\n').filter(l => LOG_LINE.test(l.trim()));
		assert.ok(shown.length > 0 && shown.every(l => first.lines.some(x => x.startsWith(l.trim().replace(/…$/, '')))), shown.join('\n'));

		// The simulator's QuorumAckChecker writes a status line every 3 s: new lines keep coming over the same follow.
		const total = first.total;
		const more = await waitFor('new broker log lines', 20_000, () => {
			const now = pane.controller.get().logs[key]!;
			return now.total >= total + 2 && now;
		});
		const fresh = more.lines.slice(-(more.total - total));
		const grown = onHost();
		for (const line of fresh) assert.ok(grown.has(line), `a new line of the files on the host: ${line}`);
		assert.ok(fresh.some(l => /QuorumAckChecker - \[n2\]\[(LEADER|FOLLOWER)\] term=\d+/.test(l)), fresh.join('\n'));
		assert.equal(pane.calls.filter(c => c.method === 'followFile').length, 12, 'one follow per broker log file (6 brokers × 2), none again');
	} finally {
		await pane.close();
	}
});

test('container changes arrive as events: nothing asks Docker while the pane is idle, and a change made elsewhere still shows', async t => {
	const ready = needed(t);
	if (!ready) return;
	const {testbed, p} = ready;
	const opened = requests.length;
	const pane = openPane(testbed, p);
	try {
		await paneUp(pane);
		const atStart = requests.slice(opened);
		for (const h of p.hosts) assert.equal(pane.calls.filter(c => c.host === h.spec.name && c.method === 'listContainers').length, 1, `${h.spec.name}: one listing`);
		assert.equal(atStart.filter(r => /^GET \/(v[\d.]+\/)?events\b/.test(r)).length, 3, `one event stream per host:\n${atStart.join('\n')}`);
		assert.equal(atStart.filter(r => /^GET \/(v[\d.]+\/)?containers\/json\b/.test(r)).length, 3, `one listing per host:\n${atStart.join('\n')}`);

		// Idle: the probe keeps running and log lines keep arriving, and nothing reaches Docker for a few seconds.
		const calls = pane.calls.length;
		const sent = requests.length;
		const snapshot = pane.controller.get().snapshot;
		const lines = () => Object.values(pane.controller.get().logs).reduce((n, l) => n + l.total, 0);
		const linesBefore = lines();
		const quietFrom = Date.now();
		await waitFor('a quiet period with the pane alive', 30_000, () => Date.now() - quietFrom >= 4000 && pane.controller.get().snapshot !== snapshot && lines() > linesBefore);
		assert.deepEqual(pane.calls.slice(calls), [], 'no call on any host port while idle');
		assert.deepEqual(requests.slice(sent), [], 'no Docker API request while idle');

		// A change made by someone else (the testbed's docker CLI) shows in the pane, still without asking Docker.
		const console = pane.target(`console@${p.hosts[0]!.spec.name}`);
		await selectNode(pane.controller, pane.write, console.id);
		await waitFor("the console's docker logs followed", 15_000, () => pane.controller.get().logs[`${console.host}/${console.containerName}`]?.state === 'following');
		const selectedCalls = pane.calls.length;
		const selectedSent = requests.length;
		await pauseElsewhere(testbed, pane, console);
		assert.deepEqual(pane.calls.slice(selectedCalls), [], 'the changes came as events: no call on the host port');
		assert.deepEqual(requests.slice(selectedSent), [], 'the changes came as events: no Docker API request');
	} finally {
		await pane.close();
	}
});

test('a host cut off by the harness: unreachable with the error and when it was last seen, the others live on; healed, it is back in the same pane', async t => {
	const ready = needed(t);
	if (!ready) return;
	const {testbed, p} = ready;
	const pane = openPane(testbed, p);
	const victim = testbed.hosts[1]!;
	const name = victim.ip;
	let healed = true;
	try {
		await paneUp(pane);
		const listedBefore = pane.calls.filter(c => c.method === 'listContainers').map(c => c.host);
		healed = false;
		const cutAt = Date.now();
		await testbed.cut(victim);
		let frame = await waitFrame(pane.ui, new RegExp(`${escape(name)} {2}✗ unreachable: ${escape(name)}: .+ · last seen \\d\\d:\\d\\d:\\d\\d`), 60_000);
		t.diagnostic(`unreachable after ${Date.now() - cutAt} ms: ${/✗ unreachable: (.*)/.exec(frame)?.[1]}`);
		assert.match(frame, /hosts 2\/3/);
		for (const h of testbed.hosts.filter(x => x !== victim)) assert.match(frame, new RegExp(`${escape(h.ip)} {2}✓ connected`));

		// The others live on: a change on another host still arrives as an event.
		const console = pane.target(`console@${p.hosts[0]!.spec.name}`);
		await selectNode(pane.controller, pane.write, console.id);
		await pauseElsewhere(testbed, pane, console);
		// and a drill key on the cut host says why it cannot act
		const cutBroker = pane.controller.get().config.targets.find(x => x.host === name && x.kind === 'broker')!;
		await selectNode(pane.controller, pane.write, cutBroker.id);
		await press(pane.ui, 'K', new RegExp(`cannot kill ${escape(cutBroker.id)}: ${escape(name)} is (unreachable|connecting)`));

		const healAt = Date.now();
		await testbed.heal(victim);
		healed = true;
		frame = await waitFrame(pane.ui, f => new RegExp(`${escape(name)} {2}✓ connected`).test(f) && f.includes('hosts 3/3'), 90_000);
		t.diagnostic(`connected again ${Date.now() - healAt} ms after heal`);
		const key = `${cutBroker.host}/${cutBroker.containerName}`;
		const total = (await waitFor('its broker log followed again', 30_000, () => pane.controller.get().logs[key]?.state === 'following' && pane.controller.get().logs[key]))!.total;
		await waitFor('new lines of its broker log', 20_000, () => pane.controller.get().logs[key]!.total > total);
		const listedAfter = pane.calls.filter(c => c.method === 'listContainers').map(c => c.host);
		assert.deepEqual(listedAfter.slice(listedBefore.length).filter(h => h !== name), [], 'only the cut host listed again');
		assert.ok(listedAfter.slice(listedBefore.length).includes(name), 'the cut host listed once it was back');
	} finally {
		if (!healed) await testbed.heal(victim);
		await pane.close();
	}
});
