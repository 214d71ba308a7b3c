/** @jsxRuntime automatic */
/** @jsxImportSource react */
/** The layout follows the terminal: stdout 'resize' events re-flow the table, the footer and the review. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {App} from '../../source/ui/App.tsx';
import {hints} from '../../source/ui/keys.ts';
import {fits, KEY, press, waitFrame} from './drive.ts';

type Rendered = ReturnType<typeof render>;

/** What a terminal does on resize: new rows/columns on stdout, then 'resize'. */
function resize(ui: Rendered, columns: number, rows: number) {
	Object.defineProperty(ui.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(ui.stdout, 'rows', {value: rows, configurable: true});
	ui.stdout.emit('resize');
}

/** The frame once it fills the new size: rows − 1 lines (one is left for the shell's cursor), none wider. */
const fitted = (columns: number, rows: number) => (frame: string) => frame.split('\n').length === rows - 1 && fits(frame, columns, rows) === undefined;

test('resizing re-lays out the hosts table, the footer and the review to the new size', async () => {
	const ui = render(<App exportTo={noExportExpected} />);
	await waitFrame(ui, 'Step 1/3');
	await press(ui, '192.168.1.71,admin@192.168.1.76:2222,192.168.1.77', /3 {2}192\.168\.1\.77/);
	let frame = await waitFrame(ui, fitted(80, 24));
	const wide = frame.split('\n').find(l => l.includes('  2  '))!;

	resize(ui, 60, 20);
	frame = await waitFrame(ui, fitted(60, 20));
	assert.equal(fits(frame, 60, 20), undefined);
	const narrow = frame.split('\n').find(l => l.includes('  2  '))!;
	assert.ok(narrow.length < wide.length, `the table narrowed: ${JSON.stringify(narrow)}`);
	assert.match(narrow, /2 {2}192\.168\.1… +192\.168\.1\.76 +admin +2222 /, 'a cell too long for its column is cut with …');

	await press(ui, KEY.enter, 'Step 2/3');
	frame = await press(ui, 'n', 'Step 3/3');
	assert.equal(fits(frame, 60, 20), undefined);
	assert.match(frame, /PgUp\/PgDn scroll/, 'every key hint is still shown (wrapped)');
	const preview = (f: string) => Number(/lines 1–(\d+) of/.exec(f)?.[1] ?? 0);
	const small = preview(frame);
	assert.ok(small >= 2, frame);

	resize(ui, 120, 40);
	frame = await waitFrame(ui, fitted(120, 40));
	assert.equal(fits(frame, 120, 40), undefined);
	assert.ok(preview(frame) > small, `the preview grew from ${small} lines:\n${frame}`);

	resize(ui, 80, 24);
	frame = await waitFrame(ui, fitted(80, 24));
	assert.match(frame, /s save · x export · D deploy \(off\) · Esc back · \? help · q quit|PgUp\/PgDn scroll/);
	ui.unmount();
});

test('the host form and the help overlay fit a small terminal after a resize', async () => {
	const ui = render(<App exportTo={noExportExpected} />);
	await waitFrame(ui, 'Step 1/3');
	await press(ui, '192.168.1.71,192.168.1.76,192.168.1.77', /3 {2}192\.168\.1\.77/);
	await press(ui, [KEY.tab, 'e'], 'host 3: 192.168.1.77');
	resize(ui, 60, 22);
	let frame = await waitFrame(ui, fitted(60, 22));
	assert.match(frame, /Identity/);
	assert.match(frame, /Esc cancel/);
	await press(ui, KEY.esc, hints('hosts.table').slice(0, 40));
	frame = await press(ui, '?', 'Keys (hosts.table)');
	assert.equal(fits(frame, 60, 22), undefined);
	ui.unmount();
});

async function noExportExpected(): Promise<string> {
	throw new Error('not expected');
}
