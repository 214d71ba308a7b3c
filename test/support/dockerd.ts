// A PRIVATE Docker daemon for tests: its own containerd, data root, exec root, socket, cgroups and address pool,
// so tests never touch (or depend on) the machine's own /var/lib/docker, /var/run/docker.sock or docker0.
//
//   const d = await startDockerd()
//   t.after(() => d.stop())
//   await d.dockerOk(['run', '--rm', '--network', 'none', 'img', 'true'])
//
// Layout (dir = mkdtemp(os.tmpdir()/rmq-tui-dockerd-)):
//   dir/docker.sock  dir/dockerd.log  dir/daemon.json  dir/key.json  dir/data (data-root)  dir/exec (exec-root)
//   dir/ctd/{config.toml,containerd.sock,root,state,opt}  dir/containerd.log
// Choices, each for a reason:
//   - an explicit containerd (dockerd --containerd=...): dockerd 20.10 would otherwise SHARE any system containerd whose
//     socket exists at /run/containerd/containerd.sock.
//   - --bridge=none: no docker0, so two private daemons (node --test runs two files at once) never fight over it.
//     `docker run` without --network gets only a loopback; user networks (e.g. bridge_network) work normally.
//   - --iptables=false: a dockerd starting in the same network namespace REMOVES and recreates the DOCKER chains,
//     breaking the other daemon's rules. Published ports still work through docker-proxy (userland proxy), from
//     the host and between containers; verified on Debian 12 / docker.io 20.10.
//   - --ip-forward=false, --ip-masq=false: no global sysctl or NAT changes (nothing leaves the machine anyway).
//   - address pools in 10.213.0.0/16: 16 slots of a /20 each (16 networks of /24), one slot per running daemon,
//     claimed through a lock file; slots overlapping an address already on the machine are skipped.
//   - cgroups: daemons in <cg>/<tag>/daemons, containers under --cgroup-parent=/<tag>/ctr (cgroupfs driver, no
//     systemd), so stop() can find and kill EVERY process it caused (shims, docker-proxy, containers), even after a crash.
//   - "deprecated-key-path": keeps dockerd from creating /etc/docker/key.json.
// A crashed test process is covered by a synchronous cleanup on 'exit' (and on SIGINT/SIGTERM/SIGHUP), and stale
// slots of dead processes are reaped by the next startDockerd().
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {
	closeSync,
	createReadStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	rmdirSync,
	statSync,
	unlinkSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import {createConnection} from 'node:net';
import {networkInterfaces, tmpdir} from 'node:os';
import {join} from 'node:path';
import {which} from './need.ts';

export interface DockerResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface DockerRunOptions {
	/** Bytes written to the command's stdin. */
	input?: string | Buffer;
	/** A file streamed to the command's stdin (e.g. a tarball for `docker import -`). */
	stdinFile?: string;
	/** Kill the command after this long and reject (default 120 s). */
	timeoutMs?: number;
	/** Extra environment (merged over the daemon's env). */
	env?: Record<string, string>;
}

export interface Dockerd {
	/** Temp directory holding everything of this daemon (removed by stop()). */
	readonly dir: string;
	/** Path of the daemon's unix socket. */
	readonly socket: string;
	/** `unix://<socket>` */
	readonly host: string;
	/** process.env + DOCKER_HOST pointing at this daemon (for docker, docker-compose, dockerode...). */
	readonly env: NodeJS.ProcessEnv;
	/** The address pool user networks get their subnets from, e.g. 10.213.16.0/20. */
	readonly pool: string;
	readonly pid: number;
	/** Runs the docker client against this daemon; resolves with the exit code (never rejects on a non-zero one). */
	docker(args: string[], opts?: DockerRunOptions): Promise<DockerResult>;
	/** Like docker() but rejects (with stderr) on a non-zero exit code; resolves with trimmed stdout. */
	dockerOk(args: string[], opts?: DockerRunOptions): Promise<string>;
	/** Last lines of the dockerd and containerd logs. */
	logTail(lines?: number): string;
	/** Removes every container and network, stops dockerd and containerd, kills leftovers, unmounts, deletes dir. */
	stop(): Promise<void>;
}

export interface DockerdOptions {
	/** Deadline for the daemon to answer `docker version` (default 60 s). */
	startTimeoutMs?: number;
	/** Storage driver (default: dockerd's choice, overlay2 here). */
	storageDriver?: string;
	/** Extra dockerd flags. */
	extraArgs?: string[];
}

const SLOTS = 16;
const POOL_PREFIX = '10.213';
const SLOT_DIR = join(tmpdir(), 'rmq-tui-dockerd-slots');
const SYS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The docker CLI to use: Debian's /usr/bin/docker (same version as the daemon) when present, else PATH's. */
export function dockerCli(): string {
	if (existsSync('/usr/bin/docker')) return '/usr/bin/docker';
	const p = which('docker');
	if (p === undefined) throw new Error('docker client not found (apt-get install docker.io)');
	return p;
}

// ------------------------------------------------------------------ processes

/** Run a command, capture output; resolves with the exit code (signal → 128+n). */
export function run(
	cmd: string,
	args: string[],
	opts: DockerRunOptions & {envAll?: NodeJS.ProcessEnv} = {},
): Promise<DockerResult> {
	const timeoutMs = opts.timeoutMs ?? 120_000;
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			env: {...(opts.envAll ?? process.env), ...opts.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (b: Buffer) => out.push(b));
		child.stderr.on('data', (b: Buffer) => err.push(b));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${Buffer.concat(err).toString()}`));
		}, timeoutMs);
		child.on('error', e => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				code: code ?? 128 + (signal ? (signalNumber[signal] ?? 0) : 0),
				stdout: Buffer.concat(out).toString(),
				stderr: Buffer.concat(err).toString(),
			});
		});
		child.stdin.on('error', () => {}); // EPIPE when the command exits early: its exit code tells
		if (opts.stdinFile !== undefined) {
			const src = createReadStream(opts.stdinFile);
			src.on('error', e => {
				child.kill('SIGKILL');
				reject(e);
			});
			src.pipe(child.stdin);
		} else {
			child.stdin.end(opts.input ?? '');
		}
	});
}

const signalNumber: Record<string, number> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Start time of a process (field 22 of /proc/PID/stat), to tell a live owner from a reused pid. */
function procStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

const deadline = (ms: number) => {
	const end = Date.now() + ms;
	return () => Date.now() > end;
};
const tick = (ms = 50) => new Promise<void>(r => setTimeout(r, ms));

function tail(file: string, lines: number): string {
	try {
		return readFileSync(file, 'utf8')
			.split('\n')
			.slice(-lines - 1)
			.join('\n');
	} catch {
		return '(no log)';
	}
}

// ------------------------------------------------------------------ cgroups

/** Root of the hierarchy used to track processes: cgroup v1 "pids", or the v2 unified tree. */
function trackingHierarchy(): string | undefined {
	if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return '/sys/fs/cgroup';
	if (existsSync('/sys/fs/cgroup/pids/cgroup.procs')) return '/sys/fs/cgroup/pids';
	return undefined;
}

/** Every pid in the cgroup subtree <hierarchy>/<tag>. */
function cgroupPids(tag: string): number[] {
	const h = trackingHierarchy();
	if (h === undefined || !tag.startsWith('rmq-tui-test-')) return []; // never walk anything but our own subtree
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
	walk(join(h, tag));
	pids.delete(process.pid);
	return [...pids];
}

/** rmdir <every hierarchy>/<tag> depth-first (dockerd creates the container cgroups in all of them). */
function removeCgroups(tag: string): void {
	if (!tag.startsWith('rmq-tui-test-')) return;
	const roots = existsSync('/sys/fs/cgroup/cgroup.controllers')
		? ['/sys/fs/cgroup']
		: (() => {
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
	for (const r of roots) rm(join(r, tag));
}

// ------------------------------------------------------------------ mounts, bridges

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
		.filter(m => m === dir || m.startsWith(dir + '/'))
		.sort((a, b) => b.length - a.length);
}

function unmountUnder(dir: string): void {
	for (let round = 0; round < 5; round++) {
		const ms = mountsUnder(dir);
		if (ms.length === 0) return;
		for (const m of ms) {
			if (spawnSync('umount', [m], {stdio: 'ignore'}).status !== 0) spawnSync('umount', ['-l', m], {stdio: 'ignore'});
		}
	}
}

/**
 * containerd shims listen on /run/containerd/s/<sha256>; a SIGKILLed shim leaves its socket file behind. Remove the
 * socket files no live process is bound to (absent from /proc/net/unix): harmless for any other containerd.
 */
function removeDeadShimSockets(): void {
	const dir = '/run/containerd/s';
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch {
		return;
	}
	let bound: Set<string>;
	try {
		bound = new Set(
			readFileSync('/proc/net/unix', 'utf8')
				.split('\n')
				.map(l => l.trim().split(/\s+/)[7])
				.filter((p): p is string => p !== undefined && p.startsWith(dir)),
		);
	} catch {
		return;
	}
	for (const n of names) {
		const p = join(dir, n);
		if (bound.has(p)) continue;
		try {
			if (statSync(p).isSocket()) unlinkSync(p);
		} catch {}
	}
}

function ipv4ToInt(ip: string): number {
	return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
	const [base, bits] = cidr.split('/') as [string, string];
	const size = 2 ** (32 - Number(bits));
	const b = ipv4ToInt(base);
	const x = ipv4ToInt(ip);
	return x >= b && x < b + size;
}

/** Names of interfaces holding an IPv4 address inside cidr. */
function interfacesIn(cidr: string): string[] {
	const out: string[] = [];
	for (const [name, addrs] of Object.entries(networkInterfaces())) {
		if ((addrs ?? []).some(a => a.family === 'IPv4' && inCidr(a.address, cidr))) out.push(name);
	}
	return out;
}

function slotPool(slot: number): string {
	return `${POOL_PREFIX}.${slot * 16}.0/20`;
}

// ------------------------------------------------------------------ slots (lock files)

interface SlotRecord {
	pid: number;
	start: string | undefined;
	dir: string;
	tag: string;
	pool: string;
	daemonPids: number[];
	/** Global directories that did not exist before this daemon started (removed when empty). */
	globalDirs: string[];
}

function slotFile(slot: number): string {
	return join(SLOT_DIR, `slot-${slot}.json`);
}

function readSlot(slot: number): SlotRecord | undefined {
	try {
		return JSON.parse(readFileSync(slotFile(slot), 'utf8')) as SlotRecord;
	} catch {
		return undefined;
	}
}

function ownerAlive(r: SlotRecord): boolean {
	return alive(r.pid) && (r.start === undefined || procStart(r.pid) === r.start);
}

/** Synchronous, forceful cleanup of everything a daemon record names. Used on exit and for stale slots. */
function reapSync(r: SlotRecord): void {
	for (const p of r.daemonPids) {
		try {
			process.kill(p, 'SIGKILL');
		} catch {}
	}
	for (let i = 0; i < 20; i++) {
		const pids = cgroupPids(r.tag);
		if (pids.length === 0) break;
		for (const p of pids) {
			try {
				process.kill(p, 'SIGKILL');
			} catch {}
		}
		spawnSync('sleep', ['0.1']);
	}
	for (const ifname of interfacesIn(r.pool)) {
		if (ifname.startsWith('br-')) spawnSync('ip', ['link', 'del', ifname], {stdio: 'ignore'});
	}
	if (r.dir !== '') {
		unmountUnder(r.dir);
		try {
			rmSync(r.dir, {recursive: true, force: true, maxRetries: 3});
		} catch {}
	}
	removeCgroups(r.tag);
	removeDeadShimSockets();
	for (const p of r.globalDirs ?? []) {
		try {
			rmdirSync(p); // only when empty: another daemon's files are never touched
		} catch {}
	}
}

function claimSlot(make: (slot: number) => SlotRecord): {slot: number; record: SlotRecord} {
	mkdirSync(SLOT_DIR, {recursive: true});
	for (let slot = 0; slot < SLOTS; slot++) {
		for (let attempt = 0; attempt < 2; attempt++) {
			const existing = readSlot(slot);
			if (existing !== undefined) {
				if (ownerAlive(existing)) break;
				reapSync(existing); // a crashed earlier run: clean up after it, then take the slot
				try {
					unlinkSync(slotFile(slot));
				} catch {}
			}
			const pool = slotPool(slot);
			if (interfacesIn(pool).some(i => !i.startsWith('br-'))) break; // someone else's addresses: avoid
			const record = make(slot);
			let fd: number;
			try {
				fd = openSync(slotFile(slot), 'wx');
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // raced with another process
				throw e;
			}
			writeSync(fd, JSON.stringify(record));
			closeSync(fd);
			return {slot, record};
		}
	}
	throw new Error(`no free private-dockerd slot (all ${SLOTS} in ${SLOT_DIR} are held by live processes)`);
}

function writeSlot(slot: number, r: SlotRecord): void {
	writeFileSync(slotFile(slot), JSON.stringify(r));
}

/**
 * Cleans up after private daemons whose owning process is gone (a test process that was SIGKILLed): kills their
 * processes, unmounts, removes their directories, cgroups and bridges. Returns how many were reaped.
 * .ci/run calls it on exit; startDockerd() does the same for any slot it wants to reuse.
 */
export function reapStaleDockerds(): number {
	let n = 0;
	for (let slot = 0; slot < SLOTS; slot++) {
		const r = readSlot(slot);
		if (r === undefined || ownerAlive(r)) continue;
		reapSync(r);
		try {
			unlinkSync(slotFile(slot));
		} catch {}
		n++;
	}
	return n;
}

// ------------------------------------------------------------------ emergency cleanup

const active = new Map<number, SlotRecord>(); // slot -> record, daemons not yet stopped
let handlersInstalled = false;

function emergencyCleanup(): void {
	for (const [slot, r] of active) {
		reapSync(r);
		try {
			unlinkSync(slotFile(slot));
		} catch {}
	}
	active.clear();
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

// ------------------------------------------------------------------ start / stop

function spawnDaemon(cmd: string, args: string[], logFile: string, procsFile: string | undefined): ChildProcess {
	const fd = openSync(logFile, 'a');
	// join the tracking cgroup BEFORE exec, so every descendant (shims, docker-proxy, ...) is tracked too
	const child = spawn(
		'/bin/sh',
		['-c', 'if [ -n "$0" ]; then echo $$ > "$0" || exit 97; fi; exec "$@"', procsFile ?? '', cmd, ...args],
		{detached: true, stdio: ['ignore', fd, fd], env: {...process.env, PATH: `${process.env.PATH ?? ''}:${SYS_PATH}`}},
	);
	closeSync(fd);
	child.unref();
	return child;
}

function exited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
	const over = deadline(ms);
	while (!exited(child) && alive(child.pid!)) {
		if (over()) return false;
		await tick(50);
	}
	return true;
}

function socketAnswers(path: string): Promise<boolean> {
	return new Promise(resolve => {
		const s = createConnection(path);
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<Dockerd> {
	if (process.getuid?.() !== 0) throw new Error('startDockerd needs root');
	const dockerd = which('dockerd');
	const containerd = which('containerd');
	if (dockerd === undefined || containerd === undefined)
		throw new Error('dockerd/containerd not found (apt-get install docker.io)');
	const cli = dockerCli();
	installHandlers();

	const {slot, record} = claimSlot(s => ({
		pid: process.pid,
		start: procStart(process.pid),
		dir: '',
		tag: `rmq-tui-test-s${s}-${process.pid}`,
		pool: slotPool(s),
		daemonPids: [],
		// dockerd always creates /run/docker/plugins, containerd's shims /run/containerd/s: remove them at the end
		// when they did not exist before (and are empty then)
		globalDirs: ['/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'].filter(
			p => !existsSync(p),
		),
	}));
	active.set(slot, record);
	// unix socket paths are limited to 108 bytes: keep the directory short
	const dir = mkdtempSync(join(tmpdir().length > 40 ? '/tmp' : tmpdir(), 'rmq-tui-dockerd-'));
	record.dir = dir;
	writeSlot(slot, record);
	const {tag, pool} = record;
	const socket = join(dir, 'docker.sock');
	const host = `unix://${socket}`;
	const ctd = join(dir, 'ctd');
	mkdirSync(ctd, {recursive: true});

	const hierarchy = trackingHierarchy();
	let procsFile: string | undefined;
	if (hierarchy !== undefined) {
		try {
			mkdirSync(join(hierarchy, tag, 'daemons'), {recursive: true});
			procsFile = join(hierarchy, tag, 'daemons', 'cgroup.procs');
		} catch {
			procsFile = undefined;
		}
	}

	writeFileSync(
		join(ctd, 'config.toml'),
		[
			'version = 2',
			`root = "${ctd}/root"`,
			`state = "${ctd}/state"`,
			'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
			'[grpc]',
			`  address = "${ctd}/containerd.sock"`,
			'[ttrpc]',
			`  address = "${ctd}/containerd.sock.ttrpc"`,
			'[plugins."io.containerd.internal.v1.opt"]',
			`  path = "${ctd}/opt"`,
			'',
		].join('\n'),
	);
	writeFileSync(
		join(dir, 'daemon.json'),
		JSON.stringify(
			{'deprecated-key-path': join(dir, 'key.json'), 'exec-opts': ['native.cgroupdriver=cgroupfs']},
			null,
			2,
		),
	);

	const ctdLog = join(dir, 'containerd.log');
	const dLog = join(dir, 'dockerd.log');
	const logTail = (lines = 30) =>
		`--- dockerd.log (last ${lines} lines) ---\n${tail(dLog, lines)}\n--- containerd.log (last ${lines} lines) ---\n${tail(ctdLog, lines)}`;

	const children: ChildProcess[] = [];
	const fail = async (msg: string): Promise<never> => {
		const logs = logTail();
		for (const c of children) {
			try {
				process.kill(c.pid!, 'SIGKILL');
			} catch {}
		}
		reapSync(record);
		active.delete(slot);
		try {
			unlinkSync(slotFile(slot));
		} catch {}
		throw new Error(`${msg}\n${logs}`);
	};

	const startTimeout = opts.startTimeoutMs ?? 60_000;
	const cChild = spawnDaemon(containerd, ['--config', join(ctd, 'config.toml')], ctdLog, procsFile);
	children.push(cChild);
	record.daemonPids.push(cChild.pid!);
	writeSlot(slot, record);
	{
		const over = deadline(startTimeout);
		while (!(existsSync(join(ctd, 'containerd.sock')) && (await socketAnswers(join(ctd, 'containerd.sock'))))) {
			if (exited(cChild)) return fail(`containerd exited early (code ${cChild.exitCode}, signal ${cChild.signalCode})`);
			if (over()) return fail(`containerd did not answer on ${ctd}/containerd.sock within ${startTimeout} ms`);
			await tick();
		}
	}

	const dArgs = [
		'--config-file',
		join(dir, 'daemon.json'),
		'--containerd',
		join(ctd, 'containerd.sock'),
		'--data-root',
		join(dir, 'data'),
		'--exec-root',
		join(dir, 'exec'),
		'--pidfile',
		join(dir, 'docker.pid'),
		'--host',
		host,
		'--bridge',
		'none',
		'--iptables=false',
		'--ip-forward=false',
		'--ip-masq=false',
		'--default-address-pool',
		`base=${pool},size=24`,
		'--cgroup-parent',
		`/${tag}/ctr`,
		...(opts.storageDriver ? ['--storage-driver', opts.storageDriver] : []),
		...(opts.extraArgs ?? []),
	];
	const dChild = spawnDaemon(dockerd, dArgs, dLog, procsFile);
	children.push(dChild);
	record.daemonPids.push(dChild.pid!);
	writeSlot(slot, record);

	const env: NodeJS.ProcessEnv = {...process.env, DOCKER_HOST: host};
	delete env.DOCKER_CONTEXT;
	delete env.DOCKER_TLS_VERIFY;
	delete env.DOCKER_CERT_PATH;
	// a private client config dir: no credential helpers, contexts or settings of the machine's user
	const configDir = join(dir, 'client-config');
	mkdirSync(configDir);
	writeFileSync(join(configDir, 'config.json'), '{}');
	env.DOCKER_CONFIG = configDir;

	const docker = (args: string[], o: DockerRunOptions = {}) => run(cli, ['-H', host, ...args], {...o, envAll: env});
	{
		const over = deadline(startTimeout);
		for (;;) {
			if (exited(dChild)) return fail(`dockerd exited early (code ${dChild.exitCode}, signal ${dChild.signalCode})`);
			if (exited(cChild)) return fail(`containerd exited (code ${cChild.exitCode}, signal ${cChild.signalCode})`);
			if (existsSync(socket)) {
				const r = await docker(['version', '--format', '{{.Server.Version}}'], {timeoutMs: 10_000}).catch(
					() => undefined,
				);
				if (r !== undefined && r.code === 0) break;
			}
			if (over()) return fail(`dockerd did not answer on ${socket} within ${startTimeout} ms`);
			await tick(100);
		}
	}

	let stopping: Promise<void> | undefined;
	const stop = (): Promise<void> => {
		stopping ??= (async () => {
			if (!exited(dChild) && alive(dChild.pid!)) {
				// containers and networks first, through the API (this removes their bridges and mounts cleanly)
				const ids = await docker(['ps', '-aq'], {timeoutMs: 20_000}).catch(() => undefined);
				const list = ids?.stdout.split('\n').filter(l => l !== '') ?? [];
				if (list.length > 0) await docker(['rm', '-f', '-v', ...list], {timeoutMs: 60_000}).catch(() => undefined);
				await docker(['network', 'prune', '-f'], {timeoutMs: 20_000}).catch(() => undefined);
			}
			for (const [child, ms] of [
				[dChild, 20_000],
				[cChild, 10_000],
			] as const) {
				if (exited(child) || !alive(child.pid!)) continue;
				try {
					process.kill(child.pid!, 'SIGTERM');
				} catch {}
				if (!(await waitExit(child, ms))) {
					try {
						process.kill(child.pid!, 'SIGKILL');
					} catch {}
					await waitExit(child, 5_000);
				}
			}
			// whatever is left in our cgroups (shims of killed daemons, stray container processes)
			const over = deadline(10_000);
			for (let pids = cgroupPids(tag); pids.length > 0 && !over(); pids = cgroupPids(tag)) {
				for (const p of pids) {
					try {
						process.kill(p, 'SIGKILL');
					} catch {}
				}
				await tick(100);
			}
			reapSync(record); // bridges, mounts, dir, cgroup dirs, global dirs (daemons are gone: this is quick)
			active.delete(slot);
			try {
				unlinkSync(slotFile(slot));
			} catch {}
		})();
		return stopping;
	};

	return {
		dir,
		socket,
		host,
		env,
		pool,
		pid: dChild.pid!,
		docker,
		async dockerOk(args, o) {
			const r = await docker(args, o);
			if (r.code !== 0) throw new Error(`docker ${args.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
			return r.stdout.trim();
		},
		logTail,
		stop,
	};
}

/** True when a file or directory exists (small helper for tests). */
export function exists(p: string): boolean {
	try {
		statSync(p);
		return true;
	} catch {
		return false;
	}
}
