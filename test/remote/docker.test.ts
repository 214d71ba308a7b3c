/**
 * Docker over the SSH session, against a REAL sshd and a private dockerd (test/support/dockerd.ts; its socket path
 * stands in for /var/run/docker.sock): streamlocal for root (one channel reused by many calls), `sudo -n docker
 * system dial-stdio` for a user who may not open the socket, plain dial-stdio when sshd forbids stream forwarding,
 * long-lived streams (events, logs --follow), recovery after the SSH connection drops, clear errors for a missing
 * socket, a stopped daemon and a user without sudo.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, rmSync} from 'node:fs';
import {PassThrough} from 'node:stream';
import {after, before, test, type TestContext} from 'node:test';
import type Docker from 'dockerode';
import {remoteDocker, type DockerTarget, type RemoteDocker} from '../../source/remote/docker.ts';
import {RemoteError} from '../../source/remote/errors.ts';
import type {SshSession} from '../../source/remote/session.ts';
import {startDockerd, type Dockerd} from '../support/dockerd.ts';
import {missing, need} from '../support/need.ts';
import {sshdMissing, startSshd, type Sshd} from '../support/sshd.ts';
import {BROKER_IMAGE, ensureStandinImage} from '../support/standin-image.ts';
import {testSession} from './helpers.ts';

let sshd: Sshd | undefined;
let noForwarding: Sshd | undefined;
let dockerd: Dockerd | undefined;
const skipReason = [...missing(['root', 'dockerd', 'busybox']), ...sshdMissing({sudo: true})].join('; ');

before(async () => {
	if (skipReason !== '') return;
	[dockerd, sshd, noForwarding] = await Promise.all([
		startDockerd(),
		startSshd({users: [{sudo: 'nopasswd'}, {}]}),
		startSshd({streamLocal: false}),
	]);
	await ensureStandinImage(dockerd, BROKER_IMAGE, {consoleTag: false});
});
after(async () => {
	await Promise.all([sshd?.stop(), noForwarding?.stop(), dockerd?.stop()]);
});

function ready(t: TestContext): {s: Sshd; d: Dockerd} | undefined {
	return need(t, skipReason, skipReason === '') ? {s: sshd!, d: dockerd!} : undefined;
}

const as = (t: TestContext, s: Sshd, user: string, reconnect = false) =>
	testSession(t, s, {target: {host: s.host, port: s.port, user, identity: s.keys.ed25519.path}, ...(reconnect ? {retries: 5, backoff: {initialMs: 50, jitter: 0}} : {})}).session;

/** The session as a DockerTarget that counts the channels opened to the socket. */
function counting(session: SshSession): {target: DockerTarget; opens: () => number; execs: () => number} {
	let opens = 0;
	let execs = 0;
	return {
		target: {
			get label() {
				return session.label;
			},
			get host() {
				return session.host;
			},
			get user() {
				return session.user;
			},
			openExec: command => {
				execs++;
				return session.openExec(command);
			},
			forwardOutStreamLocal: path => {
				opens++;
				return session.forwardOutStreamLocal(path);
			},
		},
		opens: () => opens,
		execs: () => execs,
	};
}

async function use(t: TestContext, remote: Promise<RemoteDocker>): Promise<RemoteDocker> {
	const r = await remote;
	t.after(() => r.close());
	return r;
}

/** Waits for an event matching `match` on a fresh events stream while `act` runs. */
async function eventDuring(docker: Docker, match: (e: Record<string, unknown>) => boolean, act: () => Promise<unknown>): Promise<Record<string, unknown>> {
	const stream = (await docker.getEvents({filters: {type: ['network']}})) as NodeJS.ReadableStream & {destroy(): void};
	try {
		const seen = new Promise<Record<string, unknown>>((resolve, reject) => {
			let buffer = '';
			const timer = setTimeout(() => reject(new Error('no matching event within 10 s')), 10_000);
			stream.on('data', (chunk: Buffer) => {
				buffer += chunk.toString();
				let nl: number;
				while ((nl = buffer.indexOf('\n')) >= 0) {
					const event = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
					buffer = buffer.slice(nl + 1);
					if (match(event)) {
						clearTimeout(timer);
						resolve(event);
					}
				}
			});
			stream.on('error', reject);
		});
		await act();
		return await seen;
	} finally {
		stream.destroy();
	}
}

async function networkRoundTrip(docker: Docker, name: string): Promise<void> {
	const created = await eventDuring(docker, e => e.Action === 'create' && (e.Actor as {Attributes: {name: string}}).Attributes.name === name, () => docker.createNetwork({Name: name}));
	assert.equal(created.Type, 'network');
	await docker.getNetwork(name).remove();
}

test('root: streamlocal over the shared connection — version, images, containers, events; one channel for many calls', async t => {
	const env = ready(t);
	if (!env) return;
	const {target, opens, execs} = counting(as(t, env.s, 'root'));
	const {docker, transport, apiVersion} = await use(t, remoteDocker(target, {socketPath: env.d.socket}));
	assert.equal(transport, 'streamlocal');
	assert.match(apiVersion, /^1\.\d+$/);
	const version = await docker.version();
	assert.equal(version.ApiVersion, apiVersion);
	const images = await docker.listImages();
	assert.ok(images.some(i => i.RepoTags?.includes(BROKER_IMAGE)), 'the stand-in image is listed');
	const opened = opens();
	const times: number[] = [];
	for (let i = 0; i < 30; i++) {
		const started = performance.now();
		assert.ok(Array.isArray(await docker.listContainers({all: true})));
		times.push(performance.now() - started);
	}
	assert.equal(opens(), opened, 'kept alive: no new channel for sequential calls');
	times.sort((a, b) => a - b);
	assert.ok(times[15]! < 25, `median listContainers ${times[15]!.toFixed(1)} ms (Nagle would make it ~40 ms)`);
	assert.equal(execs(), 0, 'no commands needed');
	await networkRoundTrip(docker, `rmq-tui-ev-${process.pid}`);
});

test('logs --follow streams live through the tunnel; a container\'s whole life over it', async t => {
	const env = ready(t);
	if (!env) return;
	const {docker} = await use(t, remoteDocker(as(t, env.s, 'root'), {socketPath: env.d.socket}));
	const container = await docker.createContainer({
		name: `rmq-tui-logs-${process.pid}`,
		Image: BROKER_IMAGE,
		Cmd: ['sh', '-c', 'for i in 1 2 3 4; do echo "line $i"; sleep 0.3; done; echo done; sleep 30'],
		HostConfig: {NetworkMode: 'none'},
	});
	t.after(() => container.remove({force: true}).catch(() => {}));
	await container.start();
	const startedAt = Date.now();
	const stream = (await container.logs({follow: true, stdout: true, stderr: true})) as unknown as NodeJS.ReadableStream & {destroy(): void};
	const out = new PassThrough();
	docker.modem.demuxStream(stream, out, out);
	const lines: Array<{at: number; line: string}> = [];
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no "done" within 10 s: ${JSON.stringify(lines)}`)), 10_000);
		out.on('data', (chunk: Buffer) => {
			for (const line of chunk.toString().split('\n').filter(Boolean)) {
				lines.push({at: Date.now() - startedAt, line});
				if (line === 'done') {
					clearTimeout(timer);
					resolve();
				}
			}
		});
	});
	stream.destroy();
	assert.deepEqual(lines.map(l => l.line), ['line 1', 'line 2', 'line 3', 'line 4', 'done']);
	assert.ok(lines.at(-1)!.at - lines[0]!.at >= 700, `lines arrived as written, not in one batch: ${JSON.stringify(lines)}`);
	assert.equal((await container.inspect()).State.Running, true);
	await container.stop({t: 1});
	assert.equal((await container.inspect()).State.Running, false);
});

test('a user who may not open the socket: sudo -n docker system dial-stdio over the same connection', async t => {
	const env = ready(t);
	if (!env) return;
	const user = env.s.users[0]!;
	const {target, opens, execs} = counting(as(t, env.s, user.name));
	const {docker, transport} = await use(t, remoteDocker(target, {socketPath: env.d.socket}));
	assert.equal(transport, 'sudo-dial-stdio');
	assert.equal(opens(), 1, 'streamlocal was tried first');
	assert.ok((await docker.listImages()).length >= 1);
	const before = execs();
	for (let i = 0; i < 10; i++) await docker.listContainers();
	assert.ok(execs() - before <= 1, `dial-stdio channels are kept alive too (${execs() - before} opened)`);
	await networkRoundTrip(docker, `rmq-tui-ev-sudo-${process.pid}`);
});

test('a user without socket access and without sudo: the sudo advice', async t => {
	const env = ready(t);
	if (!env) return;
	const user = env.s.users[1]!;
	await assert.rejects(remoteDocker(as(t, env.s, user.name), {socketPath: env.d.socket}), (e: unknown) => {
		assert.ok(e instanceof RemoteError);
		assert.equal(e.kind, 'sudo');
		assert.match(e.message, new RegExp(`^user ${user.name} cannot run sudo without a password on 127\\.0\\.0\\.1 \\(needed for docker\\)`));
		return true;
	});
});

test('sshd forbids stream forwarding: plain docker system dial-stdio', async t => {
	const env = ready(t);
	if (!env || !noForwarding) return;
	const {docker, transport} = await use(t, remoteDocker(as(t, noForwarding, 'root'), {socketPath: env.d.socket}));
	assert.equal(transport, 'dial-stdio');
	assert.equal((await docker.version()).ApiVersion.startsWith('1.'), true);
	await networkRoundTrip(docker, `rmq-tui-ev-stdio-${process.pid}`);
});

test('the SSH connection drops: the next Docker call reconnects and works', async t => {
	const env = ready(t);
	if (!env) return;
	const session = as(t, env.s, 'root', true);
	const {docker} = await use(t, remoteDocker(session, {socketPath: env.d.socket}));
	await docker.listContainers();
	env.s.dropConnections();
	let ok = false;
	for (let i = 0; i < 50 && !ok; i++) {
		ok = await docker.listContainers().then(() => true, () => false);
		if (!ok) await new Promise(r => setTimeout(r, 100));
	}
	assert.ok(ok, 'listContainers works again after the drop');
	assert.equal(session.state, 'ready');
});

test('no socket → "is Docker running?"; a stale socket (daemon stopped) → the CLI\'s own error', async t => {
	const env = ready(t);
	if (!env) return;
	const session = as(t, env.s, 'root');
	await assert.rejects(remoteDocker(session, {socketPath: '/nonexistent/docker.sock'}), /no Docker socket at \/nonexistent\/docker\.sock on 127\.0\.0\.1: is Docker installed and running\?/);
	// what a killed dockerd leaves behind: the socket file, nobody listening
	const stale = `/tmp/rmq-tui-stale-${process.pid}.sock`;
	const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], {stdio: ['ignore', 'pipe', 'inherit']});
	await new Promise(r => child.stdout!.once('data', r));
	child.kill('SIGKILL');
	await new Promise(r => child.once('exit', r));
	assert.ok(existsSync(stale));
	t.after(() => rmSync(stale, {force: true}));
	await assert.rejects(remoteDocker(session, {socketPath: stale, timeoutMs: 10_000}), (e: unknown) => {
		assert.ok(e instanceof RemoteError);
		assert.match(e.message, /docker version` failed on 127\.0\.0\.1: .*(Cannot connect to the Docker daemon|connection refused)/is);
		return true;
	});
});
