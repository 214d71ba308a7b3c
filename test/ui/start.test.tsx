/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {App} from '../../source/ui/App.tsx';
import {ClusterStore} from '../../source/store/clusters.ts';
import {initialState, toClusterFile} from '../../source/wizard/model.ts';

const tick = (ms = 40) => new Promise(r => setTimeout(r, ms));
const KEY = {enter: '\r', esc: '\u001B', down: '\u001B[B'};
const noExport = async () => {
	throw new Error('not expected');
};
async function press(stdin: {write: (s: string) => void}, ...keys: string[]) {
	for (const k of keys) {
		stdin.write(k);
		await tick();
	}
}
async function type(stdin: {write: (s: string) => void}, text: string) {
	for (const ch of text) {
		stdin.write(ch);
		await tick(5);
	}
	await tick();
}
async function withStore(fn: (cwd: string) => Promise<void>) {
	const cwd = await mkdtemp(join(tmpdir(), 'rmq-start-'));
	try {
		await fn(cwd);
	} finally {
		await rm(cwd, {recursive: true, force: true});
	}
}
const HOSTS = ['192.168.1.71', 'admin@192.168.1.76:2222', '192.168.1.77'];
function seed(cwd: string) {
	const opened = ClusterStore.open({cwd});
	assert.ok(opened.ok);
	const c = toClusterFile(initialState(HOSTS, {name: 'Prod', namesrvHeap: '768m', consoleHost: 'none'}));
	assert.ok(c.ok);
	opened.store.save('prod', c.value);
	opened.store.save('lab', c.value);
	return c.value;
}

test('opening a saved cluster fills the wizard with identical values and walks to review', () => withStore(async cwd => {
	const saved = seed(cwd);
	const ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await tick();
	let frame = ui.lastFrame()!;
	assert.match(frame, /Saved clusters/);
	assert.match(frame, />? lab\s+3/);
	assert.match(frame, /prod\s+3/);
	await press(ui.stdin, KEY.down, KEY.enter); // prod
	frame = ui.lastFrame()!;
	assert.match(frame, /rmq-tui · prod/);
	assert.match(frame, /Step 1\/3 · Hosts/);
	for (const [i, h] of HOSTS.entries()) assert.match(frame, new RegExp(`${i + 1} {2}${h.replace(/\./g, '\\.')}`));
	await press(ui.stdin, KEY.enter);
	frame = ui.lastFrame()!;
	assert.match(frame, /Cluster name\s+Prod/);
	assert.match(frame, /Name server heap\s+768m/);
	await press(ui.stdin, 'n');
	frame = ui.lastFrame()!;
	assert.match(frame, /Step 3\/3 · Review: Prod/);
	assert.doesNotMatch(frame, /unsaved/);
	// The same cluster file as saved.
	const reopened = ClusterStore.open({cwd});
	assert.ok(reopened.ok);
	const loaded = reopened.store.load('prod');
	assert.ok(loaded.ok);
	assert.deepEqual(loaded.value, saved);
	ui.unmount();
}));

test('saving from review asks a name (default the cluster name) and clears unsaved', () => withStore(async cwd => {
	const ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await tick();
	assert.match(ui.lastFrame()!, /Step 1\/3 · Hosts/); // empty store: straight to hosts
	for (const h of HOSTS) {
		await type(ui.stdin, h);
		await press(ui.stdin, KEY.enter);
	}
	await press(ui.stdin, KEY.enter, 'n');
	assert.match(ui.lastFrame()!, /unsaved/);
	await press(ui.stdin, 's');
	assert.match(ui.lastFrame()!, /save as> RaftCluster/);
	await press(ui.stdin, KEY.enter);
	const frame = ui.lastFrame()!;
	assert.match(frame, /✓ saved "RaftCluster"/);
	assert.doesNotMatch(frame, /unsaved/);
	assert.match(frame, /rmq-tui · RaftCluster/);
	const opened = ClusterStore.open({cwd});
	assert.ok(opened.ok);
	assert.deepEqual(opened.store.list().map(s => [s.name, s.hosts]), [['RaftCluster', 3]]);
	ui.unmount();
}));

test('d deletes a saved cluster after y; n keeps it', () => withStore(async cwd => {
	seed(cwd);
	const ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await tick();
	await press(ui.stdin, 'd');
	assert.match(ui.lastFrame()!, /Delete saved cluster "lab"\? y delete · n keep/);
	await press(ui.stdin, 'n');
	assert.match(ui.lastFrame()!, /lab\s+3/);
	await press(ui.stdin, 'd', 'y');
	const frame = ui.lastFrame()!;
	assert.match(frame, /deleted saved cluster "lab"/);
	assert.doesNotMatch(frame, /lab\s+3/);
	const opened = ClusterStore.open({cwd});
	assert.ok(opened.ok);
	assert.deepEqual(opened.store.list().map(s => s.name), ['prod']);
	ui.unmount();
}));

test('a broken entry shows its error; a corrupted file offers m to move it aside', () => withStore(async cwd => {
	await writeFile(join(cwd, 'config.json'), '{"clusters": {"bad": {"yaml": "hosts: [: x", "savedAt": ""}}}');
	let ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await tick();
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /✗ saved cluster "bad"/);
	await press(ui.stdin, KEY.enter);
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /delete it with d/);
	ui.unmount();
	await writeFile(join(cwd, 'config.json'), '{not json');
	ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await tick();
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /cannot be read/);
	await press(ui.stdin, 'm');
	const frame = ui.lastFrame()!.replace(/\s+/g, ' ');
	assert.match(frame, /moved the unreadable file to .*corrupt-/);
	assert.match(frame, /none saved/);
	ui.unmount();
}));
