/**
 * The built CLI in a real pseudo-terminal (tmux): the wizard's first frame appears, and `q` exits cleanly.
 * CI=false: under CI=true (our CI sets it) Ink renders only the last frame, as it should in a CI log.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {need, which} from '../support/need.ts';
import {waitFor} from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('rmq-tui in a pty: first frame at 80×24, Tab then q exits with code 0', async t => {
	if (!need(t, 'tmux', which('tmux') !== undefined)) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-pty-'));
	const socket = join(dir, 'tmux.sock');
	const exitFile = join(dir, 'exit');
	const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], {encoding: 'utf8'});
	const command = `cd ${ROOT} && PATH=${join(ROOT, 'node_modules/.bin')}:$PATH HOME=${dir} CI=false CONTINUOUS_INTEGRATION=false node dist/cli.js; echo $? > ${exitFile}`;
	try {
		const started = Date.now();
		tmux('new-session', '-d', '-x', '80', '-y', '24', 'sh', '-c', command);
		const frame = await waitFor('the first frame', 15_000, () => {
			const screen = tmux('capture-pane', '-p');
			return screen.includes('Step 1/3') ? screen : undefined;
		});
		t.diagnostic(`first frame after ${Date.now() - started} ms (process start included)`);
		assert.match(frame, /rmq-tui · new cluster/);
		assert.match(frame, /Enter add \(empty: next\) · Tab\/↓ table/, 'key hints at the bottom');
		assert.match(frame, /no servers at hand\? Ctrl-C, then: npx rmq-tui --demo/, 'a first run points at the demo');
		assert.ok(frame.split('\n').every(line => line.length <= 80), 'fits 80 columns');
		tmux('send-keys', 'Tab');
		await waitFor('the table to take the focus', 5000, () => tmux('capture-pane', '-p').includes('n next'));
		tmux('send-keys', 'q');
		const code = await waitFor('rmq-tui to exit', 10_000, () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : undefined));
		assert.equal(code, '0');
	} finally {
		try {
			tmux('kill-server');
		} catch {
			// already gone with its only session
		}
		rmSync(dir, {recursive: true, force: true});
	}
});
