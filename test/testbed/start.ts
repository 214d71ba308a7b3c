// Starting a testbed (startTestbed: the lock, the bridge, every host seeded and booted until sshd and dockerd
// answer) or attaching to the one that is up (attachTestbed: the CLI), and what a machine needs for it.
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {cgroupRoots} from '../support/cgroups.ts';
import {mountsUnder} from '../support/mounts.ts';
import {which} from '../support/need.ts';
import {runOk, runSyncOk} from '../support/run.ts';
import {makeTestbed} from './bed.ts';
import {CG_PREFIX, hostIp, MAX_HOSTS, NS_DIR, NS_PREFIX, PASSWORD, PRIVATE_DIRS, ROOT, STATE} from './constants.ts';
import {seedHost} from './host-fs.ts';
import {bootHost, setPasswords, waitHost} from './host-daemons.ts';
import {testImages} from './images.ts';
import {acquire, installHandlers, lockInherited, ownerNow, releaseLock, setBedActive} from './lock.ts';
import {bridgeUp} from './network.ts';
import {anyTestbedTrace, reapAllSync} from './reap.ts';
import {readState, writeKnownHosts, writeState, type State} from './state.ts';
import type {Testbed, TestbedHost, TestbedOptions, TestbedTimings} from './types.ts';

const BINARIES: Array<[string, string]> = [
	['ip', 'iproute2'],
	['nsenter', 'util-linux'],
	['unshare', 'util-linux'],
	['runuser', 'util-linux'],
	['sshd', 'openssh-server'],
	['ssh-keygen', 'openssh-client'],
	['ssh', 'openssh-client'],
	['dockerd', 'docker.io'],
	['containerd', 'docker.io (containerd)'],
	['docker', 'docker.io'],
	['iptables', 'iptables'],
	['sudo', 'sudo'],
	['chpasswd', 'passwd'],
];

/** Why a testbed cannot run here ([] = it can). For need(): skip locally, fail under CI. */
export function testbedMissing(): string[] {
	const missing: string[] = [];
	if (process.getuid?.() !== 0) missing.push('root (uid 0)');
	for (const [b, pkg] of BINARIES) if (which(b) === undefined) missing.push(`${b} (apt-get install ${pkg})`);
	if (!existsSync('/bin/busybox')) missing.push('/bin/busybox (apt-get install busybox-static)');
	if (cgroupRoots().length === 0) missing.push('a pids cgroup hierarchy');
	return missing;
}

/** One testbed at a time in this process too (node --test may run a file's tests concurrently). */
let localQueue: Promise<void> = Promise.resolve();

/** Waits for this process's previous testbed to stop; resolves with the `done` that lets the next one go. */
async function takeTurn(waitMs: number): Promise<() => void> {
	const previous = localQueue;
	let done!: () => void;
	localQueue = new Promise<void>(r => (done = r));
	let timer: NodeJS.Timeout | undefined;
	const inTime = await Promise.race([previous.then(() => true), new Promise<boolean>(r => (timer = setTimeout(() => r(false), waitMs)))]);
	clearTimeout(timer);
	if (!inTime) {
		previous.then(done, done); // keep the queue in order
		throw new Error(`timed out after ${waitMs} ms waiting for this process's other testbed to stop (a missing stop()?)`);
	}
	return done;
}

function hostsOf(n: number): TestbedHost[] {
	return Array.from({length: n}, (_, i) => {
		const index = i + 1;
		const name = `h${index}`;
		const fsRoot = join(ROOT, 'hosts', name, 'fs');
		return {
			name,
			index,
			ip: hostIp(index),
			sshPort: 22,
			dockerSocket: join(fsRoot, 'run', 'docker.sock'),
			hostKey: '',
			fsRoot,
			netns: `${NS_PREFIX}${name}`,
			cgroup: `${CG_PREFIX}${name}`,
			dockerBip: `10.99.${index}.1/24`,
			dockerPool: `10.99.${16 * index}.0/20`,
		};
	});
}

/** The machine-level part: ROOT (a tmpfs), the namespace directory, missing mount points, client key, bridge. */
async function machineUp(state: State): Promise<string> {
	mkdirSync(ROOT, {recursive: true});
	writeState(state);
	if (state.tmpfs) runSyncOk('mount', ['-t', 'tmpfs', '-o', 'mode=755,size=16g,nr_inodes=4m', 'rmq-tui-testbed', ROOT]);
	mkdirSync(NS_DIR, {recursive: true});
	// `unshare --mount=FILE` needs FILE on a private mount
	runSyncOk('mount', ['--bind', NS_DIR, NS_DIR]);
	runSyncOk('mount', ['--make-private', NS_DIR]);
	for (const d of PRIVATE_DIRS) {
		if (!existsSync(d)) {
			mkdirSync(d, {recursive: true});
			state.createdDirs.push(d);
		}
	}
	writeState(state);
	mkdirSync(join(ROOT, 'client'), {recursive: true, mode: 0o700});
	await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rmq-tui-testbed-client', '-f', state.clientKey]);
	bridgeUp();
	state.forwardRule = true;
	return readFileSync(state.clientPublicKey, 'utf8');
}

export async function startTestbed(opts: TestbedOptions = {}): Promise<Testbed> {
	const t0 = Date.now();
	const log = opts.log ?? (() => {});
	const n = opts.hosts ?? 3;
	if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new Error(`hosts must be 1..${MAX_HOSTS}`);
	const missing = testbedMissing();
	if (missing.length > 0) throw new Error(`the testbed needs: ${missing.join(', ')}`);
	const persistent = opts.persistent ?? false;
	const waitMs = opts.waitMs ?? 15 * 60_000;
	const done = await takeTurn(waitMs);
	let waited = 0;
	let reaped = 0;
	const ownLock = !lockInherited();
	try {
		if (!persistent) installHandlers();
		if (ownLock) ({waited, reaped} = await acquire(ownerNow(persistent), waitMs, log));
	} catch (e) {
		done();
		throw e;
	}
	if (!persistent) setBedActive(true);
	const timings: TestbedTimings = {upMs: 0, lockWaitMs: waited, reapMs: reaped, hostsMs: 0, imagesMs: 0};
	try {
		// whatever a crashed run left that the lock did not know about
		const r0 = Date.now();
		if (anyTestbedTrace()) reapAllSync();
		timings.reapMs += Date.now() - r0;
		const images = opts.images ? testImages() : undefined;
		images?.catch(() => {}); // awaited below
		const t1 = Date.now();
		const state: State = {
			version: 1,
			hosts: [],
			down: [],
			cut: [],
			clientKey: join(ROOT, 'client', 'id_ed25519'),
			clientPublicKey: join(ROOT, 'client', 'id_ed25519.pub'),
			knownHostsFile: join(ROOT, 'client', 'known_hosts'),
			users: [],
			password: PASSWORD,
			tmpfs: opts.tmpfs ?? true,
			createdDirs: [],
			netnsDirCreated: !existsSync('/run/netns'),
			netnsMountCreated: !mountsUnder('/run/netns').includes('/run/netns'),
			forwardRule: false,
		};
		const clientPub = await machineUp(state);
		const hosts = hostsOf(n);
		state.hosts = hosts;
		writeState(state);
		const usersPerHost = await Promise.all(hosts.map(h => seedHost(h, hosts, clientPub)));
		state.users = usersPerHost[0]!;
		writeState(state);
		log(`seeded ${n} hosts after ${Date.now() - t0} ms`);
		await Promise.all(hosts.map(h => bootHost(h, hosts)));
		await Promise.all(hosts.map(h => setPasswords(h, state.users)));
		writeKnownHosts(state);
		writeState(state);
		await Promise.all(hosts.map(h => waitHost(h, opts.startTimeoutMs ?? 90_000)));
		timings.hostsMs = Date.now() - t1;
		log(`sshd + dockerd up on ${n} hosts after ${Date.now() - t0} ms`);
		const bed = makeTestbed(state, timings, {persistent, ownLock, done});
		if (images) {
			const t2 = Date.now();
			await bed.loadImages();
			timings.imagesMs = Date.now() - t2;
			bed.images = await images;
			log(`images loaded after ${Date.now() - t0} ms`);
		}
		timings.upMs = Date.now() - t0;
		return bed;
	} catch (e) {
		reapAllSync();
		setBedActive(false);
		if (ownLock) releaseLock();
		done();
		throw e;
	}
}

/** The testbed that is up (started by `cli.ts up` or another process), without owning it. */
export function attachTestbed(): Testbed {
	const state = readState();
	if (state === undefined || state.hosts.length === 0) throw new Error(`no testbed is up (no ${STATE})`);
	return makeTestbed(state, {upMs: 0, lockWaitMs: 0, reapMs: 0, hostsMs: 0, imagesMs: 0}, {persistent: true, ownLock: false, attached: true});
}
