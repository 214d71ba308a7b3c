/** @jsxRuntime automatic */
/** @jsxImportSource react */
/** The host form: per-host fields typed with real keys, shown in the table, the review's cluster.yaml, and after a reopen. */
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {sshResolverFromText} from '../../source/inventory/ssh-config.ts';
import {ClusterStore} from '../../source/store/clusters.ts';
import {App} from '../../source/ui/App.tsx';
import {hints} from '../../source/ui/keys.ts';
import {KEY, paste, press, type, waitFrame, type Driven} from './drive.ts';

const noExport = async () => {
	throw new Error('not expected');
};
const SEED = '192.168.1.71,192.168.1.76,192.168.1.77';
const keyExists = (path: string) => path === '/keys/rmq';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The line under a form field's line (where its problem goes). */
function under(frame: string, label: string): string {
	const lines = frame.split('\n');
	const i = lines.findIndex(l => new RegExp(`^[> ] ${esc(label)}( |$)`).test(l));
	assert.ok(i >= 0, `no ${label} field in:\n${frame}`);
	return lines[i + 1] ?? '';
}
const field = (label: string, value: string) => new RegExp(`^[> ] ${esc(label)} +${esc(value)}`, 'm');
const tableRow = (n: number, ...cells: string[]) => new RegExp(`^[> ] ?${n} {2}${cells.map(esc).join(' +')}`, 'm');

async function addSeedAndOpenTable(ui: Driven) {
	await waitFrame(ui, 'Step 1/3');
	await press(ui, SEED, tableRow(3, '192.168.1.77'));
	return press(ui, KEY.tab, hints('hosts.table'));
}

/** Row 2: user admin, port 2222, key /keys/rmq; row 3: ask at connect time; row 1: ssh-agent (reached with Shift-Tab). */
async function editSeed(ui: Driven) {
	await press(ui, [KEY.up, 'e'], 'host 2: 192.168.1.76');
	await press(ui, [KEY.tab, KEY.tab, KEY.tab], /^> SSH user/m);
	await type(ui, 'admin');
	await press(ui, KEY.tab, /^> SSH port/m);
	await type(ui, '2222');
	await press(ui, [KEY.tab, KEY.tab], /^> Key file/m);
	await type(ui, '/keys/rmq');
	await press(ui, KEY.enter, tableRow(2, '192.168.1.76', '192.168.1.76', 'admin', '2222', '/keys/rmq', '✓'));
	await press(ui, [KEY.down, 'e'], 'host 3: 192.168.1.77');
	await press(ui, [KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab], /^> Identity/m);
	await press(ui, [KEY.right, KEY.right], '[ask at connect time]');
	await press(ui, KEY.enter, tableRow(3, '192.168.1.77', '192.168.1.77', '-', '22', 'ask password', '✓'));
	await press(ui, [KEY.up, KEY.up, 'e'], 'host 1: 192.168.1.71');
	await press(ui, [KEY.shiftTab, KEY.shiftTab, KEY.shiftTab], /^> Identity/m); // wraps: Address → ProxyJump → Key file → Identity
	await press(ui, KEY.right, '[ssh-agent]');
	return press(ui, KEY.enter, tableRow(1, '192.168.1.71', '192.168.1.71', '-', '22', 'ssh-agent', '✓'));
}

test('editing hosts\' user, port and identity shows in the table and in the review\'s cluster.yaml', async () => {
	const ui = render(<App exportTo={noExport} fileExists={keyExists} rows={60} />);
	await addSeedAndOpenTable(ui);
	const table = await editSeed(ui);
	assert.match(table, tableRow(2, '192.168.1.76', '192.168.1.76', 'admin', '2222', '/keys/rmq', '✓'));
	assert.match(table, tableRow(3, '192.168.1.77', '192.168.1.77', '-', '22', 'ask password', '✓'));
	assert.match(table, /✓ 3 hosts/);
	await press(ui, 'n', 'Step 2/3');
	await press(ui, 'n', 'Step 3/3');
	const frame = await press(ui, KEY.up, /^> cluster\.yaml/m); // the file list wraps to the cluster.yaml export writes
	assert.match(frame, /- name: 192\.168\.1\.71\n\s+ssh:\n\s+host: 192\.168\.1\.71\n\s+auth: agent\n\s+ip: 192\.168\.1\.71\n/);
	assert.match(frame, /- name: 192\.168\.1\.76\n\s+ssh:\n\s+host: 192\.168\.1\.76\n\s+user: admin\n\s+port: 2222\n\s+identity: \/keys\/rmq\n\s+ip: 192\.168\.1\.76\n/);
	assert.match(frame, /- name: 192\.168\.1\.77\n\s+ssh:\n\s+host: 192\.168\.1\.77\n\s+auth: ask\n\s+ip: 192\.168\.1\.77\n/);
	assert.doesNotMatch(frame, /password:|passphrase:/);
	assert.ok(frame.split('\n').length <= 60);
	ui.unmount();
});

test('each host problem is shown under its own field as you type', async () => {
	const ui = render(<App exportTo={noExport} fileExists={keyExists} />);
	await addSeedAndOpenTable(ui);
	await press(ui, [KEY.up, KEY.up, 'e'], 'host 1: 192.168.1.71');
	for (let i = 0; i < 12; i++) ui.stdin.write(KEY.backspace);
	let frame = await waitFrame(ui, 'the address is empty');
	assert.equal(under(frame, 'Address').trim(), '✗ the address is empty');
	frame = await type(ui, '192.168.1.276');
	assert.match(under(frame, 'Address'), /^ {4}✗ "192\.168\.1\.276" is not a valid IPv4 address \(four numbers 0–255/);
	for (let i = 0; i < 3; i++) ui.stdin.write(KEY.backspace);
	frame = await type(ui, '76', 'duplicates host');
	assert.equal(under(frame, 'Address').trim(), '✗ duplicates host 2 (name 192.168.1.76)');
	ui.stdin.write(KEY.backspace);
	ui.stdin.write(KEY.backspace);
	frame = await type(ui, '71', /^> Address +192\.168\.1\.71$/m);
	assert.match(under(frame, 'Address'), /^ {2}Name /, 'no problem left under Address');

	await press(ui, KEY.tab, /^> Name/m);
	frame = await type(ui, '192.168.1.77', 'duplicates host');
	assert.equal(under(frame, 'Name').trim(), '✗ duplicates host 3 (name 192.168.1.77)');
	for (let i = 0; i < 12; i++) ui.stdin.write(KEY.backspace);
	frame = await waitFrame(ui, field('Name', '192.168.1.71 (from the address)'));
	assert.match(under(frame, 'Name'), /^ {2}Broker IP /, 'an empty name is allowed');

	await press(ui, KEY.tab, /^> Broker IP/m);
	frame = await type(ui, 'x');
	assert.match(under(frame, 'Broker IP'), /^ {4}✗ "x" is not an IPv4 address/);
	ui.stdin.write(KEY.backspace);
	await waitFrame(ui, field('Broker IP', '192.168.1.71 (the address)'));

	await press(ui, KEY.tab, /^> SSH user/m);
	frame = await type(ui, 'ro@t');
	assert.equal(under(frame, 'SSH user').trim(), '✗ "ro@t" is not a user name (letters, digits, ".", "_" and "-")');
	for (let i = 0; i < 4; i++) ui.stdin.write(KEY.backspace);
	await waitFrame(ui, field('SSH user', '(your login name)'));

	await press(ui, KEY.tab, /^> SSH port/m);
	frame = await type(ui, '70000');
	assert.equal(under(frame, 'SSH port').trim(), '✗ must be a whole number from 1 to 65535, got 70000');
	for (let i = 0; i < 5; i++) ui.stdin.write(KEY.backspace);
	frame = await type(ui, '0', 'got 0');
	assert.equal(under(frame, 'SSH port').trim(), '✗ must be a whole number from 1 to 65535, got 0');
	ui.stdin.write(KEY.backspace);
	frame = await type(ui, '2200');
	assert.match(under(frame, 'SSH port'), /^ {2}Identity /);

	await press(ui, [KEY.tab, KEY.tab], /^> Key file/m);
	frame = await type(ui, '/keys/none');
	assert.equal(under(frame, 'Key file').trim(), '✗ key file "/keys/none" does not exist');
	for (let i = 0; i < 4; i++) ui.stdin.write(KEY.backspace);
	frame = await type(ui, 'rmq', field('Key file', '/keys/rmq'));
	assert.match(under(frame, 'Key file'), /^ {2}ProxyJump /, 'an existing key file is fine');

	await press(ui, KEY.tab, /^> ProxyJump/m);
	frame = await type(ui, 'op@bad_host');
	assert.match(under(frame, 'ProxyJump'), /^ {4}✗ "op@bad_host" is not a jump host \("bad_host" is neither/);

	// Saved with a problem: the row is marked and says it; next is refused.
	frame = await press(ui, KEY.enter, hints('hosts.table'));
	assert.match(frame, tableRow(1, '192.168.1.71', '192.168.1.71', '-', '2200', '/keys/rmq', '✗'));
	assert.match(frame, /^ +✗ "op@bad_host" is not a jump host/m);
	await press(ui, 'n', 'fix the problems marked ✗ first');
	ui.unmount();
});

test('~/.ssh/config defaults fill the table and are the form\'s greyed placeholders, "from ~/.ssh/config"', async () => {
	const resolveSsh = sshResolverFromText([
		'Host mq-*', '  User deploy', '  Port 2200', '  IdentityFile ~/.ssh/mq', '  ProxyJump ops@bastion:22',
		'Host mq-1', '  HostName 10.0.0.1', 'Host mq-2', '  HostName 10.0.0.2', 'Host mq-3', '  HostName 10.0.0.3',
	].join('\n'), '/home/op');
	const ui = render(<App exportTo={noExport} resolveSsh={resolveSsh} />);
	await waitFrame(ui, 'Step 1/3');
	let frame = await press(ui, 'mq-1 mq-2 mq-3', tableRow(3, 'mq-3'));
	for (const n of [1, 2, 3]) assert.match(frame, tableRow(n, `mq-${n}`, `mq-${n}`, 'deploy', '2200', '/home/op/.ssh/mq', '✓'));
	frame = await press(ui, [KEY.tab, KEY.up, KEY.up, 'e'], 'host 1: mq-1');
	assert.match(frame, /~\/\.ssh\/config has a Host entry for "mq-1": grey values are from ~\/\.ssh\/config/);
	assert.match(frame, field('Broker IP', '10.0.0.1 (HostName from ~/.ssh/config)'));
	assert.match(frame, field('SSH user', 'deploy (from ~/.ssh/config)'));
	assert.match(frame, field('SSH port', '2200 (from ~/.ssh/config)'));
	assert.match(frame, field('Key file', '/home/op/.ssh/mq (from ~/.ssh/config)'));
	assert.match(frame, field('ProxyJump', 'ops@bastion:22 (from ~/.ssh/config)'));
	await press(ui, [KEY.tab, KEY.tab, KEY.tab], /^> SSH user/m);
	frame = await type(ui, 'root');
	assert.doesNotMatch(frame, /deploy \(from ~\/\.ssh\/config\)/, 'a typed value replaces the placeholder');
	frame = await press(ui, KEY.enter, tableRow(1, 'mq-1', 'mq-1', 'root', '2200'));
	// Aliases resolve through ~/.ssh/config all the way to the review.
	await press(ui, 'n', 'Step 2/3');
	frame = await press(ui, 'n', 'Step 3/3');
	assert.match(frame, /^mq-1 +:9876 +RaftNode00\/n0/m);
	ui.unmount();
});

test('Esc discards the form; a paste goes into the focused field', async () => {
	const ui = render(<App exportTo={noExport} />);
	await addSeedAndOpenTable(ui);
	await press(ui, [KEY.up, 'e'], 'host 2: 192.168.1.76');
	await press(ui, '\t\t\t', /^> SSH user/m); // three Tabs in one chunk (a fast terminal): three fields on, no text typed
	assert.match(ui.lastFrame()!, field('Address', '192.168.1.76'));
	assert.doesNotMatch(ui.lastFrame()!, /\t/);
	await press(ui, paste('ops'), field('SSH user', 'ops'));
	await press(ui, KEY.tab, /^> SSH port/m);
	await press(ui, '2022', field('SSH port', '2022')); // a chunk of keys at once, as a fast paste without brackets
	let frame = await press(ui, KEY.enter, hints('hosts.table'));
	assert.match(frame, tableRow(2, '192.168.1.76', '192.168.1.76', 'ops', '2022'));
	await press(ui, 'e', 'host 2: 192.168.1.76');
	await press(ui, [KEY.tab, KEY.tab, KEY.tab], /^> SSH user/m);
	await type(ui, 'x', field('SSH user', 'opsx'));
	frame = await press(ui, KEY.esc, hints('hosts.table'));
	assert.match(frame, tableRow(2, '192.168.1.76', '192.168.1.76', 'ops', '2022'));
	ui.unmount();
});

test('a saved cluster reopens with identical per-host values (table and form)', async () => {
	const cwd = await mkdtemp(join(tmpdir(), 'rmq-hosts-'));
	try {
		let ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} fileExists={keyExists} />);
		await addSeedAndOpenTable(ui);
		await editSeed(ui);
		const rows = (frame: string) => frame.split('\n').filter(l => /^[> ] ?\d {2}/.test(l)).map(l => l.slice(1));
		const before = rows(ui.lastFrame()!);
		const formLines = (frame: string) => frame.split('\n').filter(l => /^[> ] (Address|Name|Broker IP|SSH user|SSH port|Identity|Key file|ProxyJump) /.test(l));
		const form = formLines(await press(ui, [KEY.down, 'e'], 'host 2:'));
		await press(ui, KEY.esc, hints('hosts.table'));
		await press(ui, 'n', 'Step 2/3');
		await press(ui, 'n', 'Step 3/3');
		await press(ui, 's', 'save as> RaftCluster');
		await press(ui, KEY.enter, '✓ saved "RaftCluster"');
		ui.unmount();

		ui = render(<App exportTo={noExport} store={ClusterStore.open({cwd})} fileExists={keyExists} />);
		await waitFrame(ui, 'Saved clusters');
		const reopened = await press(ui, KEY.enter, 'opened saved cluster "RaftCluster"');
		assert.doesNotMatch(reopened, /unsaved/);
		assert.deepEqual(rows(reopened), before);
		await press(ui, KEY.tab, hints('hosts.table'));
		const again = formLines(await press(ui, [KEY.down, 'e'], 'host 2:'));
		assert.deepEqual(again, form);
		assert.ok(form.some(l => /SSH user +admin/.test(l)) && form.some(l => /Key file +\/keys\/rmq/.test(l)));
		ui.unmount();
	} finally {
		await rm(cwd, {recursive: true, force: true});
	}
});

test('many hosts: the table scrolls to keep the selected row in view and the frame still fits 80×24', async () => {
	const ui = render(<App exportTo={noExport} />);
	await waitFrame(ui, 'Step 1/3');
	const list = Array.from({length: 20}, (_, i) => `10.0.0.${i + 1}`).join(',');
	let frame = await press(ui, list, /✓ 20 hosts \(rows \d+–20 shown\)/);
	assert.match(frame, tableRow(20, '10.0.0.20'));
	assert.doesNotMatch(frame, tableRow(1, '10.0.0.1 '));
	assert.ok(frame.split('\n').length <= 24 && frame.split('\n').every(l => l.length <= 80), frame);
	frame = await press(ui, [KEY.tab, 'K'], /^>19 {2}10\.0\.0\.20 /m); // move the last host up
	assert.match(frame, /✓ 20 hosts \(rows 6–19 shown\)/, 'the window follows the selected row');
	ui.unmount();
});
