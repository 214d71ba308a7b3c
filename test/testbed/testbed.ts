// Real test hosts on this machine: N "hosts", each with its own IP, a real OpenSSH server and a real Docker daemon.
//
//   const bed = await startTestbed({hosts: 3})
//   t.after(() => bed.stop())
//   await bed.exec('h1', ['docker', 'ps'])          // inside h1's namespaces
//   ssh -i bed.clientKey root@10.99.0.11            // what the code under test does
//
// Each host (hN, N = 1..15) is
//   - a network namespace `rmqtb-hN` whose eth0 (10.99.0.(10+N)/24, MAC 02:99:00:00:00:(10+N)) is a veth on the
//     bridge `rmqtb0` (10.99.0.1/24) in the root namespace. No default route: a host reaches 10.99.0.0/24 only.
//     Neighbour entries are static, so a cut host is silent (connects time out) rather than "No route to host".
//   - a persistent mount + UTS namespace (bound at <root>/ns/hN.{mnt,uts}) with hostname hN, its own sysfs (the
//     cgroup tree moved back in: dockerd needs it) and PRIVATE copies of /etc (a full copy: users, sudoers, ssh,
//     docker) and /run /var/lib/docker /var/lib/containerd /var/lib/docker-registry /root /home /opt /data /srv
//     /var/log /tmp, bound from <root>/hosts/hN/fs/... — so /var/run/docker.sock, authorized_keys and deployed files
//     are per host, and from here a host's file is at `bed.path(host, '/opt/x')`.
//   - sshd (Debian's, own ed25519 host key, port 22; root by key only; users below) and dockerd (Debian's, its own
//     managed containerd; bip 10.99.N.1/24, address pool 10.99.(16N).0/20, cgroup-parent /rmq-tui-tb-hN, insecure
//     registries 10.99.0.0/24, Docker Hub mirror http://10.99.0.1:5000) — never the machine's.
//   - cgroup `rmq-tui-tb-hN` (pids, memory, freezer; v2: one unified dir): sshd, dockerd, everything they start
//     (sessions, containerd, shims, containers via cgroup-parent) and whatever exec()/spawn() run there, so a host
//     can be counted, frozen and killed as a unit.
// Users on every host (all accept the client key; non-root ones also the password `bed.password`):
//   root; deployer (docker group + passwordless sudo); sudoer (passwordless sudo, NOT in the docker group: needs
//   `sudo -n docker ...`); nosudo (neither sudo nor docker).
//
// Faults: cut/heal (the host's link down: packets vanish), partition/unpartition (iptables raw DROP between two
// hosts), freeze/thaw (cgroup freezer: TCP connects, nothing answers), hostStop/hostStart (power loss: SIGKILL
// everything, namespaces gone; then a "boot" with the disk kept and /run cleared: sshd + dockerd again, containers
// with a restart policy come back), dockerStop/dockerStart (the Docker service only), rotateHostKey.
// Images: loadImages() (`docker load` of images.ts's archive), or startRegistry()/pushTestImages(): Debian's
// docker-registry on 10.99.0.1:5000, every host's Docker Hub mirror, so `docker pull apacherocketmq/rocketmq:...` works.
//
// One testbed at a time on a machine (the addresses are fixed): startTestbed() waits for a testbed owned by another
// live process (node --test runs files in parallel, and a file's tests too) and reaps one whose owner died;
// acquireTestbedLock() keeps the machine's testbed for a whole test (several beds one after another, children). Nothing is left behind: stop()
// removes everything; a crashed owner is covered by a synchronous 'exit' handler (and SIGINT/SIGTERM/SIGHUP), and
// the next startTestbed() (or `cli.ts down`) reaps whatever a SIGKILLed owner left. Everything lives under BASE_DIR
// (a tmpfs by default: fast, and teardown is an unmount); images are cached in images.ts's CACHE_DIR.
//
// Never touches: the machine's /etc, sshd, docker daemon or /var/lib/docker; the private dockerds of
// test/support/dockerd.ts (10.213.0.0/16, cgroups rmq-tui-test-*); any address outside 10.99.0.0/16.
import {spawn, spawnSync, type ChildProcess, type StdioOptions} from 'node:child_process';
import {
	chmodSync,
	chownSync,
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmdirSync,
	rmSync,
	statSync,
	unlinkSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import {request} from 'node:http';
import {connect} from 'node:net';
import {join} from 'node:path';
import {dockerCli, run, type DockerResult} from '../support/dockerd.ts';
import {which} from '../support/need.ts';
import {pushToRegistry, testImages, type TestImages} from './images.ts';

// ------------------------------------------------------------------ constants

export const BASE_DIR = process.env.RMQ_TUI_TESTBED_DIR ?? '/var/tmp/rmq-tui-testbed';
const ROOT = join(BASE_DIR, 'bed');
const LOCK = join(BASE_DIR, 'owner.json');
const STATE = join(BASE_DIR, 'state.json');
const NS_DIR = join(ROOT, 'ns');
export const NET = '10.99.0';
export const GATEWAY = `${NET}.1`;
export const BRIDGE = 'rmqtb0';
/** Where startRegistry() serves (the gateway, on the test bridge only); every host's Docker Hub mirror. */
export const REGISTRY = `${GATEWAY}:5000`;
const REGISTRY_CG = 'rmq-tui-tb-registry';
const NS_PREFIX = 'rmqtb-';
const CG_PREFIX = 'rmq-tui-tb-';
const MAX_HOSTS = 15;
const SYS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PRIVATE_DIRS = [
	'/etc',
	'/run',
	'/var/lib/docker',
	'/var/lib/containerd',
	'/var/lib/docker-registry',
	'/root',
	'/home',
	'/opt',
	'/data',
	'/srv',
	'/var/log',
	'/tmp',
];
const PASSWORD = 'testbed-pass';

export interface TestbedUser {
	name: string;
	uid: number;
	/** In the docker group (can open /var/run/docker.sock). */
	docker: boolean;
	/** Passwordless sudo. */
	sudo: boolean;
	/** Password login (never for root: PermitRootLogin prohibit-password). */
	password?: string;
}

export interface TestbedHost {
	/** h1, h2, ... (also the hostname). */
	name: string;
	index: number;
	ip: string;
	sshPort: 22;
	/** The host's Docker socket, as a path reachable from here (its /var/run/docker.sock). */
	dockerSocket: string;
	/** `ssh-ed25519 AAAA...` */
	hostKey: string;
	/** Root (from here) of the host's private directories: `${fsRoot}/opt/x` is the host's /opt/x. */
	fsRoot: string;
	netns: string;
	cgroup: string;
	/** Docker's bridge and address pool on this host. */
	dockerBip: string;
	dockerPool: string;
}

export type HostRef = TestbedHost | string | number;

export interface ExecOptions {
	input?: string | Buffer;
	stdinFile?: string;
	/** Default 120 s. */
	timeoutMs?: number;
	env?: Record<string, string>;
	cwd?: string;
	/** Run as this user (runuser -u); default root. */
	user?: string;
}

export interface ExecResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface SpawnOptions {
	env?: Record<string, string>;
	cwd?: string;
	user?: string;
	stdio?: StdioOptions;
}

export interface HostStatus {
	name: string;
	ip: string;
	up: boolean;
	sshd: boolean;
	dockerd: boolean;
	frozen: boolean;
	cut: boolean;
	processes: number;
	memoryBytes: number;
	containers: number | undefined;
}

export interface TestbedTimings {
	/** startTestbed() in total. */
	upMs: number;
	/** Waiting for another process's testbed. */
	lockWaitMs: number;
	/** Reaping a stale testbed. */
	reapMs: number;
	/** Namespaces, users, keys, daemons until every sshd and dockerd answers. */
	hostsMs: number;
	/** Building (or finding) the image archive and loading it (when `images` asked for it). */
	imagesMs: number;
}

export interface Testbed {
	readonly hosts: readonly TestbedHost[];
	/** Private key (ed25519, no passphrase) accepted by every user of every host. */
	readonly clientKey: string;
	readonly clientPublicKey: string;
	/** known_hosts with every host (`10.99.0.11 ssh-ed25519 ...`). */
	readonly knownHostsFile: string;
	readonly users: readonly TestbedUser[];
	/** Password of the non-root users. */
	readonly password: string;
	readonly timings: TestbedTimings;
	/** The images loaded at start (when asked): the archive description. */
	readonly images: TestImages | undefined;
	host(ref: HostRef): TestbedHost;
	/** `10.99.0.11 ssh-ed25519 AAAA...` (a line for known_hosts). */
	knownHostsLine(host: HostRef): string;
	/** Path, from here, of `p` on the host (p must be under one of the host's private directories). */
	path(host: HostRef, p: string): string;
	/** Run argv inside the host (its namespaces and cgroup), as root unless opts.user; never rejects on exit codes. */
	exec(host: HostRef, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
	/** exec() that rejects on a non-zero exit; resolves with trimmed stdout. */
	execOk(host: HostRef, argv: readonly string[], opts?: ExecOptions): Promise<string>;
	/** A long-running process inside the host (killed with the host at the latest). */
	spawn(host: HostRef, argv: readonly string[], opts?: SpawnOptions): ChildProcess;
	/** The docker CLI against the host's daemon (from here, through its socket). */
	docker(host: HostRef, args: readonly string[], opts?: ExecOptions): Promise<DockerResult>;
	dockerOk(host: HostRef, args: readonly string[], opts?: ExecOptions): Promise<string>;
	/** The system ssh client: `ssh user@ip command` with the client key and strict host key checking. */
	ssh(host: HostRef, command: string, opts?: {user?: string; timeoutSec?: number; input?: string}): Promise<ExecResult>;
	/** `docker load` the test images (images.ts) on these hosts (default all); skips hosts that have this build. */
	loadImages(hosts?: readonly HostRef[]): Promise<TestImages>;
	cut(host: HostRef): Promise<void>;
	heal(host: HostRef): Promise<void>;
	partition(a: HostRef, b: HostRef): Promise<void>;
	unpartition(a: HostRef, b: HostRef): Promise<void>;
	freeze(host: HostRef): Promise<void>;
	thaw(host: HostRef): Promise<void>;
	/** Power loss (default): SIGKILL every process, namespaces gone, disk kept. graceful: dockerd + sshd stopped first. */
	hostStop(host: HostRef, opts?: {graceful?: boolean}): Promise<void>;
	/** Boot a stopped host: /run cleared, network back, sshd + dockerd started; resolves when both answer. */
	hostStart(host: HostRef): Promise<void>;
	/** Stop only dockerd (SIGTERM: it stops the containers), as `systemctl stop docker`. */
	dockerStop(host: HostRef): Promise<void>;
	dockerStart(host: HostRef): Promise<void>;
	/** A new ed25519 host key (sshd reloaded); returns the new known_hosts line. */
	rotateHostKey(host: HostRef): Promise<string>;
	/**
	 * Debian's docker-registry on 10.99.0.1:5000 (the test bridge only), every host's Docker Hub mirror: once the
	 * test images are pushed (pushTestImages), `docker pull apacherocketmq/rocketmq:4.7.1-alpine` works on every host.
	 */
	startRegistry(): Promise<string>;
	stopRegistry(): Promise<void>;
	/** Starts the registry and puts the test images in it under their Docker Hub names (as `docker push` would). */
	pushTestImages(): Promise<TestImages>;
	status(): Promise<HostStatus[]>;
	/** Removes everything (idempotent). */
	stop(): Promise<void>;
}

export interface TestbedOptions {
	/** Number of hosts (default 3, at most 15). */
	hosts?: number;
	/** Load the test images on every host at start (default false: deploy tests upload them themselves). */
	images?: boolean;
	/** Put the hosts' files on a tmpfs (default true). */
	tmpfs?: boolean;
	/** How long to wait for another process's testbed (default 15 min). */
	waitMs?: number;
	/** Survive this process (the CLI's `up`): no exit handler; `cli.ts down` or the next up removes it. */
	persistent?: boolean;
	/** Deadline for all hosts to answer (default 90 s). */
	startTimeoutMs?: number;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

// ------------------------------------------------------------------ small helpers

const tick = (ms = 50) => new Promise<void>(r => setTimeout(r, ms));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function procStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

function kill(pid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
	try {
		process.kill(pid, sig);
	} catch {}
}

/** Synchronous command; returns the exit status (never throws). */
function sys(cmd: string, args: string[], input?: string): {code: number; out: string; err: string} {
	const r = spawnSync(cmd, args, {encoding: 'utf8', input, env: {...process.env, PATH: `${SYS_PATH}:${process.env.PATH ?? ''}`}});
	return {code: r.status ?? (r.error ? 127 : 128), out: r.stdout ?? '', err: r.stderr ?? (r.error?.message ?? '')};
}

function sysOk(cmd: string, args: string[], input?: string): string {
	const r = sys(cmd, args, input);
	if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.code}: ${r.err.trim()}`);
	return r.out;
}

/** Async command (for parallel host setup); rejects on a non-zero exit. */
async function cmdOk(cmd: string, args: string[], opts: {input?: string; timeoutMs?: number} = {}): Promise<string> {
	const r = await run(cmd, args, {input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000, envAll: {...process.env, PATH: `${SYS_PATH}:${process.env.PATH ?? ''}`}});
	if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.code}: ${r.stderr.trim()}`);
	return r.stdout;
}

function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

function mountsUnder(dir: string): string[] {
	let info = '';
	try {
		info = readFileSync('/proc/self/mountinfo', 'utf8');
	} catch {
		return [];
	}
	const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
	return info
		.split('\n')
		.map(l => l.split(' ')[4])
		.filter((m): m is string => m !== undefined)
		.map(decode)
		.filter(m => m === dir || m.startsWith(`${dir}/`))
		.sort((a, b) => b.length - a.length);
}

function unmountUnder(dir: string): void {
	for (let round = 0; round < 5; round++) {
		const ms = mountsUnder(dir);
		if (ms.length === 0) return;
		for (const m of ms) if (sys('umount', [m]).code !== 0) sys('umount', ['-l', m]);
	}
}

const hostIp = (n: number) => `${NET}.${10 + n}`;
const hostMac = (n: number) => `02:99:00:00:00:${(10 + n).toString(16).padStart(2, '0')}`;
const bridgeMac = '02:99:00:00:00:01';

// ------------------------------------------------------------------ cgroups

const CG_V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** Hierarchies whose <cg>/host/cgroup.procs our processes join (v1: pids, memory, freezer; v2: the unified tree). */
function cgJoinRoots(): string[] {
	if (CG_V2) return ['/sys/fs/cgroup'];
	return ['pids', 'memory', 'freezer'].map(c => `/sys/fs/cgroup/${c}`).filter(d => existsSync(join(d, 'cgroup.procs')));
}

/** The hierarchy used to find every process of a host. */
function cgTrackRoot(): string | undefined {
	return cgJoinRoots()[0];
}

function cgCreate(cg: string): string[] {
	const files: string[] = [];
	for (const r of cgJoinRoots()) {
		mkdirSync(join(r, cg, 'host'), {recursive: true});
		files.push(join(r, cg, 'host', 'cgroup.procs'));
	}
	return files;
}

/** Every pid in the cgroup subtree (ours only: the name must carry our prefix). */
function cgPids(cg: string): number[] {
	const r = cgTrackRoot();
	if (r === undefined || !cg.startsWith(CG_PREFIX)) return [];
	const pids = new Set<number>();
	const walk = (dir: string) => {
		let entries: import('node:fs').Dirent[];
		try {
			entries = readdirSync(dir, {withFileTypes: true});
		} catch {
			return;
		}
		for (const e of entries) {
			if (e.isDirectory()) walk(join(dir, e.name));
			else if (e.name === 'cgroup.procs') {
				try {
					for (const l of readFileSync(join(dir, e.name), 'utf8').split('\n')) if (l.trim() !== '') pids.add(Number(l));
				} catch {}
			}
		}
	};
	walk(join(r, cg));
	pids.delete(process.pid);
	return [...pids];
}

function freezerFile(cg: string): string | undefined {
	const f = CG_V2 ? `/sys/fs/cgroup/${cg}/cgroup.freeze` : `/sys/fs/cgroup/freezer/${cg}/freezer.state`;
	return existsSync(f) ? f : undefined;
}

function isFrozen(cg: string): boolean {
	const f = freezerFile(cg);
	if (f === undefined) return false;
	try {
		const v = readFileSync(f, 'utf8').trim();
		return CG_V2 ? v === '1' : v !== 'THAWED';
	} catch {
		return false;
	}
}

function setFrozen(cg: string, frozen: boolean): void {
	const f = freezerFile(cg);
	if (f === undefined) throw new Error(`no freezer cgroup for ${cg}`);
	writeFileSync(f, CG_V2 ? (frozen ? '1' : '0') : frozen ? 'FROZEN' : 'THAWED');
}

function cgMemory(cg: string): number {
	const f = CG_V2 ? `/sys/fs/cgroup/${cg}/memory.current` : `/sys/fs/cgroup/memory/${cg}/memory.usage_in_bytes`;
	try {
		return Number(readFileSync(f, 'utf8').trim());
	} catch {
		return 0;
	}
}

/** Our cgroup names present in any hierarchy. */
function ourCgroups(): string[] {
	const names = new Set<string>();
	const roots = CG_V2 ? ['/sys/fs/cgroup'] : (() => {
		try {
			return readdirSync('/sys/fs/cgroup').map(d => join('/sys/fs/cgroup', d));
		} catch {
			return [];
		}
	})();
	for (const r of roots) {
		try {
			for (const n of readdirSync(r)) if (n.startsWith(CG_PREFIX)) names.add(n);
		} catch {}
	}
	return [...names];
}

/** rmdir <every hierarchy>/<cg> depth-first (dockerd creates container cgroups in all of them). */
function cgRemove(cg: string): void {
	if (!cg.startsWith(CG_PREFIX)) return;
	const roots = CG_V2 ? ['/sys/fs/cgroup'] : (() => {
		try {
			return readdirSync('/sys/fs/cgroup').map(d => join('/sys/fs/cgroup', d));
		} catch {
			return [];
		}
	})();
	const rm = (dir: string) => {
		let entries: import('node:fs').Dirent[];
		try {
			entries = readdirSync(dir, {withFileTypes: true});
		} catch {
			return;
		}
		for (const e of entries) if (e.isDirectory()) rm(join(dir, e.name));
		try {
			rmdirSync(dir);
		} catch {}
	};
	for (const r of roots) rm(join(r, cg));
}

/** SIGKILL every process of a cgroup until none is left (thawed first: a frozen task dies only when thawed). */
function cgKillSync(cg: string, ms = 10_000): void {
	try {
		if (isFrozen(cg)) setFrozen(cg, false);
	} catch {}
	const end = Date.now() + ms;
	for (let pids = cgPids(cg); pids.length > 0 && Date.now() < end; pids = cgPids(cg)) {
		for (const p of pids) kill(p);
		sleepSync(30);
	}
}

async function cgKill(cg: string, ms = 10_000): Promise<void> {
	try {
		if (isFrozen(cg)) setFrozen(cg, false);
	} catch {}
	const end = Date.now() + ms;
	for (let pids = cgPids(cg); pids.length > 0 && Date.now() < end; pids = cgPids(cg)) {
		for (const p of pids) kill(p);
		await tick(30);
	}
}

// ------------------------------------------------------------------ ownership (one testbed per machine)

interface Owner {
	pid: number;
	start: string | undefined;
	persistent: boolean;
	since: string;
}

function ownerAlive(o: Owner | undefined): boolean {
	if (o === undefined) return false;
	if (o.persistent) return true;
	return alive(o.pid) && (o.start === undefined || procStart(o.pid) === o.start);
}

function tryLock(owner: Owner): boolean {
	let fd: number;
	for (let attempt = 0; ; attempt++) {
		mkdirSync(BASE_DIR, {recursive: true});
		try {
			fd = openSync(LOCK, 'wx');
			break;
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (code === 'EEXIST') return false;
			if (code !== 'ENOENT' || attempt > 10) throw e; // BASE_DIR removed by a releasing owner meanwhile
		}
	}
	writeSync(fd, JSON.stringify(owner));
	closeSync(fd);
	return true;
}

async function acquire(owner: Owner, waitMs: number, log: (l: string) => void): Promise<{waited: number; reaped: number}> {
	const t0 = Date.now();
	let reaped = 0;
	let said = false;
	for (;;) {
		if (tryLock(owner)) return {waited: Date.now() - t0, reaped};
		const cur = readJson<Owner>(LOCK);
		if (cur === undefined) {
			// being written right now, or a torn file from a crash: stale after a few seconds
			let age = 0;
			try {
				age = Date.now() - statSync(LOCK).mtimeMs;
			} catch {
				continue;
			}
			if (age > 5_000) {
				try {
					unlinkSync(LOCK);
				} catch {}
			}
			await tick(100);
			continue;
		}
		if (!ownerAlive(cur)) {
			const r0 = Date.now();
			log(`reaping the testbed of dead process ${cur.pid}`);
			reapAllSync();
			reaped += Date.now() - r0;
			try {
				if (JSON.stringify(readJson<Owner>(LOCK)) === JSON.stringify(cur)) unlinkSync(LOCK);
			} catch {}
			continue;
		}
		if (cur.persistent) {
			throw new Error(`a testbed started by \`test/testbed/cli.ts up\` (since ${cur.since}) is running: stop it with \`node --import tsx test/testbed/cli.ts down\``);
		}
		if (Date.now() - t0 > waitMs) throw new Error(`timed out after ${waitMs} ms waiting for the testbed of process ${cur.pid} (since ${cur.since})`);
		if (!said) {
			log(`waiting for the testbed of process ${cur.pid} (since ${cur.since})`);
			said = true;
		}
		await tick(250);
	}
}

/** Environment variable naming the pid that holds the testbed lock on this process's behalf (a parent test). */
export const LOCK_HOLDER_ENV = 'RMQ_TUI_TESTBED_LOCK_HOLDER';
/** acquireTestbedLock() calls not yet released in this process. */
let lockHolds = 0;

/** Is the lock already ours: taken by acquireTestbedLock() here, or held by the parent that started us? */
function lockInherited(): boolean {
	if (lockHolds > 0) return true;
	const holder = Number(process.env[LOCK_HOLDER_ENV] ?? '0');
	if (!(holder > 0)) return false;
	const cur = readJson<Owner>(LOCK);
	return cur !== undefined && cur.pid === holder && ownerAlive(cur);
}

export interface TestbedLock {
	/** Waiting for it took this long. */
	readonly waitedMs: number;
	/** Env for a child process that should use the testbed under this lock (`{...process.env, ...lock.childEnv}`). */
	readonly childEnv: Record<string, string>;
	release(): void;
}

/**
 * Takes the machine-wide testbed lock and keeps it until release(): startTestbed() calls in this process (one after
 * another) and in children given `childEnv` run under it, and no other process can start a testbed meanwhile — so
 * a test can check that nothing is left behind without another test's testbed appearing in between.
 */
export async function acquireTestbedLock(opts: {waitMs?: number; log?: (l: string) => void} = {}): Promise<TestbedLock> {
	if (process.getuid?.() !== 0) throw new Error('the testbed lock needs root');
	let waited = 0;
	if (lockHolds === 0) {
		installHandlers();
		const owner: Owner = {pid: process.pid, start: procStart(process.pid), persistent: false, since: new Date().toISOString()};
		waited = (await acquire(owner, opts.waitMs ?? 15 * 60_000, opts.log ?? (() => {}))).waited;
	}
	lockHolds++;
	let released = false;
	return {
		waitedMs: waited,
		childEnv: {[LOCK_HOLDER_ENV]: String(process.pid)},
		release() {
			if (released) return;
			released = true;
			lockHolds--;
			if (lockHolds === 0) releaseLock();
		},
	};
}

function releaseLock(): void {
	try {
		const o = readJson<Owner>(LOCK);
		if (o?.pid === process.pid) unlinkSync(LOCK);
	} catch {}
	removeBaseIfEmpty();
}

function removeBaseIfEmpty(): void {
	try {
		rmdirSync(BASE_DIR); // only when empty (no lock, no state): nothing of the testbed stays on the machine
	} catch {}
}

// ------------------------------------------------------------------ state (what attach/reap need)

interface State {
	version: 1;
	hosts: TestbedHost[];
	down: string[];
	cut: string[];
	clientKey: string;
	clientPublicKey: string;
	knownHostsFile: string;
	users: TestbedUser[];
	password: string;
	tmpfs: boolean;
	/** Mount points this testbed had to create in the root filesystem (e.g. /data): removed when empty. */
	createdDirs: string[];
	/** /run/netns did not exist / was not a mount point before (`ip netns add` makes it a shared bind mount). */
	netnsDirCreated: boolean;
	netnsMountCreated: boolean;
	forwardRule: boolean;
}

function writeState(s: State): void {
	mkdirSync(BASE_DIR, {recursive: true});
	const tmp = `${STATE}.${process.pid}.tmp`;
	writeFileSync(tmp, JSON.stringify(s, null, 2));
	renameSync(tmp, STATE); // atomic: a reaper never reads half a state
}

/** Everything a testbed can leave behind, found by name (not only by the state file): used on exit and for stale beds. */
export function reapAllSync(): void {
	const state = readJson<State>(STATE);
	// 1. processes: thaw + SIGKILL every cgroup of ours; then anything still inside one of our network namespaces
	for (const cg of ourCgroups()) cgKillSync(cg, 5_000);
	const netnses = listNetns();
	for (const ns of netnses) {
		const pids = sys('ip', ['netns', 'pids', ns]).out.split('\n').filter(l => /^\d+$/.test(l.trim())).map(Number);
		for (const p of pids) if (p !== process.pid) kill(p);
	}
	// 2. namespaces: the nsfs binds of the mount/UTS namespaces, then the network namespaces and links
	unmountUnder(NS_DIR);
	for (const ns of netnses) sys('ip', ['netns', 'del', ns]);
	for (const link of listLinks()) sys('ip', ['link', 'del', link]);
	// 3. the FORWARD rule, cgroups, files
	while (sys('iptables', ['-w', '-D', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']).code === 0) {}
	for (let i = 0; i < 20; i++) {
		for (const cg of ourCgroups()) cgRemove(cg);
		if (ourCgroups().length === 0) break;
		sleepSync(50); // zombies not reaped yet keep a cgroup busy
	}
	unmountUnder(ROOT);
	try {
		rmSync(ROOT, {recursive: true, force: true, maxRetries: 3});
	} catch {}
	for (const d of state?.createdDirs ?? []) {
		try {
			rmdirSync(d); // only when empty
		} catch {}
	}
	// what `ip netns add` made of /run/netns, when nobody else has a namespace there (a busy mount is not unmounted)
	let netnsEmpty = false;
	try {
		netnsEmpty = readdirSync('/run/netns').length === 0;
	} catch {}
	if (netnsEmpty && state?.netnsMountCreated && mountsUnder('/run/netns').includes('/run/netns')) sys('umount', ['/run/netns']);
	if (netnsEmpty && state?.netnsDirCreated) {
		try {
			rmdirSync('/run/netns');
		} catch {}
	}
	try {
		unlinkSync(STATE);
	} catch {}
}

function listNetns(): string[] {
	try {
		return readdirSync('/run/netns').filter(n => n.startsWith(NS_PREFIX));
	} catch {
		return [];
	}
}

function listLinks(): string[] {
	try {
		return readdirSync('/sys/class/net').filter(n => n === BRIDGE || n.startsWith(NS_PREFIX));
	} catch {
		return [];
	}
}

/** What a testbed would leave behind if it were stopped now (empty = clean). For tests of the harness. */
export function leftovers(): string[] {
	const out: string[] = [];
	for (const ns of listNetns()) out.push(`netns ${ns}`);
	for (const l of listLinks()) out.push(`link ${l}`);
	for (const cg of ourCgroups()) out.push(`cgroup ${cg} (${cgPids(cg).length} processes)`);
	for (const m of mountsUnder(BASE_DIR)) out.push(`mount ${m}`);
	if (existsSync(ROOT)) out.push(`dir ${ROOT}`);
	if (existsSync(BASE_DIR) && lockHolds === 0) out.push(`dir ${BASE_DIR}`);
	if (existsSync(STATE)) out.push(`file ${STATE}`);
	const lockOwner = readJson<Owner>(LOCK);
	if (existsSync(LOCK) && !(lockOwner?.pid === process.pid && lockHolds > 0)) out.push(`file ${LOCK}`);
	if (sys('iptables', ['-w', '-C', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']).code === 0) out.push('iptables FORWARD rule');
	// processes whose mount namespace is one of our hosts' (e.g. started with nsenter outside the cgroup)
	for (const p of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
		try {
			const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
			if (cmd.includes(`${ROOT}/`)) out.push(`process ${p} ${cmd.replaceAll('\0', ' ').slice(0, 120)}`);
		} catch {}
	}
	return out;
}

// ------------------------------------------------------------------ emergency cleanup

/** A testbed of this process is up (not persistent, not stopped). */
let bedActive = false;
let handlersInstalled = false;

function emergencyCleanup(): void {
	if (bedActive) {
		bedActive = false;
		reapAllSync();
	}
	releaseLock(); // only when this process owns it
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', emergencyCleanup);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const h = () => {
			emergencyCleanup();
			process.removeListener(sig, h);
			if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
		};
		process.on(sig, h);
	}
}

// ------------------------------------------------------------------ host filesystem

interface UserSpec {
	name: string;
	docker: boolean;
	sudo: boolean;
}
const USER_SPECS: UserSpec[] = [
	{name: 'deployer', docker: true, sudo: true},
	{name: 'sudoer', docker: false, sudo: true},
	{name: 'nosudo', docker: false, sudo: false},
];

function sshdConfig(h: TestbedHost): string {
	return `# rmq-tui testbed host ${h.name} (${h.ip}) — test/testbed/testbed.ts
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
StrictModes yes
MaxStartups 200:30:400
MaxSessions 200
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
AcceptEnv LANG LC_*
LogLevel VERBOSE
Subsystem sftp internal-sftp
`;
}

function daemonJson(h: TestbedHost): string {
	return `${JSON.stringify(
		{
			bip: h.dockerBip,
			'default-address-pools': [{base: h.dockerPool, size: 24}],
			'cgroup-parent': `/${h.cgroup}`,
			'exec-opts': ['native.cgroupdriver=cgroupfs'],
			'insecure-registries': [`${NET}.0/24`],
			// Docker Hub's stand-in: `docker pull apacherocketmq/rocketmq:...` asks the testbed registry first (when
			// startRegistry() runs it); otherwise the pull fails at once (no DNS, no route out)
			'registry-mirrors': [`http://${REGISTRY}`],
			'log-driver': 'json-file',
		},
		null,
		2,
	)}\n`;
}

/** Copies /etc and writes the host's own files (hostname, hosts, sshd, docker, users, sudoers, keys). */
async function seedHost(h: TestbedHost, all: readonly TestbedHost[], clientPub: string): Promise<TestbedUser[]> {
	const fs = h.fsRoot;
	for (const d of PRIVATE_DIRS) if (d !== '/etc') mkdirSync(join(fs, d), {recursive: true});
	await cmdOk('cp', ['-a', '/etc', join(fs, 'etc')]);
	chmodSync(join(fs, 'tmp'), 0o1777);
	chmodSync(join(fs, 'root'), 0o700);
	mkdirSync(join(fs, 'run/sshd'), {recursive: true, mode: 0o755});
	mkdirSync(join(fs, 'run/lock'), {recursive: true});
	chmodSync(join(fs, 'run/lock'), 0o1777);
	mkdirSync(join(fs, '.cg'));
	const etc = (p: string) => join(fs, 'etc', p);
	writeFileSync(etc('hostname'), `${h.name}\n`);
	writeFileSync(
		etc('hosts'),
		[`127.0.0.1\tlocalhost`, `127.0.1.1\t${h.name}`, `${GATEWAY}\ttestbed-gateway`, ...all.map(o => `${o.ip}\t${o.name}`), '::1\tlocalhost ip6-localhost ip6-loopback', ''].join('\n'),
	);
	rmSync(etc('resolv.conf'), {force: true});
	writeFileSync(etc('resolv.conf'), '# rmq-tui testbed: no DNS (hosts reach 10.99.0.0/24 only)\noptions timeout:1 attempts:1\n');
	rmSync(etc('machine-id'), {force: true});
	writeFileSync(etc('machine-id'), `${'0'.repeat(30)}${h.index.toString(16).padStart(2, '0')}\n`);
	// ssh: only our config and host key
	for (const f of readdirSync(etc('ssh'))) if (f.startsWith('ssh_host_')) rmSync(etc(`ssh/${f}`));
	rmSync(etc('ssh/sshd_config.d'), {recursive: true, force: true});
	writeFileSync(etc('ssh/sshd_config'), sshdConfig(h));
	await cmdOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', etc('ssh/ssh_host_ed25519_key')]);
	h.hostKey = readFileSync(etc('ssh/ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
	// docker
	mkdirSync(etc('docker'), {recursive: true});
	rmSync(etc('docker/key.json'), {force: true});
	writeFileSync(etc('docker/daemon.json'), daemonJson(h));
	// users
	let passwd = readFileSync(etc('passwd'), 'utf8');
	let group = readFileSync(etc('group'), 'utf8');
	let shadow = readFileSync(etc('shadow'), 'utf8');
	const usedUids = new Set(passwd.split('\n').map(l => Number(l.split(':')[2])));
	const usedGids = new Set(group.split('\n').map(l => Number(l.split(':')[2])));
	const addToGroup = (name: string, user: string) => {
		const lines = group.split('\n');
		let found = false;
		group = lines
			.map(l => {
				const f = l.split(':');
				if (f[0] !== name) return l;
				found = true;
				const members = (f[3] ?? '').split(',').filter(m => m !== '');
				members.push(user);
				f[3] = members.join(',');
				return f.join(':');
			})
			.join('\n');
		if (!found) {
			let gid = 990;
			while (usedGids.has(gid)) gid--;
			usedGids.add(gid);
			group = `${group.replace(/\n*$/, '\n')}${name}:x:${gid}:${user}\n`;
		}
	};
	const users: TestbedUser[] = [{name: 'root', uid: 0, docker: true, sudo: true}];
	let next = 1101;
	for (const spec of USER_SPECS) {
		while (usedUids.has(next) || usedGids.has(next)) next++;
		const uid = next++;
		usedUids.add(uid);
		usedGids.add(uid);
		passwd = `${passwd.replace(/\n*$/, '\n')}${spec.name}:x:${uid}:${uid}:rmq-tui testbed ${spec.name}:/home/${spec.name}:/bin/bash\n`;
		group = `${group.replace(/\n*$/, '\n')}${spec.name}:x:${uid}:\n`;
		shadow = `${shadow.replace(/\n*$/, '\n')}${spec.name}:*:19000:0:99999:7:::\n`;
		if (spec.docker) addToGroup('docker', spec.name);
		if (spec.sudo) addToGroup('sudo', spec.name);
		const home = join(fs, 'home', spec.name);
		mkdirSync(join(home, '.ssh'), {recursive: true});
		await cmdOk('cp', ['-a', '/etc/skel/.', home]).catch(() => '');
		writeFileSync(join(home, '.ssh', 'authorized_keys'), clientPub);
		chmodSync(home, 0o750);
		chmodSync(join(home, '.ssh'), 0o700);
		chmodSync(join(home, '.ssh', 'authorized_keys'), 0o600);
		await cmdOk('chown', ['-R', `${uid}:${uid}`, home]);
		users.push({name: spec.name, uid, docker: spec.docker, sudo: spec.sudo, password: PASSWORD});
	}
	writeFileSync(etc('passwd'), passwd);
	writeFileSync(etc('group'), group);
	writeFileSync(etc('shadow'), shadow);
	mkdirSync(etc('sudoers.d'), {recursive: true});
	writeFileSync(
		etc('sudoers.d/rmq-tui-testbed'),
		`# rmq-tui testbed: passwordless sudo for the deploy users\n${USER_SPECS.filter(u => u.sudo).map(u => `${u.name} ALL=(ALL:ALL) NOPASSWD: ALL`).join('\n')}\n`,
	);
	chmodSync(etc('sudoers.d/rmq-tui-testbed'), 0o440);
	// root
	await cmdOk('cp', ['-a', '/etc/skel/.', join(fs, 'root')]).catch(() => '');
	mkdirSync(join(fs, 'root/.ssh'), {recursive: true, mode: 0o700});
	writeFileSync(join(fs, 'root/.ssh/authorized_keys'), clientPub);
	chmodSync(join(fs, 'root/.ssh/authorized_keys'), 0o600);
	chownSync(join(fs, 'root'), 0, 0);
	return users;
}

// ------------------------------------------------------------------ namespaces

const mntFile = (h: TestbedHost) => join(NS_DIR, `${h.name}.mnt`);
const utsFile = (h: TestbedHost) => join(NS_DIR, `${h.name}.uts`);

/** Runs inside the new mount + UTS namespace (already in the host's netns). */
const HOST_INIT = `set -e
hostname "$H"
# drop this namespace's copies of the namespace handles (they would pin other hosts' namespaces)
umount -l "$NS_DIR" 2>/dev/null || true
umount -l /run/netns 2>/dev/null || true
# a sysfs of this netns (dockerd reads /sys/class/net), with the cgroup tree kept (dockerd needs it)
mount --rbind /sys/fs/cgroup "$FS/.cg"
umount -l /sys
mount -t sysfs sysfs /sys
mount --move "$FS/.cg" /sys/fs/cgroup
for d in $DIRS; do mount --bind "$FS$d" "$d"; done
# hide the other hosts' files (the testbed's directory) from this host
mount -t tmpfs -o size=1m,mode=755 rmq-tui-testbed-hidden "$BASE"
`;

async function netUp(h: TestbedHost, all: readonly TestbedHost[]): Promise<void> {
	const ns = h.netns;
	sys('ip', ['link', 'del', ns]);
	sysOk('ip', ['netns', 'add', ns]);
	sysOk('ip', ['link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'address', hostMac(h.index), 'netns', ns]);
	sysOk('ip', ['link', 'set', ns, 'master', BRIDGE, 'up']);
	sysOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
	sysOk('ip', ['-n', ns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0']);
	sysOk('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
	// static neighbours: a cut host is silent (timeouts), as behind a router, not "No route to host" after ARP fails
	sysOk('ip', ['-n', ns, 'neigh', 'replace', GATEWAY, 'lladdr', bridgeMac, 'dev', 'eth0', 'nud', 'permanent']);
	for (const o of all) {
		if (o === h) continue;
		sysOk('ip', ['-n', ns, 'neigh', 'replace', o.ip, 'lladdr', hostMac(o.index), 'dev', 'eth0', 'nud', 'permanent']);
	}
	sysOk('ip', ['neigh', 'replace', h.ip, 'lladdr', hostMac(h.index), 'dev', BRIDGE, 'nud', 'permanent']);
}

async function nsUp(h: TestbedHost): Promise<void> {
	writeFileSync(mntFile(h), '');
	writeFileSync(utsFile(h), '');
	const r = await run('nsenter', [`--net=/run/netns/${h.netns}`, 'unshare', `--mount=${mntFile(h)}`, `--uts=${utsFile(h)}`, '--propagation', 'private', '/bin/sh', '-c', HOST_INIT], {
		envAll: {PATH: SYS_PATH, H: h.name, NS_DIR, FS: h.fsRoot, DIRS: PRIVATE_DIRS.join(' '), BASE: BASE_DIR},
		timeoutMs: 30_000,
	});
	if (r.code !== 0) throw new Error(`${h.name}: creating the mount namespace failed (exit ${r.code}): ${r.stderr}`);
}

/** argv prefix running a command inside the host's namespaces, after joining its cgroup. */
function hostArgv(h: TestbedHost, argv: readonly string[], opts: {user?: string; cwd?: string} = {}): {cmd: string; args: string[]} {
	let inner: string[] = [...argv];
	if (opts.user !== undefined && opts.user !== 'root') inner = ['runuser', '-u', opts.user, '--', ...inner];
	if (opts.cwd !== undefined) inner = ['/bin/sh', '-c', 'cd "$0" && exec "$@"', opts.cwd, ...inner];
	const script =
		'for f in $RMQ_TB_PROCS; do echo $$ > "$f" || exit 97; done; unset RMQ_TB_PROCS; n=$0; m=$1; u=$2; shift 2; exec nsenter "--net=$n" "--mount=$m" "--uts=$u" -- "$@"';
	return {
		cmd: '/bin/sh',
		args: ['-c', script, `/run/netns/${h.netns}`, mntFile(h), utsFile(h), ...inner],
	};
}

function hostEnv(h: TestbedHost, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		PATH: SYS_PATH,
		HOME: '/root',
		USER: 'root',
		LOGNAME: 'root',
		SHELL: '/bin/bash',
		LANG: 'C.UTF-8',
		RMQ_TB_PROCS: cgJoinRoots().map(r => join(r, h.cgroup, 'host', 'cgroup.procs')).join(' '),
		...extra,
	};
}

function startDaemon(h: TestbedHost, argv: string[], logFile: string): ChildProcess {
	const {cmd, args} = hostArgv(h, argv);
	const fd = openSync(logFile, 'a');
	const child = spawn(cmd, args, {detached: true, stdio: ['ignore', fd, fd], env: hostEnv(h)});
	closeSync(fd);
	child.unref();
	child.on('error', () => {});
	return child;
}

function startSshd(h: TestbedHost): void {
	rmSync(join(h.fsRoot, 'run/sshd.pid'), {force: true});
	mkdirSync(join(h.fsRoot, 'run/sshd'), {recursive: true, mode: 0o755});
	startDaemon(h, [which('sshd') ?? '/usr/sbin/sshd', '-D', '-E', '/var/log/sshd.log'], join(h.fsRoot, 'var/log/sshd.out'));
}

function startDockerd(h: TestbedHost): void {
	for (const f of ['run/docker.pid', 'run/docker.sock']) rmSync(join(h.fsRoot, f), {force: true});
	startDaemon(h, [which('dockerd') ?? '/usr/sbin/dockerd'], join(h.fsRoot, 'var/log/dockerd.log'));
}

function readPid(file: string): number | undefined {
	try {
		const n = Number(readFileSync(file, 'utf8').trim());
		return Number.isInteger(n) && n > 0 ? n : undefined;
	} catch {
		return undefined;
	}
}

function httpOk(url: string): Promise<boolean> {
	return new Promise(resolve => {
		const req = request(url, {timeout: 2_000}, res => {
			res.resume();
			resolve(res.statusCode === 200);
		});
		req.on('error', () => resolve(false));
		req.on('timeout', () => {
			req.destroy();
			resolve(false);
		});
		req.end();
	});
}

function dockerPing(socket: string): Promise<boolean> {
	return new Promise(resolve => {
		const req = request({socketPath: socket, path: '/_ping', timeout: 2_000}, res => {
			res.resume();
			resolve(res.statusCode === 200);
		});
		req.on('error', () => resolve(false));
		req.on('timeout', () => {
			req.destroy();
			resolve(false);
		});
		req.end();
	});
}

/** Does ip:22 send an SSH banner within ms? */
export function sshBanner(ip: string, ms = 2_000, port = 22): Promise<string | undefined> {
	return new Promise(resolve => {
		const s = connect({host: ip, port});
		let buf = '';
		const done = (v: string | undefined) => {
			clearTimeout(timer);
			s.destroy();
			resolve(v);
		};
		const timer = setTimeout(() => done(undefined), ms);
		s.on('data', d => {
			buf += d.toString('latin1');
			const nl = buf.indexOf('\n');
			if (nl >= 0) done(buf.slice(0, nl).trim());
		});
		s.on('error', () => done(undefined));
		s.on('close', () => done(undefined));
	});
}

/** Does a TCP connect to ip:port succeed within ms? */
export function tcpConnects(ip: string, port: number, ms = 2_000): Promise<boolean> {
	return new Promise(resolve => {
		const s = connect({host: ip, port});
		const done = (v: boolean) => {
			clearTimeout(timer);
			s.destroy();
			resolve(v);
		};
		const timer = setTimeout(() => done(false), ms);
		s.once('connect', () => done(true));
		s.once('error', () => done(false));
	});
}

function tail(file: string, lines = 25): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
	} catch {
		return '(no log)';
	}
}

async function waitHost(h: TestbedHost, ms: number): Promise<void> {
	const end = Date.now() + ms;
	let docker = false;
	let ssh = false;
	while (!(docker && ssh)) {
		if (!docker) docker = await dockerPing(h.dockerSocket);
		if (!ssh) ssh = (await sshBanner(h.ip, 1_000)) !== undefined;
		if (docker && ssh) break;
		if (Date.now() > end) {
			throw new Error(
				`${h.name} did not come up within ${ms} ms (dockerd ${docker ? 'up' : 'down'}, sshd ${ssh ? 'up' : 'down'})\n--- dockerd.log ---\n${tail(join(h.fsRoot, 'var/log/dockerd.log'))}\n--- sshd.log ---\n${tail(join(h.fsRoot, 'var/log/sshd.log'))}`,
			);
		}
		await tick(100);
	}
}

/** Sets the host's passwords (chpasswd inside the host: its private /etc/shadow). */
async function setPasswords(h: TestbedHost, users: readonly TestbedUser[]): Promise<void> {
	const input = users.filter(u => u.password !== undefined).map(u => `${u.name}:${u.password}`).join('\n');
	const {cmd, args} = hostArgv(h, ['chpasswd']);
	const r = await run(cmd, args, {input: `${input}\n`, envAll: hostEnv(h), timeoutMs: 30_000});
	if (r.code !== 0) throw new Error(`${h.name}: chpasswd failed: ${r.stderr}`);
}

/** Power on: network, namespaces, cgroups, sshd, dockerd (the filesystem must exist). */
async function bootHost(h: TestbedHost, all: readonly TestbedHost[]): Promise<void> {
	await netUp(h, all);
	await nsUp(h);
	cgCreate(h.cgroup);
	startSshd(h);
	startDockerd(h);
}

/** Power off: every process killed, namespaces removed; the filesystem stays. */
async function haltHost(h: TestbedHost): Promise<void> {
	await cgKill(h.cgroup);
	if (existsSync(`/run/netns/${h.netns}`)) {
		const pids = sys('ip', ['netns', 'pids', h.netns]).out.split('\n').filter(l => /^\d+$/.test(l.trim())).map(Number);
		for (const p of pids) kill(p);
	}
	for (const f of [mntFile(h), utsFile(h)]) {
		if (sys('umount', [f]).code !== 0) sys('umount', ['-l', f]);
		rmSync(f, {force: true});
	}
	sys('ip', ['netns', 'del', h.netns]);
	sys('ip', ['link', 'del', h.netns]);
	sys('ip', ['neigh', 'del', h.ip, 'dev', BRIDGE]);
	for (let i = 0; i < 40; i++) {
		cgRemove(h.cgroup);
		if (!ourCgroups().includes(h.cgroup)) break;
		await tick(50);
	}
}

// ------------------------------------------------------------------ the testbed

function prerequisites(): string[] {
	const missing: string[] = [];
	if (process.getuid?.() !== 0) missing.push('root (uid 0)');
	const bins: Array<[string, string]> = [
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
	for (const [b, pkg] of bins) if (which(b) === undefined) missing.push(`${b} (apt-get install ${pkg})`);
	if (!existsSync('/bin/busybox')) missing.push('/bin/busybox (apt-get install busybox-static)');
	if (cgJoinRoots().length === 0) missing.push('a pids cgroup hierarchy');
	return missing;
}

/** Why a testbed cannot run here ([] = it can). For need(): skip locally, fail under CI. */
export function testbedMissing(): string[] {
	return prerequisites();
}

export async function startTestbed(opts: TestbedOptions = {}): Promise<Testbed> {
	const t0 = Date.now();
	const log = opts.log ?? (() => {});
	const n = opts.hosts ?? 3;
	if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new Error(`hosts must be 1..${MAX_HOSTS}`);
	const missing = prerequisites();
	if (missing.length > 0) throw new Error(`the testbed needs: ${missing.join(', ')}`);
	const persistent = opts.persistent ?? false;
	// one testbed at a time in this process too (node --test may run a file's tests concurrently)
	const previous = localQueue;
	let done!: () => void;
	localQueue = new Promise<void>(r => (done = r));
	const waitMs = opts.waitMs ?? 15 * 60_000;
	let timer: NodeJS.Timeout | undefined;
	const inTime = await Promise.race([
		previous.then(() => true),
		new Promise<boolean>(r => (timer = setTimeout(() => r(false), waitMs))),
	]);
	clearTimeout(timer);
	if (!inTime) {
		previous.then(done, done); // keep the queue in order
		throw new Error(`timed out after ${waitMs} ms waiting for this process's other testbed to stop (a missing stop()?)`);
	}
	let waited = 0;
	let reaped = 0;
	const ownLock = !lockInherited();
	try {
		if (!persistent) installHandlers();
		if (ownLock) {
			const owner: Owner = {pid: process.pid, start: procStart(process.pid), persistent, since: new Date().toISOString()};
			({waited, reaped} = await acquire(owner, waitMs, log));
		}
	} catch (e) {
		done();
		throw e;
	}
	if (!persistent) bedActive = true;
	const timings: TestbedTimings = {upMs: 0, lockWaitMs: waited, reapMs: reaped, hostsMs: 0, imagesMs: 0};
	try {
		// whatever a crashed run left that the lock did not know about
		const r0 = Date.now();
		if (listNetns().length > 0 || listLinks().length > 0 || ourCgroups().length > 0 || existsSync(ROOT)) reapAllSync();
		timings.reapMs += Date.now() - r0;
		const images = opts.images ? testImages() : undefined;
		images?.catch(() => {}); // awaited below
		const t1 = Date.now();
		const tmpfs = opts.tmpfs ?? true;
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
			tmpfs,
			createdDirs: [],
			netnsDirCreated: !existsSync('/run/netns'),
			netnsMountCreated: !mountsUnder('/run/netns').includes('/run/netns'),
			forwardRule: false,
		};
		mkdirSync(ROOT, {recursive: true});
		writeState(state);
		if (tmpfs) sysOk('mount', ['-t', 'tmpfs', '-o', 'mode=755,size=16g,nr_inodes=4m', 'rmq-tui-testbed', ROOT]);
		mkdirSync(NS_DIR, {recursive: true});
		// `unshare --mount=FILE` needs FILE on a private mount
		sysOk('mount', ['--bind', NS_DIR, NS_DIR]);
		sysOk('mount', ['--make-private', NS_DIR]);
		for (const d of PRIVATE_DIRS) {
			if (!existsSync(d)) {
				mkdirSync(d, {recursive: true});
				state.createdDirs.push(d);
			}
		}
		writeState(state);
		mkdirSync(join(ROOT, 'client'), {recursive: true, mode: 0o700});
		await cmdOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rmq-tui-testbed-client', '-f', state.clientKey]);
		const clientPub = readFileSync(state.clientPublicKey, 'utf8');
		// the bridge (and a FORWARD exception: with br_netfilter, bridged traffic crosses the root FORWARD chain)
		sys('ip', ['link', 'del', BRIDGE]);
		sysOk('ip', ['link', 'add', BRIDGE, 'address', bridgeMac, 'type', 'bridge']);
		sysOk('ip', ['addr', 'add', `${GATEWAY}/24`, 'dev', BRIDGE]);
		sysOk('ip', ['link', 'set', BRIDGE, 'up']);
		if (sys('iptables', ['-w', '-C', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']).code !== 0) {
			sysOk('iptables', ['-w', '-I', 'FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']);
		}
		state.forwardRule = true;
		const hosts: TestbedHost[] = Array.from({length: n}, (_, i) => {
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
		state.hosts = hosts;
		writeState(state);
		const usersPerHost = await Promise.all(hosts.map(h => seedHost(h, hosts, clientPub)));
		state.users = usersPerHost[0]!;
		writeState(state);
		log(`seeded ${n} hosts after ${Date.now() - t0} ms`);
		await Promise.all(hosts.map(h => bootHost(h, hosts)));
		await Promise.all(hosts.map(h => setPasswords(h, state.users)));
		writeFileSync(state.knownHostsFile, hosts.map(h => `${h.ip} ${h.hostKey}\n`).join(''));
		writeState(state);
		await Promise.all(hosts.map(h => waitHost(h, opts.startTimeoutMs ?? 90_000)));
		timings.hostsMs = Date.now() - t1;
		log(`sshd + dockerd up on ${n} hosts after ${Date.now() - t0} ms`);
		const bed = makeTestbed(state, timings, {persistent, ownLock, done});
		if (images) {
			const t2 = Date.now();
			await bed.loadImages();
			timings.imagesMs = Date.now() - t2;
			(bed as {images: TestImages | undefined}).images = await images;
			log(`images loaded after ${Date.now() - t0} ms`);
		}
		timings.upMs = Date.now() - t0;
		return bed;
	} catch (e) {
		reapAllSync();
		bedActive = false;
		if (ownLock) releaseLock();
		done();
		throw e;
	}
}

let localQueue: Promise<void> = Promise.resolve();

/** The testbed that is up (started by `cli.ts up` or another process), without owning it. */
export function attachTestbed(): Testbed {
	const state = readJson<State>(STATE);
	if (state === undefined || state.hosts.length === 0) throw new Error(`no testbed is up (no ${STATE})`);
	return makeTestbed(state, {upMs: 0, lockWaitMs: 0, reapMs: 0, hostsMs: 0, imagesMs: 0}, {persistent: true, ownLock: false, attached: true});
}

interface Ownership {
	persistent: boolean;
	/** This bed took the lock itself (release it on stop). */
	ownLock: boolean;
	/** Made by attachTestbed() (the CLI): stop() is `down`. */
	attached?: boolean;
	/** Lets the next startTestbed() of this process go. */
	done?: () => void;
}

function makeTestbed(state: State, timings: TestbedTimings, own: Ownership): Testbed {
	const byName = new Map(state.hosts.map(h => [h.name, h]));
	const host = (ref: HostRef): TestbedHost => {
		if (typeof ref === 'object') {
			const h = byName.get(ref.name);
			if (h) return h;
		} else if (typeof ref === 'number') {
			const h = state.hosts[ref - 1];
			if (h) return h;
		} else {
			const h = byName.get(ref) ?? state.hosts.find(x => x.ip === ref) ?? (/^\d+$/.test(ref) ? state.hosts[Number(ref) - 1] : undefined);
			if (h) return h;
		}
		throw new Error(`no testbed host ${typeof ref === 'object' ? ref.name : String(ref)} (hosts: ${state.hosts.map(h => h.name).join(', ')})`);
	};
	const isDown = (h: TestbedHost) => state.down.includes(h.name);
	const assertUp = (h: TestbedHost, what: string) => {
		if (isDown(h)) throw new Error(`${what}: host ${h.name} is stopped (hostStart it first)`);
	};
	const save = () => {
		if (!stopped) writeState(state);
	};
	let stopped = false;
	let stopping: Promise<void> | undefined;
	const clientConfig = join(ROOT, 'client', 'docker-config');
	mkdirSync(clientConfig, {recursive: true});
	if (!existsSync(join(clientConfig, 'config.json'))) writeFileSync(join(clientConfig, 'config.json'), '{}');
	const dockerEnv = (h: TestbedHost): NodeJS.ProcessEnv => {
		const env: NodeJS.ProcessEnv = {...process.env, DOCKER_HOST: `unix://${h.dockerSocket}`, DOCKER_CONFIG: clientConfig};
		delete env.DOCKER_CONTEXT;
		delete env.DOCKER_TLS_VERIFY;
		delete env.DOCKER_CERT_PATH;
		return env;
	};

	const bed: Testbed & {images: TestImages | undefined} = {
		hosts: state.hosts,
		clientKey: state.clientKey,
		clientPublicKey: state.clientPublicKey,
		knownHostsFile: state.knownHostsFile,
		users: state.users,
		password: state.password,
		timings,
		images: undefined,
		host,
		knownHostsLine: ref => {
			const h = host(ref);
			return `${h.ip} ${h.hostKey}`;
		},
		path(ref, p) {
			const h = host(ref);
			if (!p.startsWith('/')) throw new Error(`path(${h.name}, ${p}): not absolute`);
			let norm = p.replace(/\/+$/, '') || '/';
			if (norm === '/var/run' || norm.startsWith('/var/run/')) norm = norm.replace('/var/run', '/run'); // the symlink
			const dir = PRIVATE_DIRS.find(d => norm === d || norm.startsWith(`${d}/`));
			if (dir === undefined) throw new Error(`${p} is not under a private directory of the host (${PRIVATE_DIRS.join(' ')})`);
			return join(h.fsRoot, norm);
		},
		async exec(ref, argv, opts = {}) {
			const h = host(ref);
			assertUp(h, 'exec');
			const {cmd, args} = hostArgv(h, argv, opts);
			return run(cmd, args, {input: opts.input, stdinFile: opts.stdinFile, timeoutMs: opts.timeoutMs ?? 120_000, envAll: hostEnv(h, opts.env)});
		},
		async execOk(ref, argv, opts = {}) {
			const r = await bed.exec(ref, argv, opts);
			if (r.code !== 0) throw new Error(`${host(ref).name}: ${argv.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
			return r.stdout.trim();
		},
		spawn(ref, argv, opts = {}) {
			const h = host(ref);
			assertUp(h, 'spawn');
			const {cmd, args} = hostArgv(h, argv, opts);
			return spawn(cmd, args, {stdio: opts.stdio ?? 'pipe', env: hostEnv(h, opts.env)});
		},
		docker(ref, args, opts = {}) {
			const h = host(ref);
			return run(dockerCli(), [...args], {input: opts.input, stdinFile: opts.stdinFile, timeoutMs: opts.timeoutMs ?? 120_000, envAll: {...dockerEnv(h), ...opts.env}});
		},
		async dockerOk(ref, args, opts = {}) {
			const r = await bed.docker(ref, args, opts);
			if (r.code !== 0) throw new Error(`${host(ref).name}: docker ${args.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
			return r.stdout.trim();
		},
		async ssh(ref, command, opts = {}) {
			const h = host(ref);
			const sec = opts.timeoutSec ?? 5;
			return run(
				'ssh',
				[
					'-F', '/dev/null',
					'-i', state.clientKey,
					'-o', 'IdentitiesOnly=yes',
					'-o', `UserKnownHostsFile=${state.knownHostsFile}`,
					'-o', 'StrictHostKeyChecking=yes',
					'-o', 'BatchMode=yes',
					'-o', `ConnectTimeout=${sec}`,
					'-o', 'LogLevel=ERROR',
					`${opts.user ?? 'root'}@${h.ip}`,
					command,
				],
				{input: opts.input, timeoutMs: sec * 1000 + 60_000, envAll: {PATH: process.env.PATH ?? SYS_PATH, HOME: process.env.HOME ?? '/root'}},
			);
		},
		async loadImages(refs) {
			const imgs = await testImages();
			const targets = (refs ?? state.hosts).map(host);
			await Promise.all(
				targets.map(async h => {
					const have = await bed.docker(h, ['image', 'inspect', '-f', '{{index .Config.Labels "io.rmq-tui.testbed-image"}}', ...imgs.images.map(i => i.tag)]);
					if (have.code === 0 && have.stdout.trim().split('\n').every(l => l === imgs.key)) return;
					await bed.dockerOk(h, ['load', '-q', '-i', imgs.archive], {timeoutMs: 300_000});
				}),
			);
			return imgs;
		},
		async cut(ref) {
			const h = host(ref);
			assertUp(h, 'cut');
			sysOk('ip', ['link', 'set', h.netns, 'down']);
			if (!state.cut.includes(h.name)) state.cut.push(h.name);
			save();
		},
		async heal(ref) {
			const h = host(ref);
			assertUp(h, 'heal');
			sysOk('ip', ['link', 'set', h.netns, 'up']);
			state.cut = state.cut.filter(x => x !== h.name);
			save();
		},
		async partition(a, b) {
			const ha = host(a);
			const hb = host(b);
			assertUp(ha, 'partition');
			for (const rule of [['PREROUTING', '-s'], ['OUTPUT', '-d']] as const) {
				if (sys('nsenter', [`--net=/run/netns/${ha.netns}`, 'iptables', '-w', '-t', 'raw', '-C', rule[0], rule[1], hb.ip, '-j', 'DROP']).code !== 0) {
					sysOk('nsenter', [`--net=/run/netns/${ha.netns}`, 'iptables', '-w', '-t', 'raw', '-I', rule[0], rule[1], hb.ip, '-j', 'DROP']);
				}
			}
		},
		async unpartition(a, b) {
			const ha = host(a);
			const hb = host(b);
			if (isDown(ha)) return;
			for (const rule of [['PREROUTING', '-s'], ['OUTPUT', '-d']] as const) {
				while (sys('nsenter', [`--net=/run/netns/${ha.netns}`, 'iptables', '-w', '-t', 'raw', '-D', rule[0], rule[1], hb.ip, '-j', 'DROP']).code === 0) {}
			}
		},
		async freeze(ref) {
			const h = host(ref);
			assertUp(h, 'freeze');
			setFrozen(h.cgroup, true);
			const end = Date.now() + 10_000;
			while (!CG_V2 && readFileSync(freezerFile(h.cgroup)!, 'utf8').trim() !== 'FROZEN') {
				if (Date.now() > end) throw new Error(`${h.name}: the freezer did not reach FROZEN`);
				await tick(20);
			}
		},
		async thaw(ref) {
			const h = host(ref);
			if (isDown(h)) return;
			setFrozen(h.cgroup, false);
		},
		async hostStop(ref, opts = {}) {
			const h = host(ref);
			if (isDown(h)) return;
			if (isFrozen(h.cgroup)) setFrozen(h.cgroup, false);
			if (opts.graceful) {
				await stopDockerd(h, 60_000);
				const sshd = readPid(join(h.fsRoot, 'run/sshd.pid'));
				if (sshd !== undefined) kill(sshd, 'SIGTERM');
			}
			await haltHost(h);
			state.down.push(h.name);
			state.cut = state.cut.filter(x => x !== h.name);
			save();
		},
		async hostStart(ref) {
			const h = host(ref);
			if (!isDown(h)) return;
			// a boot: /run is a fresh tmpfs on a real machine
			const run_ = join(h.fsRoot, 'run');
			for (const e of readdirSync(run_)) rmSync(join(run_, e), {recursive: true, force: true});
			await bootHost(h, state.hosts);
			state.down = state.down.filter(x => x !== h.name);
			save();
			await waitHost(h, 90_000);
		},
		async dockerStop(ref) {
			const h = host(ref);
			assertUp(h, 'dockerStop');
			await stopDockerd(h, 60_000);
		},
		async dockerStart(ref) {
			const h = host(ref);
			assertUp(h, 'dockerStart');
			if (await dockerPing(h.dockerSocket)) return;
			startDockerd(h);
			const end = Date.now() + 90_000;
			while (!(await dockerPing(h.dockerSocket))) {
				if (Date.now() > end) throw new Error(`${h.name}: dockerd did not come back\n${tail(join(h.fsRoot, 'var/log/dockerd.log'))}`);
				await tick(100);
			}
		},
		async rotateHostKey(ref) {
			const h = host(ref);
			assertUp(h, 'rotateHostKey');
			const key = join(h.fsRoot, 'etc/ssh/ssh_host_ed25519_key');
			rmSync(key, {force: true});
			rmSync(`${key}.pub`, {force: true});
			await cmdOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', key]);
			h.hostKey = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
			writeFileSync(state.knownHostsFile, state.hosts.map(x => `${x.ip} ${x.hostKey}\n`).join(''));
			save();
			// sshd re-executes itself on SIGHUP and reads the new key; wait until it listens again
			const pid = readPid(join(h.fsRoot, 'run/sshd.pid'));
			if (pid !== undefined) kill(pid, 'SIGHUP');
			await tick(100);
			const end = Date.now() + 10_000;
			while ((await sshBanner(h.ip, 1_000)) === undefined) {
				if (Date.now() > end) throw new Error(`${h.name}: sshd did not come back after SIGHUP`);
				await tick(50);
			}
			return `${h.ip} ${h.hostKey}`;
		},
		async startRegistry() {
			if (await httpOk(`http://${REGISTRY}/v2/`)) return REGISTRY;
			const bin = which('docker-registry');
			if (bin === undefined) throw new Error('docker-registry missing (apt-get install docker-registry)');
			const dir = join(ROOT, 'registry');
			mkdirSync(join(dir, 'data'), {recursive: true});
			writeFileSync(
				join(dir, 'config.yml'),
				`version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${REGISTRY}\n`,
			);
			const procs = cgJoinRoots().map(r => {
				mkdirSync(join(r, REGISTRY_CG), {recursive: true});
				return join(r, REGISTRY_CG, 'cgroup.procs');
			});
			const fd = openSync(join(dir, 'registry.log'), 'a');
			const child = spawn('/bin/sh', ['-c', 'for f in $RMQ_TB_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"', 'sh', bin, 'serve', join(dir, 'config.yml')], {
				detached: true,
				stdio: ['ignore', fd, fd],
				env: {PATH: SYS_PATH, RMQ_TB_PROCS: procs.join(' ')},
			});
			closeSync(fd);
			child.unref();
			child.on('error', () => {});
			const end = Date.now() + 20_000;
			while (!(await httpOk(`http://${REGISTRY}/v2/`))) {
				if (Date.now() > end) throw new Error(`docker-registry did not answer on ${REGISTRY}\n${tail(join(dir, 'registry.log'))}`);
				await tick(50);
			}
			return REGISTRY;
		},
		async stopRegistry() {
			await cgKill(REGISTRY_CG);
			cgRemove(REGISTRY_CG);
		},
		async pushTestImages() {
			await bed.startRegistry();
			const imgs = await testImages();
			await pushToRegistry(REGISTRY, imgs);
			return imgs;
		},
		async status() {
			return Promise.all(
				state.hosts.map(async h => {
					const up = !isDown(h);
					const sshdPid = readPid(join(h.fsRoot, 'run/sshd.pid'));
					const dockerdPid = readPid(join(h.fsRoot, 'run/docker.pid'));
					const ping = up && (await dockerPing(h.dockerSocket));
					let containers: number | undefined;
					if (ping) {
						const r = await bed.docker(h, ['ps', '-q'], {timeoutMs: 10_000}).catch(() => undefined);
						containers = r?.code === 0 ? r.stdout.split('\n').filter(l => l !== '').length : undefined;
					}
					return {
						name: h.name,
						ip: h.ip,
						up,
						sshd: up && sshdPid !== undefined && alive(sshdPid),
						dockerd: up && dockerdPid !== undefined && alive(dockerdPid) && ping,
						frozen: up && isFrozen(h.cgroup),
						cut: state.cut.includes(h.name),
						processes: cgPids(h.cgroup).length,
						memoryBytes: cgMemory(h.cgroup),
						containers,
					};
				}),
			);
		},
		stop() {
			stopping ??= (async () => {
				stopped = true;
				reapAllSync();
				if (own.attached) {
					// `cli.ts down`: the lock of a persistent testbed
					const o = readJson<Owner>(LOCK);
					if (o?.persistent) rmSync(LOCK, {force: true});
					removeBaseIfEmpty();
				} else {
					if (!own.persistent) bedActive = false;
					if (own.ownLock) {
						if (own.persistent) {
							rmSync(LOCK, {force: true});
							removeBaseIfEmpty();
						} else releaseLock();
					}
				}
				own.done?.();
			})();
			return stopping;
		},
	};
	return bed;
}

/** SIGTERM dockerd and wait (it stops its containers first), then make sure containerd and shims are gone too. */
async function stopDockerd(h: TestbedHost, ms: number): Promise<void> {
	const pid = readPid(join(h.fsRoot, 'run/docker.pid'));
	if (pid === undefined || !alive(pid)) return;
	kill(pid, 'SIGTERM');
	const end = Date.now() + ms;
	while (alive(pid) && Date.now() < end) await tick(50);
	if (alive(pid)) kill(pid);
	// containerd (managed by dockerd) exits with it; shims of containers it could not stop die here
	for (const p of cgPids(h.cgroup)) {
		let comm = '';
		try {
			comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
		} catch {}
		if (comm === 'containerd' || comm.startsWith('containerd-shim') || comm === 'docker-proxy') kill(p);
	}
	rmSync(join(h.fsRoot, 'run/docker.pid'), {force: true});
}
