/** The alternate screen is left on every way out: restore(), process exit, a signal, a crash. */
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {test} from 'node:test';
import {alternateScreen, ENTER_ALT, LEAVE_ALT, signalExitCode} from '../../source/ui/pane/screen.ts';

function fake() {
	const proc = Object.assign(new EventEmitter(), {exits: [] as number[], exit(code?: number) {
		this.exits.push(code ?? 0);
	}});
	let out = '';
	let err = '';
	return {proc, out: {write: (s: string) => void (out += s)}, err: {write: (s: string) => void (err += s)}, written: () => out, errors: () => err};
}

test('entered at once, left once, listeners removed', () => {
	const f = fake();
	const screen = alternateScreen(f.out, {proc: f.proc, errorOut: f.err});
	assert.ok(f.written().startsWith(ENTER_ALT));
	assert.equal(f.proc.listenerCount('SIGTERM'), 1);
	screen.restore();
	screen.restore();
	assert.equal(f.written().split(LEAVE_ALT).length - 1, 1);
	for (const e of ['exit', 'SIGTERM', 'SIGHUP', 'SIGINT', 'uncaughtException', 'unhandledRejection']) assert.equal(f.proc.listenerCount(e), 0, e);
});

test('process exit leaves it', () => {
	const f = fake();
	alternateScreen(f.out, {proc: f.proc, errorOut: f.err});
	f.proc.emit('exit', 0);
	assert.ok(f.written().endsWith(LEAVE_ALT));
});

test('a crash leaves it first, then prints the error on the normal screen and exits 1', () => {
	const f = fake();
	alternateScreen(f.out, {proc: f.proc, errorOut: f.err});
	f.proc.emit('uncaughtException', new Error('boom'));
	assert.ok(f.written().endsWith(LEAVE_ALT));
	assert.match(f.errors(), /rmq-tui: Error: boom/);
	assert.deepEqual(f.proc.exits, [1]);
	const g = fake();
	alternateScreen(g.out, {proc: g.proc, errorOut: g.err});
	g.proc.emit('unhandledRejection', 'nope');
	assert.deepEqual(g.proc.exits, [1]);
	assert.match(g.errors(), /rmq-tui: nope/);
});

test('a signal goes to the caller to close cleanly; without one, it leaves and exits 128+n', () => {
	const f = fake();
	const seen: string[] = [];
	alternateScreen(f.out, {proc: f.proc, errorOut: f.err, onSignal: s => seen.push(s)});
	f.proc.emit('SIGTERM', 'SIGTERM');
	assert.deepEqual(seen, ['SIGTERM']);
	assert.deepEqual(f.proc.exits, []);
	const g = fake();
	alternateScreen(g.out, {proc: g.proc, errorOut: g.err});
	g.proc.emit('SIGHUP', 'SIGHUP');
	assert.ok(g.written().endsWith(LEAVE_ALT));
	assert.deepEqual(g.proc.exits, [129]);
	assert.deepEqual(['SIGTERM', 'SIGHUP', 'SIGINT'].map(signalExitCode), [143, 129, 130]);
});
