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
import {waitFor} from '../support/wait.ts';
import {flat, KEY, plain, press, type, waitFrame} from './drive.ts';

const noExport = async () => {
	throw new Error('not expected');
};
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
	let frame = await waitFrame(ui, 'Saved clusters');
	assert.match(frame, /Saved clusters/);
	assert.match(frame, />? lab\s+3/);
	assert.match(frame, /prod\s+3/);
	frame = await press(ui, [KEY.down, KEY.enter], 'rmq-tui · prod'); // prod
	assert.match(frame, /rmq-tui · prod/);
	assert.match(frame, /Step 1\/3 · Hosts/);
	// Each host field by field: name, address, user, port (admin@192.168.1.76:2222 was typed as one entry).
	const rows: Array<[address: string, user: string, port: string]> = [['192.168.1.71', '-', '22'], ['192.168.1.76', 'admin', '2222'], ['192.168.1.77', '-', '22']];
	for (const [i, [address, user, port]] of rows.entries()) {
		assert.match(frame, new RegExp(`${i + 1} {2}${address.replace(/\./g, '\\.')} +${address.replace(/\./g, '\\.')} +${user} +${port} `));
	}
	frame = await press(ui, KEY.enter, 'Step 2/3');
	assert.match(frame, /Cluster name\s+Prod/);
	assert.match(frame, /Name server heap\s+768m/);
	frame = await press(ui, 'n', 'Step 3/3');
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
	await waitFrame(ui, 'Step 1/3');
	assert.match(ui.lastFrame()!, /Step 1\/3 · Hosts/); // empty store: straight to hosts
	for (const [i, h] of HOSTS.entries()) {
		await type(ui, h);
		await press(ui, KEY.enter, new RegExp(`^ +${i + 1} {2}`, 'm'));
	}
	await press(ui, [KEY.enter, 'n'], 'Step 3/3');
	assert.match(ui.lastFrame()!, /unsaved/);
	await press(ui, 's', 'save as>');
	assert.match(ui.lastFrame()!, /save as> RaftCluster/);
	const frame = await press(ui, KEY.enter, '✓ saved');
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
	await waitFrame(ui, 'Saved clusters');
	await press(ui, 'd', 'Delete saved cluster');
	assert.match(ui.lastFrame()!, /Delete saved cluster "lab"\? y delete · n keep/);
	await press(ui, 'n', frame => !frame.includes('Delete saved cluster'));
	assert.match(ui.lastFrame()!, /lab\s+3/);
	const frame = await press(ui, ['d', 'y'], 'deleted saved cluster');
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
	await waitFrame(ui, frame => flat(frame).includes('✗ saved cluster "bad"'));
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /✗ saved cluster "bad"/);
	const before = plain(ui.lastFrame());
	await press(ui, KEY.enter, frame => frame !== before && flat(frame).includes('delete it with d')); // the flash
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /delete it with d/);
	ui.unmount();
	await writeFile(join(cwd, 'config.json'), '{not json');
	ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} />);
	await waitFrame(ui, frame => flat(frame).includes('cannot be read'));
	assert.match(ui.lastFrame()!.replace(/\s+/g, ' '), /cannot be read/);
	await press(ui, 'm', frame => flat(frame).includes('moved the unreadable file'));
	const frame = ui.lastFrame()!.replace(/\s+/g, ' ');
	assert.match(frame, /moved the unreadable file to .*corrupt-/);
	assert.match(frame, /none saved/);
	ui.unmount();
}));

test('the demo row comes first: a saved cluster is picked at first, ↓ opens the next, ↑ to the demo and Enter starts it', () => withStore(async cwd => {
	seed(cwd);
	let demos = 0;
	let ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} onDemo={() => demos++} />);
	let frame = await waitFrame(ui, 'Try the demo');
	const lines = frame.split('\n');
	assert.match(lines[1]!, /^ {2}Try the demo — a simulated cluster, no servers/, 'the first row, not selected');
	assert.match(frame, /> lab\s+3/, 'the first saved cluster is selected');
	frame = await press(ui, [KEY.down, KEY.enter], 'rmq-tui · prod');
	assert.match(frame, /Step 1\/3 · Hosts/);
	assert.equal(demos, 0);
	ui.unmount();

	ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} onDemo={() => demos++} />);
	await waitFrame(ui, '> lab');
	frame = await press(ui, KEY.up, '> Try the demo');
	assert.doesNotMatch(frame, /> lab/);
	await press(ui, 'd', frame => frame.includes('> Try the demo'));
	assert.doesNotMatch(ui.lastFrame()!, /Delete saved cluster/, 'the demo row cannot be deleted');
	ui.stdin.write(KEY.enter);
	await waitFor('the wizard to report the demo', 5000, () => demos === 1);
	ui.unmount();
}));
