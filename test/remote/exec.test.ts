/**
 * Remote commands on a REAL sshd: argv words arrive literally (shell metacharacters are never executed, as root,
 * as a user and through sudo), stdin, exit codes and signals, the output cap, timeouts that kill the program, and
 * sudo -n for a non-root user: works with NOPASSWD, a clear error with the fix when a password is needed or the
 * user is not in sudoers.
 */
import assert from 'node:assert/strict';
import {existsSync, rmSync} from 'node:fs';
import {after, before, test, type TestContext} from 'node:test';
import {RemoteError} from '../../source/remote/errors.ts';
import {exec, execOk} from '../../source/remote/exec.ts';
import {need} from '../support/need.ts';
import {sshdMissing, startSshd, type Sshd} from '../support/sshd.ts';
import {testSession} from './helpers.ts';

let sshd: Sshd | undefined;
const skipReason = sshdMissing({sudo: true}).join('; ');
before(async () => {
	// MaxSessions 4: a small server limit, so the session's own limit is what keeps parallel commands working
	if (skipReason === '') sshd = await startSshd({users: [{sudo: 'nopasswd'}, {sudo: 'password', password: 'pw'}, {}], extraConfig: ['MaxSessions 4']});
});
after(async () => {
	await sshd?.stop();
});

function server(t: TestContext): Sshd | undefined {
	return need(t, skipReason, skipReason === '') ? sshd! : undefined;
}

const as = (t: TestContext, s: Sshd, user: string, maxSessionChannels = 4) =>
	testSession(t, s, {target: {host: s.host, port: s.port, user, identity: s.keys.ed25519.path}, maxSessionChannels}).session;

const MARK = `/tmp/rmq-tui-pwned-${process.pid}`;
/** Arguments that would run `touch MARK` if any shell ever interpreted them. */
const HOSTILE = [
	`$(touch ${MARK}-1)`,
	`\`touch ${MARK}-2\``,
	`; touch ${MARK}-3`,
	`&& touch ${MARK}-4`,
	`| touch ${MARK}-5`,
	`'; touch ${MARK}-6; echo '`,
	`"; touch ${MARK}-7; echo "`,
	`\ntouch ${MARK}-8\n`,
	`$(touch ${MARK}-9)\n\`touch ${MARK}-10\``,
	'${HOME}',
	'$HOME',
	'*',
	'~',
	'',
	' leading and trailing ',
	'back\\slash',
	"it's",
	'tab\there',
	'-n',
	'--',
	'ünïcødé ✓',
	`> ${MARK}-11`,
	`< /etc/passwd`,
	'#comment',
];

function marks(): string[] {
	return Array.from({length: 11}, (_, i) => `${MARK}-${i + 1}`).filter(existsSync);
}

test('shell metacharacters in arguments reach the program literally and are never executed', async t => {
	const s = server(t);
	if (!s) return;
	t.after(() => marks().forEach(m => rmSync(m, {force: true})));
	const root = as(t, s, 'root');
	// printf prints each argument NUL-terminated: exactly what the program received
	const r = await execOk(root, ['printf', '%s\\0', ...HOSTILE]);
	assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
	// through a shell script's positional parameters too ("$@" is safe; the script text is ours)
	const viaSh = await execOk(root, ['sh', '-c', 'for a in "$@"; do printf "%s\\0" "$a"; done', 'sh', ...HOSTILE]);
	assert.deepEqual(viaSh.stdout.split('\0').slice(0, -1), HOSTILE);
	// a file NAMED like an attack is created as named
	const dir = `/tmp/rmq-tui-exec-${process.pid}`;
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	await execOk(root, ['mkdir', '-p', `${dir}/$(touch ${MARK}-1); x`]);
	assert.ok(existsSync(`${dir}/$(touch ${MARK}-1); x`));
	// as a non-root user, and through sudo -n
	const user = as(t, s, s.users[0]!.name);
	const viaSudo = await execOk(user, ['printf', '%s\\0', ...HOSTILE], {sudo: true});
	assert.deepEqual(viaSudo.stdout.split('\0').slice(0, -1), HOSTILE);
	assert.deepEqual(marks(), [], 'nothing was executed');
});

test('stdin (string, Buffer, a large stream), exit codes, signals, stderr', async t => {
	const s = server(t);
	if (!s) return;
	const root = as(t, s, 'root');
	assert.equal((await exec(root, ['cat'], {stdin: 'hello\n'})).stdout, 'hello\n');
	const big = Buffer.alloc(3 * 1024 * 1024, 'x');
	assert.equal((await exec(root, ['wc', '-c'], {stdin: big})).stdout.trim(), String(big.length));
	const {Readable} = await import('node:stream');
	assert.equal((await exec(root, ['wc', '-l'], {stdin: Readable.from(['a\n', 'b\n', 'c\n'])})).stdout.trim(), '3');
	assert.equal((await exec(root, ['cat'])).stdout, '', 'no stdin: EOF at once (no hang)');
	assert.equal((await exec(root, ['cat'], {stdin: 'under the timeout wrapper\n', timeoutMs: 10_000})).stdout, 'under the timeout wrapper\n');
	const user = as(t, s, s.users[0]!.name);
	assert.equal((await exec(user, ['cat'], {stdin: big, timeoutMs: 10_000, sudo: true})).stdoutBytes.length, big.length, 'through sudo');

	const failed = await exec(root, ['sh', '-c', 'echo out; echo err >&2; exit 7']);
	assert.deepEqual({code: failed.code, signal: failed.signal, stdout: failed.stdout, stderr: failed.stderr}, {code: 7, signal: undefined, stdout: 'out\n', stderr: 'err\n'});
	const killed = await exec(root, ['sh', '-c', 'kill -TERM $$']);
	assert.equal(killed.code, null);
	assert.equal(killed.signal, 'SIGTERM');
	await assert.rejects(execOk(root, ['sh', '-c', 'echo broken >&2; exit 3']), (e: unknown) => e instanceof RemoteError && e.kind === 'remote' && /`sh -c echo broken >&2; exit 3` exited with 3: broken/.test(e.message));
	await assert.rejects(execOk(root, ['sh', '-c', 'kill -KILL $$']), /was killed by SIGKILL/);
	assert.equal((await exec(root, ['no-such-program-rmq'])).code, 127);
});

test('output is capped per stream; the program still runs to the end', async t => {
	const s = server(t);
	if (!s) return;
	const root = as(t, s, 'root');
	const r = await exec(root, ['sh', '-c', 'head -c 200000 /dev/zero; echo done >&2'], {maxOutputBytes: 1000});
	assert.equal(r.stdoutBytes.length, 1000);
	assert.equal(r.truncated, true);
	assert.equal(r.stderr, 'done\n');
	assert.equal(r.code, 0);
	const small = await exec(root, ['echo', 'hi'], {maxOutputBytes: 1000});
	assert.equal(small.truncated, false);
});

test('a timeout kills the remote program and rejects with kind timeout', async t => {
	const s = server(t);
	if (!s) return;
	const root = as(t, s, 'root');
	const tag = `rmq-tui-sleep-${process.pid}`;
	const started = Date.now();
	await assert.rejects(
		exec(root, ['bash', '-c', `exec -a ${tag} sleep 30`], {timeoutMs: 300}),
		(e: unknown) => e instanceof RemoteError && e.kind === 'timeout' && /did not finish within 300 ms \(killed\)/.test(e.message),
	);
	assert.ok(Date.now() - started < 3000);
	let left = '';
	// root sessions ignore SSH signal requests: the remote `timeout` backstop kills it (timeout + 1 s, whole seconds)
	for (let i = 0; i < 100; i++) {
		left = (await exec(root, ['sh', '-c', `pgrep -f '^${tag}' || true`])).stdout.trim();
		if (left === '') break;
		await new Promise(r => setTimeout(r, 50));
	}
	assert.equal(left, '', 'the remote program is gone');
	// a non-root user's program is killed at once by the channel's signal request
	const user = as(t, s, s.users[0]!.name);
	const userTag = `rmq-tui-sleep-u-${process.pid}`;
	await assert.rejects(exec(user, ['bash', '-c', `exec -a ${userTag} sleep 30`], {timeoutMs: 200}), /did not finish within 200 ms/);
	const killedAt = Date.now();
	for (let i = 0; i < 100 && (await exec(root, ['sh', '-c', `pgrep -f '^${userTag}' || true`])).stdout.trim() !== ''; i++) await new Promise(r => setTimeout(r, 20));
	assert.ok(Date.now() - killedAt < 900, `killed by the signal request (${Date.now() - killedAt} ms)`);
	// through sudo too: sshd signals the process group, sudo and the program in it
	const sudoTag = `rmq-tui-sleep-s-${process.pid}`;
	await assert.rejects(exec(user, ['bash', '-c', `exec -a ${sudoTag} sleep 30`], {timeoutMs: 200, sudo: true}), /did not finish within 200 ms/);
	const sudoKilledAt = Date.now();
	for (let i = 0; i < 100 && (await exec(root, ['sh', '-c', `pgrep -f '^${sudoTag}' || true`])).stdout.trim() !== ''; i++) await new Promise(r => setTimeout(r, 20));
	assert.ok(Date.now() - sudoKilledAt < 900, `the program under sudo is killed too (${Date.now() - sudoKilledAt} ms)`);
	const controller = new AbortController();
	const running = exec(root, ['sleep', '30'], {signal: controller.signal});
	setTimeout(() => controller.abort(), 100);
	await assert.rejects(running, (e: unknown) => e instanceof RemoteError && e.kind === 'cancelled');
});

test('sudo: root runs without it; NOPASSWD user becomes root; a password or no sudoers entry → a clear error with the fix', async t => {
	const s = server(t);
	if (!s) return;
	const root = as(t, s, 'root');
	assert.equal((await execOk(root, ['sh', '-c', 'echo "$(id -u) ${SUDO_USER:-none}"'], {sudo: true})).stdout, '0 none\n', 'no sudo for root');

	const [nopasswd, passwd, nobody] = s.users as [typeof s.users[0], typeof s.users[0], typeof s.users[0]];
	const ok = as(t, s, nopasswd.name);
	assert.equal((await execOk(ok, ['sh', '-c', 'echo "$(id -u) $SUDO_USER"'], {sudo: true})).stdout, `0 ${nopasswd.name}\n`);
	assert.equal((await execOk(ok, ['id', '-u'])).stdout, `${nopasswd.uid}\n`, 'without sudo: the user');
	assert.equal((await exec(ok, ['sh', '-c', 'exit 4'], {sudo: true})).code, 4, 'the command failing is a result, not a sudo problem');

	for (const user of [passwd, nobody]) {
		const session = as(t, s, user.name);
		await assert.rejects(exec(session, ['docker', 'ps'], {sudo: true}), (e: unknown) => {
			assert.ok(e instanceof RemoteError);
			assert.equal(e.kind, 'sudo');
			assert.equal(e.message, `user ${user.name} cannot run sudo without a password on 127.0.0.1 (needed for docker): add \`${user.name} ALL=(root) NOPASSWD: ALL\` to /etc/sudoers.d/rmq-tui there (or list only the commands rmq-tui runs), or connect as root`);
			return true;
		});
	}
});

test('parallel commands beyond sshd\'s MaxSessions wait for a free session channel instead of failing', async t => {
	const s = server(t);
	if (!s) return;
	const user = s.users[0]!.name; // no root: its shell start-up files make every command slow on some machines
	const limited = as(t, s, user, 4);
	const results = await Promise.all(Array.from({length: 25}, (_, i) => execOk(limited, ['sh', '-c', `sleep 0.05; echo ${i}`])));
	assert.deepEqual(results.map(r => r.stdout), Array.from({length: 25}, (_, i) => `${i}\n`));
	// the same burst without the session's limit: the server refuses the channels over its MaxSessions
	const unlimited = as(t, s, user, 100);
	const settled = await Promise.allSettled(Array.from({length: 25}, () => execOk(unlimited, ['sleep', '0.5'])));
	const refused = settled.filter(r => r.status === 'rejected').map(r => String((r as PromiseRejectedResult).reason.message));
	assert.ok(refused.length > 0, 'sshd refuses sessions over MaxSessions');
	assert.match(refused[0]!, /cannot open a command channel|a command channel failed on the server side/);
});
