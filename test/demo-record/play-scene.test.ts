/**
 * The driver in a real tmux, on a small key-echoing program instead of the app: waits, typed text, keys, pressing
 * until the screen shows something, captures merged into frames, a timed-out wait failing with the last screen,
 * the last words of a command that exited, and the private tmux server gone after kill().
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname} from 'node:path';
import {test, type TestContext} from 'node:test';
import {parseScreen} from '../../scripts/demo/ansi-screen.ts';
import {CaptureLoop} from '../../scripts/demo/capture-loop.ts';
import {cellAt, gridText} from '../../scripts/demo/cell-grid.ts';
import {playScene, SceneError} from '../../scripts/demo/play-scene.ts';
import type {Scene, Step} from '../../scripts/demo/scene.ts';
import {TmuxSession} from '../../scripts/demo/tmux-session.ts';
import {need, which} from '../support/need.ts';
import {waitFor} from '../support/wait.ts';

const ECHO_KEYS = `
process.stdin.setRawMode(true);
let n = 0, line = '';
console.log('ready');
process.stdin.on('data', d => {
	for (const c of d.toString()) {
		if (c === 'j') console.log('\\u001b[32mselected ' + ++n + '\\u001b[0m');
		else if (c === 'q') { console.log('bye from ' + process.env.HOME); process.exit(3); }
		else if (c === '\\r') { console.log('\\ntyped ' + line); line = ''; }
		else { process.stdout.write(c); line += c; }
	}
});`;

function stage(command: readonly string[]) {
	const session = TmuxSession.start({command, cwd: process.cwd(), env: process.env, cols: 40, rows: 8});
	const loop = new CaptureLoop(session, 40, 8, 50);
	loop.start();
	return {session, loop};
}

const scene = (steps: Step[]): Scene => ({name: 'test', description: 'test', command: [], cols: 40, rows: 8, steps});

async function play(t: TestContext, command: readonly string[], steps: Step[]) {
	const s = stage(command);
	t.after(() => s.session.kill());
	await playScene(scene(steps), s);
	await s.loop.stop();
	return s;
}

test('a scene on a real pty: wait, type, keys, press until; each different screen is one frame', async t => {
	if (!need(t, 'tmux (apt-get install tmux)', which('tmux') !== undefined)) return;
	const {loop, session} = await play(t, [process.execPath, '-e', ECHO_KEYS], [
		{wait: 'ready', timeoutMs: 15_000},
		{type: 'abc', charMs: 150},
		{keys: ['Enter']},
		{wait: 'typed abc'},
		{press: 'j', until: /selected 3/, gapMs: 20},
		{hold: 150},
	]);
	const last = loop.latest()!;
	assert.match(last.text, /^ready\nabc\ntyped abc\nselected 1\nselected 2\nselected 3$/m);
	assert.doesNotMatch(last.text, /selected 4/, 'pressing stopped once the screen showed it');
	assert.equal(cellAt(parseScreen(last.ansi, 40, 8), 0, 5).fg, 2, 'captured with its colours: selected 3 in green');
	const frames = loop.timeline.frames(loop.now(), 60_000);
	const typed = frames.map(f => /^(ab?c?)$/m.exec(f.screen)?.[1]).filter(x => x !== undefined);
	// a letter every 150 ms, a capture every 50 ms: the recording shows the typing, not just its result
	const stages = [...new Set(typed)];
	assert.equal(stages.at(-1), 'abc');
	assert.ok(stages.length >= 2, `typing stages recorded: ${stages.join(', ')}`);
	for (let i = 1; i < frames.length; i++) assert.notEqual(frames[i]!.screen, frames[i - 1]!.screen, 'no two frames in a row alike');
	assert.ok(frames.every(f => f.durationMs > 0));
	session.kill();
	assert.notEqual(spawnSync('tmux', ['-S', session.socket, 'has-session']).status, 0, 'the tmux server is gone');
	assert.equal(existsSync(dirname(session.socket)), false, 'its directory removed');
	await assert.rejects(session.capture(), /killed/);
});

test('a wait that times out fails with the step and the last screen', async t => {
	if (!need(t, 'tmux (apt-get install tmux)', which('tmux') !== undefined)) return;
	const error = await play(t, [process.execPath, '-e', ECHO_KEYS], [{wait: 'ready', timeoutMs: 15_000}, {wait: /never shown/, timeoutMs: 300}]).then(
		() => assert.fail('the wait should time out'),
		(e: unknown) => e,
	);
	assert.ok(error instanceof SceneError);
	assert.match(error.message, /^scene test, step 2 of 2 \(wait for \/never shown\/\): not on the screen after 300 ms\. The last screen:\nready/);
});

test('a command that exits leaves its last words on the screen', async t => {
	if (!need(t, 'tmux (apt-get install tmux)', which('tmux') !== undefined)) return;
	const {session} = await play(t, [process.execPath, '-e', ECHO_KEYS], [{wait: 'ready', timeoutMs: 15_000}, {keys: ['q']}, {wait: 'bye from'}]);
	const paneDead = () => spawnSync('tmux', ['-S', session.socket, 'display', '-p', '#{pane_dead}'], {encoding: 'utf8'}).stdout.trim() === '1';
	await waitFor('the command to exit', 10_000, paneDead);
	const text = gridText(parseScreen(await session.capture(), 40, 8));
	assert.match(text, /bye from \S+\/rmq-tui-demo-[^/]+\/home/, "its last words, with HOME the session's own empty directory");
});
