/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {writeTreeAtomically} from '../../source/export/write-tree.ts';
import type {TreeEntry} from '../../source/export/tree.ts';
import {App} from '../../source/ui/App.tsx';
import {hints} from '../../source/ui/keys.ts';
import {flat, KEY, press, type, waitFrame, type Driven} from './drive.ts';

const noExport = async () => {
	throw new Error('not expected');
};
const row = (n: number, address: string) => new RegExp(`${n} {2}${address.replace(/\./g, '\\.')}`);

async function enterSeed(ui: Driven) {
	for (const [i, host] of ['192.168.1.71', '192.168.1.76', '192.168.1.77'].entries()) {
		await type(ui, host);
		await press(ui, KEY.enter, row(i + 1, host));
	}
}

test('typing the seed hosts and walking to review shows the topology', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	assert.match(ui.lastFrame()!, /Step 1\/3 · Hosts/);
	assert.ok(ui.lastFrame()!.includes(hints('hosts.input')));
	await enterSeed(ui);
	let frame = ui.lastFrame()!;
	assert.match(frame, /1 {2}192\.168\.1\.71/);
	assert.match(frame, /✓ 3 hosts/);
	frame = await press(ui, KEY.enter, 'Step 2/3'); // empty line: next
	assert.match(frame, /Step 2\/3 · Cluster options/);
	assert.match(frame, /Cluster name\s+RaftCluster/);
	assert.match(frame, /brokerClusterName/);
	frame = await press(ui, 'n', 'Step 3/3');
	assert.match(frame, /Step 3\/3 · Review: RaftCluster, 2 groups × 3 replicas/);
	assert.match(frame, /192\.168\.1\.71 +:9876 +RaftNode00\/n0 :10911 RaftNode01\/n0 :10921 console :19876/);
	assert.match(frame, /192\.168\.1\.76 +:9876 +RaftNode00\/n1 :10911 RaftNode01\/n1 :10921$/m);
	assert.match(frame, /192\.168\.1\.77 +:9876 +RaftNode00\/n2 :10911 RaftNode01\/n2 :10921$/m);
	assert.match(frame, /lint: /);
	assert.match(frame, /> 192\.168\.1\.71:\/data\/docker-services\/rocketmq\/namesrv\/docker-compose\.yml/);
	assert.match(frame, /D deploys: connect, check, show the changes, then ask/);
	await press(ui, 'D', 'deploying is not available here');
	for (const line of frame.split('\n')) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
	assert.ok(frame.split('\n').length <= 24, 'fits 24 rows');
	ui.unmount();
});

test('a pasted list adds every host', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	const frame = await press(ui, '192.168.1.71, 192.168.1.76\n192.168.1.77', row(3, '192.168.1.77'));
	assert.match(frame, /3 {2}192\.168\.1\.77/);
	assert.match(frame, /✓ 3 hosts/);
	ui.unmount();
});

test('validation messages: bad address as typed, bad row, duplicate, too few hosts', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	await type(ui, '192.168.1.276');
	assert.match(flat(ui.lastFrame()), /✗ "192\.168\.1\.276" is not a valid IPv4 address \(four numbers 0–255 separated by dots\)/);
	await press(ui, KEY.enter, row(1, '192.168.1.276'));
	await type(ui, '192.168.1.71');
	let frame = await press(ui, KEY.enter, row(2, '192.168.1.71'));
	assert.match(frame, /3 replicas per group need 3 distinct hosts, but only 2 are listed/);
	await type(ui, '192.168.1.71');
	frame = await press(ui, KEY.enter, row(3, '192.168.1.71'));
	assert.match(frame, /✗ duplicates host 2 \(name 192\.168\.1\.71\)/);
	await press(ui, KEY.enter, 'fix the problems marked ✗ first'); // next refused
	assert.match(ui.lastFrame()!, /fix the problems marked ✗ first/);
	assert.match(ui.lastFrame()!, /Step 1\/3/);
	// Fix: go to the table, select row 1, delete it; edit row 3 (now 2) to a new address.
	await press(ui, [KEY.tab, KEY.up, KEY.up], /^> 1/m);
	await press(ui, 'd', /^> 1 {2}192\.168\.1\.71/m);
	await press(ui, [KEY.down, 'e'], 'host 2: 192.168.1.71');
	for (let i = 0; i < 12; i++) ui.stdin.write(KEY.backspace);
	await waitFrame(ui, 'the address is empty');
	await type(ui, '192.168.1.77');
	frame = await press(ui, KEY.enter, row(2, '192.168.1.77'));
	assert.match(frame, /2 {2}192\.168\.1\.77/);
	assert.match(frame, /only 2 are listed/);
	await press(ui, KEY.tab, hints('hosts.input'));
	await type(ui, 'alpha');
	assert.match(ui.lastFrame()!, /is required because ssh target "alpha" is not an IPv4 address/);
	ui.unmount();
});

test('cluster option validation shows the exact message', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	await press(ui, '192.168.1.71,192.168.1.76,192.168.1.77', '✓ 3 hosts');
	await press(ui, KEY.enter, 'Step 2/3');
	await press(ui, [KEY.down, KEY.enter], hints('cluster.edit')); // groups
	await press(ui, KEY.backspace, /Groups *$/m);
	await type(ui, 'two');
	await press(ui, KEY.enter, /✗ must be a whole number/);
	assert.match(ui.lastFrame()!, /✗ must be a whole number from 1 to 100, got "two"/);
	await press(ui, 'n', 'fix the problems marked ✗ first');
	assert.match(ui.lastFrame()!, /Step 2\/3/);
	await press(ui, [KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter], hints('cluster.edit')); // broker heap
	await press(ui, [KEY.backspace, KEY.backspace], /Broker heap *$/m);
	await type(ui, '1x');
	await press(ui, KEY.enter, /✗ "1x"/);
	assert.match(ui.lastFrame()!, /✗ "1x" is not valid \(a size such as 1g or 768m\)/);
	await press(ui, [KEY.down, KEY.down, KEY.enter], hints('cluster.edit')); // console host
	await type(ui, '10.9.9.9');
	await press(ui, KEY.enter, /is not a host name/);
	assert.match(ui.lastFrame()!, /"10\.9\.9\.9" is not a host name in hosts/);
	ui.unmount();
});

test('q with unsaved changes asks first; n stays, y quits; q on a clean wizard quits at once', async () => {
	const clean = render(<App exportTo={noExport} />);
	await waitFrame(clean, 'Step 1/3');
	await press(clean, KEY.tab, hints('hosts.table'));
	clean.stdin.write('q');
	await waitFrame(clean, () => clean.stdin.listenerCount('readable') === 0); // exited: Ink let go of stdin
	assert.doesNotMatch(clean.lastFrame() ?? '', /Quit without exporting/);
	clean.unmount();

	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	await press(ui, '192.168.1.71,192.168.1.76', row(2, '192.168.1.76'));
	await press(ui, [KEY.tab, 'q'], 'Quit without exporting');
	assert.match(ui.lastFrame()!, /Quit without exporting\? 2 host\(s\) and the options are unsaved\. y quit · n stay/);
	await press(ui, 'n', frame => !frame.includes('Quit without exporting'));
	assert.doesNotMatch(ui.lastFrame()!, /Quit without exporting/);
	await press(ui, KEY.ctrlC, 'Quit without exporting');
	assert.match(ui.lastFrame()!, /Quit without exporting/);
	ui.unmount();
});

test('? opens the help overlay from the key table; any key closes it', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	const frame = await press(ui, [KEY.tab, '?'], 'Keys (hosts.table)');
	assert.match(frame, /Keys \(hosts\.table\)/);
	assert.match(frame, /J +move/);
	assert.match(frame, /d +delete/);
	await press(ui, 'x', 'Step 1/3');
	assert.match(ui.lastFrame()!, /Step 1\/3/);
	ui.unmount();
});

test('export from review writes the tree to a directory', async () => {
	const base = await mkdtemp(join(tmpdir(), 'rmq-tui-wizard-'));
	try {
		const target = join(base, 'out');
		const calls: string[] = [];
		const exportTo = async (dir: string, tree: readonly TreeEntry[]) => {
			calls.push(dir);
			return writeTreeAtomically(dir, tree, {force: false});
		};
		const ui = render(<App exportTo={exportTo} />);
		await waitFrame(ui, 'Step 1/3');
		await press(ui, ['192.168.1.71 192.168.1.76 192.168.1.77', KEY.enter, 'n'], 'Step 3/3');
		assert.match(ui.lastFrame()!, /Step 3\/3/);
		await press(ui, 'x', 'export to directory>');
		await type(ui, target);
		await press(ui, KEY.enter, /✓ exported \d+ files to /);
		assert.deepEqual(calls, [target]);
		assert.match(ui.lastFrame()!, /✓ exported \d+ files to /);
		assert.doesNotMatch(ui.lastFrame()!, /unsaved/);
		const yaml = await readFile(join(target, 'cluster.yaml'), 'utf8');
		assert.match(yaml, /192\.168\.1\.77/);
		await readFile(join(target, '192.168.1.76/data/docker-services/rocketmq/broker/conf/RaftNode00-n1.conf'), 'utf8');
		// A second export into the now non-empty directory reports the problem.
		await press(ui, 'x', 'export to directory>');
		await type(ui, target);
		await press(ui, KEY.enter, /✗ .* is not empty/);
		assert.match(ui.lastFrame()!, /✗ .* is not empty/);
		ui.unmount();
	} finally {
		await rm(base, {recursive: true, force: true});
	}
});

test('NO_COLOR: no colour escapes in the frame', async () => {
	const ui = render(<App exportTo={noExport} env={{NO_COLOR: '1'}} />);
	await waitFrame(ui, 'Step 1/3');
	await type(ui, '192.168.1.276');
	assert.doesNotMatch(ui.lastFrame()!, /\u001B\[3\dm/);
	ui.unmount();
});
