/**
 * The small pure parts of the remote layer: error classification, command lines and sudo verdicts, backoff, the
 * pausable deadline, auth summaries, stat lines, the Docker socket probe.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {backoffDelay} from '../../source/remote/backoff.ts';
import {commandLine, sudoAdvice, sudoProblem} from '../../source/remote/command.ts';
import {summarizeTried} from '../../source/remote/connect.ts';
import {Deadline} from '../../source/remote/deadline.ts';
import {dialStdioArgv, parseSocketProbe} from '../../source/remote/docker.ts';
import {channelOpenFailure, classifyConnectError, RemoteError} from '../../source/remote/errors.ts';
import {tempPathFor} from '../../source/remote/files.ts';
import {Slots} from '../../source/remote/slots.ts';
import {parseStatLine} from '../../source/remote/sudo-files.ts';

const ctx = {target: 'root@h:2222', host: 'h', port: 2222};
const errno = (code: string) => Object.assign(new Error(`connect ${code}`), {code});
const level = (message: string, lvl: string) => Object.assign(new Error(message), {level: lvl});

test('connect errors are classified with a cause and a hint; transient ones are retried', () => {
	const cases: Array<[unknown, string, RegExp, boolean]> = [
		[errno('ECONNREFUSED'), 'refused', /connection refused: nothing listens on port 2222 of h/, true],
		[errno('ETIMEDOUT'), 'timeout', /TCP connection to h:2222 timed out/, true],
		[errno('EHOSTUNREACH'), 'unreachable', /unreachable \(EHOSTUNREACH\)/, true],
		[errno('ENETUNREACH'), 'unreachable', /network of h is unreachable/, true],
		[errno('ENOTFOUND'), 'dns', /cannot resolve host name "h" \(ENOTFOUND\)/, false],
		[errno('EAI_AGAIN'), 'dns', /EAI_AGAIN/, true],
		[errno('ECONNRESET'), 'disconnected', /reset \(ECONNRESET\)/, true],
		[level('Keepalive timeout', 'client-timeout'), 'disconnected', /keepalive timeout/, true],
		[level('Timed out while waiting for handshake', 'client-timeout'), 'timeout', /Timed out/, true],
		[level('Connection lost before handshake', 'protocol'), 'protocol', /before the SSH handshake/, false],
		[level('Handshake failed: no matching key exchange algorithm', 'handshake'), 'protocol', /no matching key exchange/, false],
		[Object.assign(new Error('Too many authentication failures'), {code: 14}), 'auth', /server disconnected: Too many/, false],
		[Object.assign(new Error('Bye'), {code: 11}), 'disconnected', /server disconnected: Bye/, true],
		[new Error('No response from server'), 'disconnected', /connection lost/, true],
		[new Error('Not connected'), 'disconnected', /connection lost/, true],
		[new Error('something odd'), 'remote', /something odd/, false],
		['a string', 'remote', /a string/, false],
	];
	for (const [error, kind, message, transient] of cases) {
		const r = classifyConnectError(error, ctx);
		assert.equal(r.kind, kind, String((error as Error).message ?? error));
		assert.match(r.message, message);
		assert.match(r.message, /^root@h:2222: /);
		assert.equal(r.transient, transient, `${kind} transient`);
		assert.equal(r.target, 'root@h:2222');
	}
	const already = new RemoteError('auth', 't', 'x');
	assert.equal(classifyConnectError(already, ctx), already);
	const bastionOf = (inner: RemoteError) => new RemoteError('bastion', 'b', 'y', {}, {cause: inner});
	assert.equal(bastionOf(new RemoteError('refused', 'b', 'z')).transient, true);
	assert.equal(bastionOf(new RemoteError('auth', 'b', 'z')).transient, false);
	assert.equal(new RemoteError('host-key-changed', 't', 'x').transient, false);
});

test('channel open failures: prohibited, connect failed, lost connection, other', () => {
	const fail = (reason: number | undefined, description: string) => Object.assign(new Error(`(SSH) Channel open failure: ${description}`), reason === undefined ? {} : {reason});
	const prohibited = channelOpenFailure(fail(1, 'administratively prohibited: open failed'), 'the unix socket /s', 'u@h');
	assert.equal(prohibited.kind, 'remote');
	assert.match(prohibited.message, /does not allow the unix socket \/s .*AllowStreamLocalForwarding/);
	const refused = channelOpenFailure(fail(2, 'Connection refused'), 'a connection to 10.0.0.1:9876', 'u@h');
	assert.equal(refused.kind, 'refused');
	assert.equal(refused.message, 'u@h: a connection to 10.0.0.1:9876 failed on the server side (Connection refused)');
	assert.equal(channelOpenFailure(new Error('No response from server'), 'x', 'u@h').kind, 'disconnected');
	assert.match(channelOpenFailure(fail(4, 'resource shortage'), 'x', 'u@h').message, /cannot open x: resource shortage/);
});

test('command lines: every word quoted, metacharacters literal, sudo -n --, empty and NUL refused', () => {
	assert.equal(commandLine(['docker', 'ps', '-a']), 'exec docker ps -a');
	assert.equal(commandLine(['echo', '$(touch /tmp/pwned)', '`id`', 'a;b', "it's", 'x\ny', '', '*']),
		"exec echo '$(touch /tmp/pwned)' '`id`' 'a;b' 'it'\\''s' 'x\ny' '' '*'");
	assert.equal(commandLine(['mkdir', '-p', '/data/x y'], {sudo: true}), "exec sudo -n -- mkdir -p '/data/x y'");
	assert.throws(() => commandLine(['-rf']), /cannot start with "-"/);
	assert.equal(commandLine(['sleep', '30'], {killAfterMs: 1300}), 'exec timeout -s KILL 2 sleep 30');
	assert.equal(commandLine(['sleep', '30'], {killAfterMs: 1}), 'exec timeout -s KILL 1 sleep 30');
	assert.equal(commandLine(['docker', 'ps'], {sudo: true, killAfterMs: 5000}), 'exec sudo -n -- timeout -s KILL 5 docker ps', 'inside sudo: it kills the program, not sudo');
	assert.throws(() => commandLine([]), /empty command/);
	assert.throws(() => commandLine(['']), /empty command/);
	assert.throws(() => commandLine(['echo', 'a\0b']), /NUL/);
});

test('sudo verdicts from exit status and stderr; a failing command is not a sudo problem', () => {
	assert.deepEqual(sudoProblem(1, 'sudo: a password is required\n'), {kind: 'password-required', detail: 'sudo: a password is required'});
	assert.equal(sudoProblem(1, 'sudo: a terminal is required to read the password; either use the -S option\n')?.kind, 'password-required');
	assert.equal(sudoProblem(1, 'bob is not in the sudoers file.  This incident will be reported.\n')?.kind, 'not-allowed');
	assert.equal(sudoProblem(1, "Sorry, user bob is not allowed to execute '/usr/bin/docker ps' as root on h.\n")?.kind, 'not-allowed');
	assert.equal(sudoProblem(127, 'sh: 1: sudo: not found\n')?.kind, 'missing');
	assert.equal(sudoProblem(127, 'bash: sudo: command not found\n')?.kind, 'missing');
	assert.equal(sudoProblem(1, 'sudo: account validation failure, is your account locked?\n')?.kind, 'account');
	assert.equal(sudoProblem(1, 'mkdir: cannot create directory: File exists\n'), undefined);
	assert.equal(sudoProblem(127, 'sh: 1: docker: not found\n'), undefined, 'the command missing is not sudo missing');
	assert.equal(sudoProblem(0, 'sudo: a password is required'), undefined);
	assert.equal(sudoProblem(2, 'sudo: a password is required'), undefined);
	const advice = sudoAdvice({kind: 'password-required', detail: ''}, 'bob', '10.0.0.5', ['docker', 'ps']);
	assert.equal(advice, 'user bob cannot run sudo without a password on 10.0.0.5 (needed for docker): add `bob ALL=(root) NOPASSWD: ALL` to /etc/sudoers.d/rmq-tui there (or list only the commands rmq-tui runs), or connect as root');
	assert.match(sudoAdvice({kind: 'not-allowed', detail: 'Sorry'}, 'bob', 'h', ['chown']), /user bob is not allowed to run chown as root through sudo on h \(Sorry\)/);
	assert.match(sudoAdvice({kind: 'missing', detail: ''}, 'bob', 'h', []), /sudo is not installed on h/);
	assert.match(sudoAdvice({kind: 'account', detail: 'locked'}, 'bob', 'h', []), /sudo refused user bob on h \(locked\)/);
});

test('backoff: exponential, capped, jitter within bounds', () => {
	const none = {jitter: 0};
	assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(n => backoffDelay(n, none)), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
	assert.deepEqual([1, 2, 3].map(n => backoffDelay(n, {initialMs: 100, factor: 3, maxMs: 500, jitter: 0})), [100, 300, 500]);
	assert.equal(backoffDelay(1, {jitter: 0.2}, () => 0), 800);
	assert.equal(backoffDelay(1, {jitter: 0.2}, () => 0.5), 1000);
	assert.equal(backoffDelay(1, {jitter: 0.2}, () => 0.9999), 1200);
	assert.equal(backoffDelay(10, {jitter: 0.2}, () => 0.9999), 30000, 'never above the cap');
	assert.equal(backoffDelay(0, none), 1000);
});

test('deadline: expires, pauses while prompting, clears', async () => {
	let fired = 0;
	const d = new Deadline(60, () => fired++);
	await d.during(() => new Promise(r => setTimeout(r, 120)));
	assert.equal(fired, 0, 'paused during the prompt');
	await new Promise(r => setTimeout(r, 90));
	assert.equal(fired, 1);
	const cleared = new Deadline(20, () => fired++);
	cleared.clear();
	await new Promise(r => setTimeout(r, 40));
	assert.equal(fired, 1);
	const never = new Deadline(Infinity, () => fired++);
	await never.during(async () => {});
	never.clear();
	assert.equal(fired, 1);
});

test('auth attempts are summarized for the error message', () => {
	assert.deepEqual(summarizeTried(['publickey (ssh-agent)', 'password', 'password', 'password', 'keyboard-interactive']), ['publickey (ssh-agent)', 'password ×3', 'keyboard-interactive']);
	assert.deepEqual(summarizeTried([]), []);
});

test('stat lines, temp names, socket probe, dial-stdio argv', () => {
	assert.deepEqual(parseStatLine('regular file|12|644|3000|3000|1700000000\n'), {type: 'file', size: 12, mode: 0o644, uid: 3000, gid: 3000, mtimeMs: 1_700_000_000_000});
	assert.deepEqual(parseStatLine('regular empty file|0|600|0|0|1'), {type: 'file', size: 0, mode: 0o600, uid: 0, gid: 0, mtimeMs: 1000});
	assert.equal(parseStatLine('directory|4096|2755|0|0|1').type, 'directory');
	assert.equal(parseStatLine('directory|4096|2755|0|0|1').mode, 0o2755);
	assert.equal(parseStatLine('symbolic link|4|777|0|0|1').type, 'symlink');
	assert.equal(parseStatLine('socket|0|660|0|999|1').type, 'other');
	assert.equal(tempPathFor('/data/conf/broker.conf', Buffer.from('abcdef', 'hex')), '/data/conf/.broker.conf.rmq-tui-abcdef.tmp');
	assert.match(tempPathFor('rel.txt'), /^\.rel\.txt\.rmq-tui-[0-9a-f]{12}\.tmp$/);
	assert.equal(parseSocketProbe('accessible\n'), 'accessible');
	assert.equal(parseSocketProbe('missing'), 'missing');
	assert.equal(parseSocketProbe('denied\n'), 'denied');
	assert.equal(parseSocketProbe(''), undefined);
	assert.deepEqual(dialStdioArgv('/run/x y/docker.sock'), ['docker', '-H', 'unix:///run/x y/docker.sock', 'system', 'dial-stdio']);
});

test('slots: at most N holders, waiters served in order, release is idempotent', async () => {
	const slots = new Slots(2);
	const a = await slots.acquire();
	const b = await slots.acquire();
	assert.equal(slots.inUse, 2);
	const order: string[] = [];
	const c = slots.acquire().then(r => (order.push('c'), r));
	const d = slots.acquire().then(r => (order.push('d'), r));
	await new Promise(r => setImmediate(r));
	assert.deepEqual(order, []);
	assert.equal(slots.queued, 2);
	a();
	a();
	const releaseC = await c;
	assert.deepEqual(order, ['c'], 'a double release frees one slot only');
	b();
	const releaseD = await d;
	assert.deepEqual(order, ['c', 'd']);
	releaseC();
	releaseD();
	assert.equal(slots.inUse, 0);
	assert.equal(slots.queued, 0);
});
