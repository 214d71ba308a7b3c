/**
 * `rmq-tui monitor --sim` in a real pseudo-terminal (tmux, the built CLI): the pane opens on the alternate screen
 * and never draws more rows than the terminal has; `q` leaves the alternate screen (the shell's screen is back)
 * and exits 0, SIGTERM the same with 143 (128 + 15), both with --report written; an exception nobody catches while
 * the pane runs leaves the alternate screen too, prints the error and exits 1.
 * CI=false: under CI=true Ink renders only the last frame, as it should in a CI log.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {need, which} from '../support/need.ts';
import {waitFor} from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Ending {
	/** How the pane is ended: keys sent through tmux, or a signal to its process. */
	stop: (tmux: (...a: string[]) => string, pid: number) => void;
	code: string;
	/** The report is written on the way out (not after a crash). */
	report: boolean;
	/** What the shell's screen shows after it. */
	after?: RegExp;
	/** A module loaded before the CLI (NODE_OPTIONS=--import), for the crash. */
	preload?: string;
}

/**
 * Loaded into the CLI's process by the crash test only (the CLI knows nothing of it): on SIGUSR2 it throws from an
 * event-loop callback, as a bug in a stream or timer handler of the running pane would.
 */
const CRASH_PRELOAD = `process.on('SIGUSR2', () => {
	throw new Error('boom: an exception nobody caught while the pane ran');
});
`;

async function session(t: {diagnostic(s: string): void}, name: string, ending: Ending): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), `rmq-tui-pty-${name}-`));
	const socket = join(dir, 'tmux.sock');
	const exitFile = join(dir, 'exit');
	const pidFile = join(dir, 'pid');
	const report = join(dir, 'drills');
	const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], {encoding: 'utf8'});
	let nodeOptions = '';
	if (ending.preload !== undefined) {
		const preload = join(dir, 'preload.mjs');
		writeFileSync(preload, ending.preload);
		nodeOptions = `NODE_OPTIONS=--import=${pathToFileURL(preload).href} `;
	}
	const inner = `echo $$ > ${pidFile}; exec node dist/cli.js monitor --sim --time-scale 5 --report ${report}`;
	const command = `cd ${ROOT} && PATH=${join(ROOT, 'node_modules/.bin')}:$PATH HOME=${dir} CI=false CONTINUOUS_INTEGRATION=false ${nodeOptions}sh -c '${inner}'; echo $? > ${exitFile}; sleep 60`;
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
		ending.stop(tmux, Number(readFileSync(pidFile, 'utf8')));
		const code = await waitFor('rmq-tui to exit', 20_000, () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : undefined));
		assert.equal(code, ending.code, 'exit code');
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'the alternate screen was left');
		const after = tmux('capture-pane', '-p', '-S', '-100');
		assert.match(after, /Deploying the seed cluster/, 'the shell screen as it was before the pane');
		assert.doesNotMatch(after, /RaftNode00 {2}HEALTHY/);
		if (ending.after) assert.match(after, ending.after);
		assert.equal(existsSync(`${report}.md`) && existsSync(`${report}.json`), ending.report, ending.report ? '--report written on the way out' : 'no report after a crash');
	} finally {
		try {
			tmux('kill-server');
		} catch {
			// already gone
		}
		rmSync(dir, {recursive: true, force: true});
	}
}

const ready = (t: Parameters<typeof need>[0]) =>
	need(t, 'tmux', which('tmux') !== undefined) && need(t, 'a build (npm run build)', existsSync(join(ROOT, 'dist/cli.js')));

test('monitor --sim in a pty: alternate screen while open, restored on q, exit 0', async t => {
	if (!ready(t)) return;
	await session(t, 'q', {stop: tmux => tmux('send-keys', 'q'), code: '0', report: true, after: /Drill report: .*drills\.md and \.json/});
});

test('monitor --sim in a pty: restored on SIGTERM too, report written, exit 143 (128 + 15)', async t => {
	if (!ready(t)) return;
	await session(t, 'sigterm', {stop: (_tmux, pid) => process.kill(pid, 'SIGTERM'), code: '143', report: true, after: /Drill report: .*drills\.md and \.json/});
});

test('monitor --sim in a pty: an exception nobody catches leaves the alternate screen, is printed, exit 1', async t => {
	if (!ready(t)) return;
	await session(t, 'crash', {
		preload: CRASH_PRELOAD,
		stop: (_tmux, pid) => process.kill(pid, 'SIGUSR2'),
		code: '1',
		report: false,
		after: /rmq-tui: Error: boom: an exception nobody caught while the pane ran\n\s+at /,
	});
});
