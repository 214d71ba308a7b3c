/**
 * `rmq-tui monitor --sim` in a real pseudo-terminal (tmux, the built CLI): the pane opens on the alternate screen
 * and never draws more rows than the terminal has; `q` and SIGTERM both leave the alternate screen (the shell's
 * screen is back) and exit 0, with --report written.
 * CI=false: under CI=true Ink renders only the last frame, as it should in a CI log.
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

async function session(t: {diagnostic(s: string): void}, name: string, stop: (tmux: (...a: string[]) => string, pid: number) => void): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), `rmq-tui-pty-${name}-`));
	const socket = join(dir, 'tmux.sock');
	const exitFile = join(dir, 'exit');
	const pidFile = join(dir, 'pid');
	const report = join(dir, 'drills');
	const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], {encoding: 'utf8'});
	const inner = `echo $$ > ${pidFile}; exec node dist/cli.js monitor --sim --time-scale 5 --report ${report}`;
	const command = `cd ${ROOT} && PATH=${join(ROOT, 'node_modules/.bin')}:$PATH HOME=${dir} CI=false CONTINUOUS_INTEGRATION=false sh -c '${inner}'; echo $? > ${exitFile}; sleep 60`;
	try {
		const started = Date.now();
		tmux('new-session', '-d', '-x', '100', '-y', '30', 'sh', '-c', command);
		const frame = await waitFor('the pane with both groups', 30_000, () => {
			const screen = tmux('capture-pane', '-p');
			return /RaftNode00 {2}HEALTHY/.test(screen) && /RaftNode01 {2}HEALTHY/.test(screen) && screen.includes('hosts 3/3') ? screen : undefined;
		});
		t.diagnostic(`${name}: pane up after ${Date.now() - started} ms (simulated deploy included)`);
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '1', 'the pane is on the alternate screen');
		const lines = frame.replace(/\n+$/, '').split('\n');
		assert.ok(lines.length <= 29, `${lines.length} rows drawn on a 30-row terminal`);
		assert.ok(lines.every(l => l.length <= 100));
		assert.match(frame, /↑↓\/jk select/);
		stop(tmux, Number(readFileSync(pidFile, 'utf8')));
		const code = await waitFor('rmq-tui to exit', 20_000, () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : undefined));
		assert.equal(code, '0');
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'the alternate screen was left');
		const after = tmux('capture-pane', '-p');
		assert.match(after, /Deploying the seed cluster/, 'the shell screen as it was before the pane');
		assert.doesNotMatch(after, /RaftNode00 {2}HEALTHY/);
		assert.ok(existsSync(`${report}.md`) && existsSync(`${report}.json`), '--report written on the way out');
	} finally {
		try {
			tmux('kill-server');
		} catch {
			// already gone
		}
		rmSync(dir, {recursive: true, force: true});
	}
}

test('monitor --sim in a pty: alternate screen while open, restored on q', async t => {
	if (!need(t, 'tmux', which('tmux') !== undefined)) return;
	if (!need(t, 'a build (npm run build)', existsSync(join(ROOT, 'dist/cli.js')))) return;
	await session(t, 'q', tmux => tmux('send-keys', 'q'));
});

test('monitor --sim in a pty: restored on SIGTERM too', async t => {
	if (!need(t, 'tmux', which('tmux') !== undefined)) return;
	if (!need(t, 'a build (npm run build)', existsSync(join(ROOT, 'dist/cli.js')))) return;
	await session(t, 'sigterm', (_tmux, pid) => process.kill(pid, 'SIGTERM'));
});
