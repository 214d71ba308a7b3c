/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The demo in-process, with real keys (timers ×5): the wizard opens on the seed's three hosts, Enter → n → review,
 * s saves and x exports (inside the demo's temp dir only), D checks and previews, y deploys with the image step's
 * progress, Enter hands the cluster to the live pane, which shows both groups' leaders and writes its report into
 * the temp dir. Every dial is watched: only loopback, and some were seen. HOME, XDG_CONFIG_HOME, the working dir
 * and $TMPDIR are test-owned empty dirs: nothing lands in them but the temp dir, which is gone after close().
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {DEMO_DIR_PREFIX, insideDir, openDemo} from '../../source/demo/demo.ts';
import {App} from '../../source/ui/App.tsx';
import type {Handover} from '../../source/ui/deploy/run.ts';
import {Pane} from '../../source/ui/pane/Pane.tsx';
import {waitFor} from '../support/wait.ts';
import {KEY, press, type, waitFrame} from '../ui/drive.ts';
import {watchDials} from './loopback-only.ts';

const leaderOf = (frame: string, group: string) => new RegExp(`${group} {2}HEALTHY {2}leader (n\\d)`).exec(frame)?.[1];

test('the dial watch refuses (and records) anything but loopback before it is dialled', () => {
	const watch = watchDials();
	try {
		assert.throws(() => net.connect({host: '192.0.2.1', port: 9}), /192\.0\.2\.1:9, which is not loopback/);
		assert.throws(() => new net.Socket().connect(9, '192.168.1.71'), /not loopback/);
		assert.deepEqual(watch.outside, ['192.0.2.1:9', '192.168.1.71:9']);
	} finally {
		watch.stop();
	}
});

test('insideDir keeps every typed export path inside the demo dir', () => {
	assert.equal(insideDir('/t/demo', 'out'), '/t/demo/out');
	assert.equal(insideDir('/t/demo', '/srv/out'), '/t/demo/srv/out');
	assert.equal(insideDir('/t/demo', '~/out'), '/t/demo/out');
	assert.throws(() => insideDir('/t/demo', '../out'), /leaves the demo's temp dir/);
});

test('the demo from the hosts step to the live pane: loopback only, writes only in its temp dir, removed on close', async () => {
	const root = mkdtempSync(join(tmpdir(), 'rmq-demo-test-'));
	const [home, tmp, cwd] = [join(root, 'home'), join(root, 'tmp'), join(root, 'cwd')];
	for (const d of [home, tmp, cwd]) mkdirSync(d);
	try {
		await runDemoJourney(home, tmp, cwd);
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
});

async function runDemoJourney(home: string, tmp: string, cwd: string): Promise<void> {
	const saved = {HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, TMPDIR: process.env.TMPDIR, cwd: process.cwd()};
	Object.assign(process.env, {HOME: home, XDG_CONFIG_HOME: home, TMPDIR: tmp});
	process.chdir(cwd);
	const watch = watchDials();
	const demo = openDemo({scale: 5, intervalMs: 50});
	let wizard: ReturnType<typeof render> | undefined;
	let pane: ReturnType<typeof render> | undefined;
	let opened: ReturnType<typeof demo.paneFor> | undefined;
	try {
		assert.equal(basename(demo.dir).startsWith(DEMO_DIR_PREFIX), true);
		assert.deepEqual(readdirSync(tmp), [basename(demo.dir)], 'the temp dir is made under $TMPDIR');
		let handover: Handover | undefined;
		wizard = render(<App {...demo.wizard} rows={40} columns={140} onDeployed={h => (handover = h)} />);
		let frame = await waitFrame(wizard, 'Step 1/3');
		assert.match(frame, /rmq-tui · demo on simulated hosts · new cluster/);
		for (const [i, ip] of ['192.168.1.71', '192.168.1.76', '192.168.1.77'].entries()) assert.match(frame, new RegExp(`^ *${i + 1} {2}${ip.replaceAll('.', '\\.')} `, 'm'));
		await press(wizard, KEY.enter, 'Step 2/3');
		frame = await press(wizard, 'n', 'Step 3/3');

		frame = await press(wizard, ['s', KEY.enter], '✓ saved');
		assert.ok(frame.replace(/\s+/g, '').includes(join(demo.dir, 'saved-clusters')), `saved inside the demo dir:\n${frame}`);
		await press(wizard, 'x', 'export to');
		await type(wizard, '../../escape');
		frame = await press(wizard, KEY.enter, "leaves the demo's temp dir");
		await press(wizard, 'x', 'export to');
		await type(wizard, 'out');
		frame = await press(wizard, KEY.enter, /✓ exported \d+ files/);
		assert.ok(existsSync(join(demo.dir, 'exports', 'out', '192.168.1.71')), 'the export is in the demo dir');

		frame = await press(wizard, 'D', 'this is what will change');
		assert.match(frame, /rmq-tui · deploy RaftCluster to 3 hosts \(simulated hosts\)/);
		await press(wizard, 'y', /applying/);
		frame = await waitFrame(wizard, /pulling apacherocketmq\/rocketmq:4\.7\.1-alpine +\d+ MiB \/ 180 MiB/, 20_000);
		frame = await waitFrame(wizard, /✓ deployed in [\d.]+ s — RaftNode00: leader n\d, RaftNode01: leader n\d/, 30_000);
		wizard.stdin.write(KEY.enter);
		const handed = await waitFor('the hand-over to the pane', 5000, () => handover);
		wizard.unmount();
		wizard = undefined;

		opened = demo.paneFor(handed);
		pane = render(<Pane controller={opened.controller} rows={30} columns={120} />);
		frame = await waitFrame(pane, f => leaderOf(f, 'RaftNode00') !== undefined && leaderOf(f, 'RaftNode01') !== undefined && f.includes('hosts 3/3'), 15_000);
		assert.match(frame, /simulated ×5/);
		frame = await press(pane, 'w', /wrote .*rmq-tui-drills-/);
		const reports = readdirSync(demo.dir).filter(f => f.startsWith('rmq-tui-drills-'));
		assert.equal(reports.length, 2, 'the report (.md and .json) is written into the demo dir');
	} finally {
		pane?.unmount();
		wizard?.unmount();
		await opened?.close();
		await demo.close();
		watch.stop();
		process.chdir(saved.cwd);
		for (const key of ['HOME', 'XDG_CONFIG_HOME', 'TMPDIR'] as const) {
			if (saved[key] === undefined) delete process.env[key];
			else process.env[key] = saved[key];
		}
	}
	assert.deepEqual(watch.outside, [], 'nothing but loopback was dialled');
	assert.ok(watch.loopback.length > 0, 'the deploy and the pane dialled the simulated cluster on loopback');
	assert.ok(watch.loopback.every(d => d.startsWith('127.')), `loopback dials: ${watch.loopback.slice(0, 5).join(', ')}…`);
	assert.equal(existsSync(demo.dir), false, 'the temp dir is removed on close');
	assert.deepEqual(readdirSync(tmp), [], '$TMPDIR is left empty');
	assert.deepEqual(readdirSync(home), [], 'nothing written under HOME / XDG_CONFIG_HOME');
	assert.deepEqual(readdirSync(cwd), [], 'nothing written in the working dir');
}
