/**
 * SSH sessions against a REAL OpenSSH server (test/support/sshd.ts): every authentication path, host key checks
 * (unknown → asked with ssh-keygen's fingerprint, declined, accepted and recorded, changed, revoked), classified
 * failures (refused, handshake timeout, TCP timeout, wrong key, bastion), ~/.ssh/config aliases, ProxyJump, and a
 * connection that dies (sshd frozen: keepalive notices) and comes back (thawed: reconnect with backoff).
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {createConnection, createServer, type Socket} from 'node:net';
import {after, before, test} from 'node:test';
import {sshResolverFromText} from '../../source/inventory/ssh-config.ts';
import {RemoteError, type RemoteErrorKind} from '../../source/remote/errors.ts';
import {exec} from '../../source/remote/exec.ts';
import {parseKnownHosts} from '../../source/remote/known-hosts.ts';
import {need} from '../support/need.ts';
import {sshdMissing, startAgent, startSshd, type Sshd} from '../support/sshd.ts';
import {testSession} from './helpers.ts';

let sshd: Sshd | undefined;
const skipReason = sshdMissing({sudo: false}).join('; ');

before(async () => {
	if (skipReason === '') sshd = await startSshd({users: [{password: 'open sesame'}]});
});
after(async () => {
	await sshd?.stop();
});

/** The test's sshd, or undefined after skipping (locally) / throwing (CI) when root is missing. */
function server(t: Parameters<typeof need>[0]): Sshd | undefined {
	if (!need(t, skipReason, skipReason === '')) return undefined;
	return sshd!;
}

const whoami = async (session: Parameters<typeof exec>[0]) => (await exec(session, ['id', '-un'])).stdout.trim();

async function rejectsKind(promise: Promise<unknown>, kind: RemoteErrorKind, message?: RegExp): Promise<RemoteError> {
	let caught: unknown;
	try {
		await promise;
	} catch (error) {
		caught = error;
	}
	assert.ok(caught instanceof RemoteError, `expected a RemoteError, got ${String(caught)}`);
	assert.equal(caught.kind, kind, caught.message);
	if (message) assert.match(caught.message, message);
	return caught;
}

const keygenFingerprint = (pubFile: string) => spawnSync('ssh-keygen', ['-lf', pubFile], {encoding: 'utf8'}).stdout.split(' ')[1];

test('key files: ED25519 and RSA; one connection serves many channels', async t => {
	const s = server(t);
	if (!s) return;
	const ed = testSession(t, s);
	assert.equal(await whoami(ed.session), 'root');
	assert.deepEqual(ed.events.map(e => e.type), ['connecting', 'ready']);
	const results = await Promise.all(Array.from({length: 20}, (_, i) => exec(ed.session, ['echo', String(i)])));
	assert.deepEqual(results.map(r => r.stdout), Array.from({length: 20}, (_, i) => `${i}\n`));
	assert.deepEqual(ed.events.map(e => e.type), ['connecting', 'ready'], 'no second connection');

	const rsa = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root', identity: s.keys.rsa.path}});
	assert.equal(await whoami(rsa.session), 'root');
	assert.deepEqual(rsa.prompts.asked, []);
});

test('ssh-agent (a real ssh-agent + ssh-add); an agent with the wrong key falls through to the key file', async t => {
	const s = server(t);
	if (!s) return;
	const agent = await startAgent([s.keys.ed25519.path]);
	t.after(() => agent.stop());
	const viaAgent = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root'}, agent: agent.socket});
	assert.equal(await whoami(viaAgent.session), 'root');

	const stranger = await startAgent([s.keys.stranger.path]);
	t.after(() => stranger.stop());
	const fallThrough = testSession(t, s, {agent: stranger.socket, target: {host: s.host, port: s.port, user: 'root', identity: s.keys.rsa.path}});
	assert.equal(await whoami(fallThrough.session), 'root');

	// the agent from the environment when not given
	const saved = process.env.SSH_AUTH_SOCK;
	process.env.SSH_AUTH_SOCK = agent.socket;
	t.after(() => {
		if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
		else process.env.SSH_AUTH_SOCK = saved;
	});
	const fromEnv = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root'}, agent: undefined});
	assert.equal(await whoami(fromEnv.session), 'root');
});

test('encrypted key: the passphrase is asked (secret), a wrong one asked again, never shown in errors', async t => {
	const s = server(t);
	if (!s) return;
	const key = s.keys.encrypted;
	const ok = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root', identity: key.path}, answers: ['wrong guess', key.passphrase!]});
	assert.equal(await whoami(ok.session), 'root');
	assert.deepEqual(ok.prompts.asked, [
		{prompt: `Enter passphrase for key '${key.path}': `, secret: true},
		{prompt: `Wrong passphrase. Enter passphrase for key '${key.path}': `, secret: true},
	]);

	const cancelled = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root', identity: key.path}, answers: [undefined]});
	const error = await rejectsKind(cancelled.session.connect(), 'auth', /tried: publickey \(.*encrypted: encrypted, no passphrase given\), password \(not entered\)/);
	assert.doesNotMatch(error.message, /correct horse/);

	const wrong = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root', identity: key.path}, answers: ['a', 'b', 'c']});
	const wrongError = await rejectsKind(wrong.session.connect(), 'auth', /encrypted: wrong passphrase\), password \(not entered\)/);
	assert.deepEqual(wrong.prompts.asked.map(a => a.prompt.replace(/ for key .*/, '')), ['Enter passphrase', 'Wrong passphrase. Enter passphrase', 'Wrong passphrase. Enter passphrase', `root@127.0.0.1:${s.port}'s password: `]);
	for (const secret of ['a', 'b', 'c']) assert.doesNotMatch(wrongError.message, new RegExp(`'${secret}'`));
});

test('password asked at connect time for a user with a password; wrong three times → auth error', async t => {
	const s = server(t);
	if (!s) return;
	const user = s.users[0]!;
	const ok = testSession(t, s, {target: {host: s.host, port: s.port, user: user.name}, answers: ['open sesame']});
	assert.equal(await whoami(ok.session), user.name);
	assert.deepEqual(ok.prompts.asked, [{prompt: `${user.name}@127.0.0.1:${s.port}'s password: `, secret: true}]);

	const bad = testSession(t, s, {target: {host: s.host, port: s.port, user: user.name}, answers: ['x', 'y', 'z']});
	const error = await rejectsKind(bad.session.connect(), 'auth', /authentication failed \(tried: password ×3; the server accepts: publickey, password\)/);
	assert.deepEqual(bad.prompts.asked.map(a => a.prompt.split('\n')[0]), [`${user.name}@127.0.0.1:${s.port}'s password: `, 'Permission denied, please try again.', 'Permission denied, please try again.']);
	assert.equal(error.transient, false);
	assert.deepEqual(bad.events.map(e => e.type), ['connecting', 'closed'], 'auth failures are not retried');
});

test('wrong key → auth error naming every method tried and what the server accepts', async t => {
	const s = server(t);
	if (!s) return;
	const agent = await startAgent([s.keys.stranger.path]);
	t.after(() => agent.stop());
	const {session} = testSession(t, s, {agent: agent.socket, target: {host: s.host, port: s.port, user: 'root', identity: s.keys.stranger.path}});
	const error = await rejectsKind(session.connect(), 'auth');
	assert.equal(error.message, `root@127.0.0.1:${s.port}: authentication failed (tried: publickey (ssh-agent), publickey (${s.keys.stranger.path}), password (not entered); the server accepts: publickey, password)`);
	assert.deepEqual(error.details.serverMethods, ['publickey', 'password']);

	const none = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root'}, defaultIdentities: ['/nonexistent/id_ed25519']});
	await rejectsKind(none.session.connect(), 'auth', /tried: password \(not entered\); the server accepts/);
	const missingFile = testSession(t, s, {target: {host: s.host, port: s.port, user: 'root', identity: '/nonexistent/key'}});
	await rejectsKind(missingFile.session.connect(), 'auth', /tried: publickey \(\/nonexistent\/key: no such file\)/);
});

test('unknown host key: asked with ssh-keygen\'s fingerprint; declined → no connection; accepted → recorded, then trusted silently', async t => {
	const s = server(t);
	if (!s) return;
	const expected = keygenFingerprint(`${s.hostKeys.ed25519.path}.pub`);
	assert.match(expected!, /^SHA256:/);

	const declined = testSession(t, s, {known: []});
	await rejectsKind(declined.session.connect(), 'host-key-declined', new RegExp(`host key ${expected!.replace(/[+/]/g, '\\$&')} \\(ED25519\\) was not accepted`));
	assert.equal(declined.prompts.hosts.length, 1);
	const asked = declined.prompts.hosts[0]!;
	assert.deepEqual({...asked, text: undefined}, {name: `[127.0.0.1]:${s.port}`, host: '127.0.0.1', port: s.port, fingerprint: expected, keyType: 'ED25519', knownTypes: [], text: undefined});
	assert.match(asked.text, /^The authenticity of host '\[127\.0\.0\.1\]:\d+' can't be established\.\nED25519 key fingerprint is SHA256:/);
	assert.equal(readFileSync(declined.knownHosts.file, 'utf8'), '', 'nothing recorded');
	assert.deepEqual(declined.events.map(e => e.type), ['connecting', 'closed']);

	// a known_hosts file that does not exist yet (nor its directory): created on acceptance
	const first = testSession(t, s, {acceptHosts: true, known: null});
	assert.ok(!existsSync(first.knownHosts.file));
	assert.equal(await whoami(first.session), 'root');
	assert.equal(first.prompts.hosts.length, 1);
	const recorded = readFileSync(first.knownHosts.file, 'utf8');
	assert.equal(recorded, `${s.knownHostsLine}\n`, 'recorded as ssh(1) would: plain, bracketed port');

	const second = testSession(t, s, {known: recorded.trim().split('\n')});
	assert.equal(await whoami(second.session), 'root');
	assert.equal(second.prompts.hosts.length, 0, 'trusted without asking');
});

test('unknown host key with HashKnownHosts: recorded hashed, trusted next time, and ssh-keygen -F finds it', async t => {
	const s = server(t);
	if (!s) return;
	const first = testSession(t, s, {acceptHosts: true, known: [], hashKnownHosts: true});
	await first.session.connect();
	const line = readFileSync(first.knownHosts.file, 'utf8').trim();
	assert.match(line, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
	assert.doesNotMatch(line, /127\.0\.0\.1/);
	assert.equal(spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${s.port}`, '-f', first.knownHosts.file]).status, 0);
	const again = testSession(t, s, {known: [line]});
	await again.session.connect();
	assert.equal(again.prompts.hosts.length, 0);
});

test('changed host key → refused with OpenSSH\'s warning naming the file and line; revoked → refused', async t => {
	const s = server(t);
	if (!s) return;
	const otherBlob = s.keys.stranger.pub.split(' ')[1];
	const changed = testSession(t, s, {known: ['# comment', `[127.0.0.1]:${s.port} ssh-ed25519 ${otherBlob}`], acceptHosts: true});
	const error = await rejectsKind(changed.session.connect(), 'host-key-changed');
	const warning = error.details.warning!;
	assert.match(warning, /WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
	assert.ok(warning.includes(`${keygenFingerprint(`${s.hostKeys.ed25519.path}.pub`)}.`), 'the key the server sent');
	assert.ok(warning.includes(`Offending ED25519 key in ${changed.knownHosts.file}:2`));
	assert.ok(warning.includes(`ssh-keygen -f "${changed.knownHosts.file}" -R "[127.0.0.1]:${s.port}"`));
	assert.ok(error.message.includes(warning));
	assert.equal(changed.prompts.hosts.length, 0, 'never asks to accept a changed key');
	assert.equal(error.transient, false);
	assert.deepEqual(parseKnownHosts(readFileSync(changed.knownHosts.file, 'utf8'), 'f').entries.length, 1, 'known_hosts untouched');

	const hostBlob = s.hostKeys.ed25519.pub.split(' ')[1];
	const revoked = testSession(t, s, {known: [`@revoked * ssh-ed25519 ${hostBlob}`], acceptHosts: true});
	const revokedError = await rejectsKind(revoked.session.connect(), 'host-key-revoked', /REVOKED/);
	assert.match(revokedError.details.warning!, /WARNING: REVOKED HOST KEY DETECTED!/);
	assert.equal(revoked.prompts.hosts.length, 0);
});

test('an RSA host key known → the RSA key is negotiated (no question about the ED25519 one)', async t => {
	const s = server(t);
	if (!s) return;
	const [type, blob] = s.hostKeys.rsa.pub.split(' ');
	const {session, prompts: p} = testSession(t, s, {known: [`[127.0.0.1]:${s.port} ${type} ${blob}`]});
	assert.equal(await whoami(session), 'root');
	assert.equal(p.hosts.length, 0);
});

test('refused port: classified at once, retried with backoff only when asked to', async t => {
	const s = server(t);
	if (!s) return;
	const port = await new Promise<number>(resolve => {
		const srv = createServer().listen(0, '127.0.0.1', () => {
			const p = (srv.address() as {port: number}).port;
			srv.close(() => resolve(p));
		});
	});
	const plain = testSession(t, s, {target: {host: '127.0.0.1', port, user: 'root'}});
	const started = Date.now();
	await rejectsKind(plain.session.connect(), 'refused', new RegExp(`root@127\\.0\\.0\\.1:${port}: connection refused: nothing listens on port ${port} of 127\\.0\\.0\\.1`));
	assert.ok(Date.now() - started < 2000);

	const retried = testSession(t, s, {target: {host: '127.0.0.1', port, user: 'root'}, retries: 2, backoff: {initialMs: 30, jitter: 0}});
	await rejectsKind(retried.session.connect(), 'refused');
	assert.deepEqual(retried.events.map(e => (e.type === 'retrying' ? `retrying ${e.attempt} ${e.inMs} ${e.error.kind}` : e.type)), [
		'connecting', 'retrying 2 30 refused', 'connecting', 'retrying 3 60 refused', 'connecting', 'closed',
	]);
});

test('a host name that does not resolve (RFC 6761 .invalid) → kind dns, not retried', async t => {
	const s = server(t);
	if (!s) return;
	const {session, events} = testSession(t, s, {target: {host: 'rmq-tui-test.invalid', user: 'root'}, retries: 3});
	await rejectsKind(session.connect(), 'dns', /root@rmq-tui-test\.invalid: cannot resolve host name "rmq-tui-test\.invalid" \((ENOTFOUND|EAI_AGAIN)\)/);
	assert.ok(events.filter(e => e.type === 'connecting').length <= 4);
});

test('timeouts: a server that never sends a banner, and a TCP connect that never completes', async t => {
	const s = server(t);
	if (!s) return;
	const silent = createServer(() => {});
	const sockets: Socket[] = [];
	silent.on('connection', c => sockets.push(c));
	await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
	t.after(() => {
		for (const c of sockets) c.destroy();
		silent.close();
	});
	const port = (silent.address() as {port: number}).port;
	const banner = testSession(t, s, {target: {host: '127.0.0.1', port, user: 'root'}, connectTimeoutMs: 400});
	const started = Date.now();
	await rejectsKind(banner.session.connect(), 'timeout', /connected, but no SSH handshake within the connect timeout/);
	assert.ok(Date.now() - started < 2000);

	// a listener with backlog 0 in a STOPPED process: once its queue is full, SYNs are dropped and connect hangs
	const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:0},()=>console.log(s.address().port))"], {stdio: ['ignore', 'pipe', 'inherit']});
	t.after(() => child.kill('SIGKILL'));
	const stuckPort = await new Promise<number>(resolve => child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString()))));
	process.kill(child.pid!, 'SIGSTOP');
	const fillers: Socket[] = [];
	t.after(() => fillers.forEach(f => f.destroy()));
	for (let i = 0; i < 4; i++) fillers.push(createConnection({host: '127.0.0.1', port: stuckPort}).on('error', () => {}));
	await new Promise(r => setTimeout(r, 200));
	const tcp = testSession(t, s, {target: {host: '127.0.0.1', port: stuckPort, user: 'root'}, connectTimeoutMs: 500});
	const error = await rejectsKind(tcp.session.connect(), 'timeout');
	assert.match(error.message, /no TCP connection to 127\.0\.0\.1:\d+ within the connect timeout|connected, but no SSH handshake/);
	assert.equal(error.transient, true);
});

test('~/.ssh/config alias: HostName, Port, User and IdentityFile come from the config', async t => {
	const s = server(t);
	if (!s) return;
	const resolve = sshResolverFromText(`Host rmq-test\n  HostName 127.0.0.1\n  Port ${s.port}\n  User root\n  IdentityFile ${s.keys.rsa.path}\n`, '/root');
	const {session} = testSession(t, s, {target: {host: 'rmq-test'}, resolve});
	assert.equal(session.label, `root@127.0.0.1:${s.port}`);
	assert.equal(await whoami(session), 'root');
});

test('ProxyJump: through a bastion (a forwardOut channel carries the second connection); unreachable bastion; target refused behind it', async t => {
	const s = server(t);
	if (!s) return;
	const viaBastion = testSession(t, s, {
		target: {host: '127.0.0.1', port: s.port, user: 'root', proxyJump: `root@127.0.0.1:${s.port}`},
		defaultIdentities: [s.keys.ed25519.path],
	});
	assert.deepEqual(viaBastion.session.plan.jumps.map(h => h.label), [`root@127.0.0.1:${s.port}`]);
	const logins = () => (s.logTail(100_000).match(/Accepted publickey for root/g) ?? []).length;
	const before = logins();
	assert.equal(await whoami(viaBastion.session), 'root');
	assert.equal(logins() - before, 2, 'two SSH logins: the bastion, then the target through it');

	const badBastion = testSession(t, s, {target: {host: '127.0.0.1', port: s.port, user: 'root', proxyJump: 'root@127.0.0.1:1'}, defaultIdentities: [s.keys.ed25519.path]});
	const error = await rejectsKind(badBastion.session.connect(), 'bastion', new RegExp(`root@127\\.0\\.0\\.1:${s.port}: cannot reach the bastion root@127\\.0\\.0\\.1:1: connection refused`));
	assert.ok(error.cause instanceof RemoteError && error.cause.kind === 'refused');

	const refusedBehind = testSession(t, s, {target: {host: '127.0.0.1', port: 1, user: 'root', proxyJump: `root@127.0.0.1:${s.port}`}, defaultIdentities: [s.keys.ed25519.path]});
	await rejectsKind(refusedBehind.session.connect(), 'refused', new RegExp(`the bastion root@127\\.0\\.0\\.1:${s.port} cannot connect to 127\\.0\\.0\\.1:1`));

	const unknownBastion = testSession(t, s, {known: [], target: {host: '127.0.0.1', port: s.port, user: 'root', proxyJump: `root@127.0.0.1:${s.port}`}, defaultIdentities: [s.keys.ed25519.path]});
	await rejectsKind(unknownBastion.session.connect(), 'host-key-declined');
	assert.equal(unknownBastion.prompts.hosts[0]!.bastionFor, `root@127.0.0.1:${s.port}`);
});

test('keepalive notices a frozen server; the session retries with backoff and reconnects once it thaws', async t => {
	const s = server(t);
	if (!s) return;
	const {session, events} = testSession(t, s, {
		keepaliveIntervalMs: 200,
		keepaliveCountMax: 2,
		connectTimeoutMs: 600,
		retries: 50,
		backoff: {initialMs: 100, maxMs: 300, jitter: 0},
	});
	assert.equal(await whoami(session), 'root');
	s.freeze();
	let thawed = false;
	t.after(() => {
		if (!thawed) s.thaw();
	});
	const waitFor = async (what: string, ok: () => boolean, ms: number) => {
		const end = Date.now() + ms;
		while (!ok()) {
			if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events.map(e => e.type))}`);
			await new Promise(r => setTimeout(r, 20));
		}
	};
	const frozenAt = Date.now();
	await waitFor('the drop to be noticed', () => events.some(e => e.type === 'retrying'), 5000);
	const noticedMs = Date.now() - frozenAt;
	assert.ok(noticedMs < 2000, `keepalive noticed after ${noticedMs} ms`);
	const drop = events.find(e => e.type === 'retrying')!;
	assert.ok(drop.type === 'retrying' && drop.error.kind === 'disconnected', JSON.stringify(drop));
	assert.equal(session.state === 'retrying' || session.state === 'connecting', true);
	// while frozen, attempts time out (TCP connects, no banner) and are retried
	await waitFor('a timed-out attempt', () => events.some(e => e.type === 'retrying' && e.error.kind === 'timeout'), 5000);
	const pending = whoami(session); // a caller during the outage waits for the reconnect
	s.thaw();
	thawed = true;
	assert.equal(await pending, 'root');
	assert.equal(events.at(-1)!.type, 'ready');
	assert.equal(session.state, 'ready');
});

test('close(): ends the connection, reports closed, later use rejects', async t => {
	const s = server(t);
	if (!s) return;
	const {session, events} = testSession(t, s);
	await session.connect();
	await session.close();
	assert.equal(events.at(-1)!.type, 'closed');
	assert.equal(session.state, 'closed');
	await rejectsKind(session.client(), 'cancelled', /the session is closed/);
	assert.ok(!existsSync('/tmp/pwned'));
});
