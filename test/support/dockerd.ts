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
//     claimed through a lock file (dockerd-slots.ts); slots overlapping an address already on the machine are skipped.
//   - cgroups: daemons in <cg>/<tag>/daemons, containers under --cgroup-parent=/<tag>/ctr (cgroupfs driver, no
//     systemd), so stop() can find and kill EVERY process it caused (shims, docker-proxy, containers), even after a crash.
//   - "deprecated-key-path": keeps dockerd from creating /etc/docker/key.json.
// A crashed test process is covered by a synchronous cleanup on 'exit' (and on SIGINT/SIGTERM/SIGHUP), and stale
// slots of dead processes are reaped by the next startDockerd().
import {type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {killCgroup} from './cgroups.ts';
import {dockerCli, dockerEnv, privateClientConfig} from './docker-client.ts';
import {claimSlot, reapStaleDockerds, releaseSlot, slotPool, TAG_PREFIX, trackingHierarchy, writeSlot} from './dockerd-slots.ts';
import {connects} from './net.ts';
import {alive, deadline, kill, procStart, spawnLogged, SYS_PATH, tailFile, tick} from './processes.ts';
import {run, type RunOptions, type RunResult} from './run.ts';
import {which} from './need.ts';

export {dockerCli, reapStaleDockerds, run};
export type DockerResult = RunResult;
export type DockerRunOptions = RunOptions;

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

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
	const over = deadline(ms);
	while (!exited(child) && alive(child.pid!)) {
		if (over()) return false;
		await tick(50);
	}
	return true;
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<Dockerd> {
	if (process.getuid?.() !== 0) throw new Error('startDockerd needs root');
	const dockerd = which('dockerd');
	const containerd = which('containerd');
	if (dockerd === undefined || containerd === undefined)
		throw new Error('dockerd/containerd not found (apt-get install docker.io)');
	const cli = dockerCli();

	const {slot, record} = claimSlot(s => ({
		pid: process.pid,
		start: procStart(process.pid),
		dir: '',
		tag: `${TAG_PREFIX}s${s}-${process.pid}`,
		pool: slotPool(s),
		daemonPids: [],
		// dockerd always creates /run/docker/plugins, containerd's shims /run/containerd/s: remove them at the end
		// when they did not exist before (and are empty then)
		globalDirs: ['/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'].filter(
			p => !existsSync(p),
		),
	}));
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
	const procs: string[] = [];
	if (hierarchy !== undefined) {
		try {
			mkdirSync(join(hierarchy, tag, 'daemons'), {recursive: true});
			procs.push(join(hierarchy, tag, 'daemons', 'cgroup.procs'));
		} catch {}
	}
	// join the tracking cgroup BEFORE exec, so every descendant (shims, docker-proxy, ...) is tracked too
	const daemonEnv = {...process.env, PATH: `${process.env.PATH ?? ''}:${SYS_PATH}`};

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
		`--- dockerd.log (last ${lines} lines) ---\n${tailFile(dLog, lines)}\n--- containerd.log (last ${lines} lines) ---\n${tailFile(ctdLog, lines)}`;

	const children: ChildProcess[] = [];
	const fail = async (msg: string): Promise<never> => {
		const logs = logTail();
		kill(children.map(c => c.pid!));
		releaseSlot(slot);
		throw new Error(`${msg}\n${logs}`);
	};

	const startTimeout = opts.startTimeoutMs ?? 60_000;
	const cChild = spawnLogged([containerd, '--config', join(ctd, 'config.toml')], ctdLog, daemonEnv, procs);
	children.push(cChild);
	record.daemonPids.push(cChild.pid!);
	writeSlot(slot, record);
	{
		const over = deadline(startTimeout);
		while (!(existsSync(join(ctd, 'containerd.sock')) && (await connects({path: join(ctd, 'containerd.sock')})))) {
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
	const dChild = spawnLogged([dockerd, ...dArgs], dLog, daemonEnv, procs);
	children.push(dChild);
	record.daemonPids.push(dChild.pid!);
	writeSlot(slot, record);

	// a private client config dir: no credential helpers, contexts or settings of the machine's user
	const env = dockerEnv(socket, privateClientConfig(join(dir, 'client-config')));

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
				kill(child.pid!, 'SIGTERM');
				if (!(await waitExit(child, ms))) {
					kill(child.pid!);
					await waitExit(child, 5_000);
				}
			}
			// whatever is left in our cgroups (shims of killed daemons, stray container processes)
			await killCgroup(tag, TAG_PREFIX, {root: trackingHierarchy(), ms: 10_000, pauseMs: 100});
			releaseSlot(slot); // bridges, mounts, dir, cgroup dirs, global dirs (daemons are gone: this is quick)
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
