/**
 * The simulated `Host`: a machine with a filesystem in memory, a Docker-like container table and, behind each
 * container, a process of the protocol simulator (name server or DLedger broker on real sockets). Deploying to
 * it goes through the same executor as a real host; the probe sees the simulated cluster elect exactly as it would
 * see a real one. Used by the demo and by the executor's tests.
 *
 * As strict as Docker and a shell where it is cheap: writing into a missing dir fails, creating a container whose
 * name exists or whose image is absent fails, a broker whose conf file is missing exits at start, pausing a
 * container that is not running (or unpausing one that is not paused) is a conflict.
 *
 * Live (LiveHost): its container methods emit Docker's events (sim-clock times) and drive the container's process:
 * stop → process.stop (graceful), kill → process.kill (abrupt; SIGTERM is a graceful stop), pause/unpause →
 * pause/resume. followFile streams the process's log files behind the container's logs mount, followContainerLogs
 * the boot banner. cut()/heal() simulate losing the host. (live-sim.ts)
 */
import {createHash} from 'node:crypto';
import {Readable} from 'node:stream';
import {propertiesMap} from '../format/properties.ts';
import type {Clock} from '../sim/clock.ts';
import type {SimCluster} from '../sim/cluster.ts';
import {EXIT_START_FAILED} from '../sim/standalone-conf.ts';
import {
	HostError,
	type ContainerEvent,
	type DirSpec,
	type FactsRequest,
	type ImageProgress,
	type LiveHost,
	type LockHolder,
	type LockResult,
	type LogSink,
	type Unsubscribe,
} from './host.ts';
import {SIGNAL_EXIT} from './live-events.ts';
import {rocketmqLogFile} from './live-paths.ts';
import {bootBanner, cutError, EventHub, followProcessLog, Follows, StdoutLog} from './live-sim.ts';
import type {RegistryAnswer} from './image-supply.ts';
import type {ContainerState, ObservedContainer} from './observed.ts';
import type {HostFacts} from './preflight.ts';
import type {ContainerSpec} from './spec.ts';

interface SimContainer {
	id: string;
	spec: ContainerSpec;
	imageId: string;
	state: ContainerState;
	startedAt: string;
	restartCount: number;
	/** Paused through pauseContainer (its process pauses once it is up). */
	paused: boolean;
	/** What `docker logs` shows. */
	stdout: StdoutLog;
	/** Counts starts, so a boot watch of an earlier life stands down. */
	life: number;
}

export interface SimHostOptions {
	name: string;
	ip: string;
	cluster: SimCluster;
	clock: Clock;
	/** Simulated time each remote operation takes (an SSH round trip and a Docker call). */
	opMs?: number;
	/** Images already on the host (reference → ID). */
	images?: Record<string, string>;
	/** Simulated seconds an image takes to arrive (progress is reported along the way). */
	imageSeconds?: number;
	/** Set: the registry does not answer from this host, with this error (default: it serves every image). */
	registryError?: string;
}

const GIB = 1024 ** 3;
const idFor = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
/** How often a started container looks whether its process is up yet (simulated ms), to print its banner. */
const BOOT_CHECK_MS = 50;
const SIGNALS: Record<string, number> = {HUP: 1, INT: 2, KILL: 9, TERM: 15};

/** `SIGKILL`, `KILL` or `9` → 9; undefined for a name Docker would refuse. */
function signalNumber(signal: string): number | undefined {
	if (/^\d+$/.test(signal)) return Number(signal);
	return SIGNALS[signal.toUpperCase().replace(/^SIG/, '')];
}

export class SimHost implements LiveHost {
	readonly name: string;
	readonly address: string;
	readonly files = new Map<string, string>();
	readonly dirs = new Map<string, {uid: number; gid: number}>([['/', {uid: 0, gid: 0}]]);
	readonly containers = new Map<string, SimContainer>();
	readonly images: Map<string, string>;
	readonly networkNames = new Set<string>(['bridge', 'host', 'none']);
	/** Make the next call of a method fail (tests: a host cut off at a named step). */
	failNext: {method: keyof LiveHost; error: string} | undefined;
	/** Set: the registry does not answer from this host, with this error. */
	registryError: string | undefined;
	private seq = 0;
	private readonly events = new EventHub();
	private readonly follows = new Follows();
	/** Set by cut(): every call fails with it. */
	private unreachable: string | undefined;

	constructor(private readonly options: SimHostOptions) {
		this.name = options.name;
		this.address = `root@${options.ip}:22 (simulated)`;
		this.images = new Map(Object.entries(options.images ?? {}));
		this.registryError = options.registryError;
	}

	private async op(method: keyof LiveHost): Promise<void> {
		const ms = this.options.opMs ?? 0;
		if (ms > 0) await new Promise<void>(resolve => this.options.clock.setTimer(ms, resolve));
		if (this.unreachable !== undefined) throw cutError(this.name, this.unreachable);
		if (this.failNext?.method === method) {
			const {error} = this.failNext;
			this.failNext = undefined;
			throw new HostError(this.name, 'unreachable', error);
		}
	}

	async facts(request: FactsRequest): Promise<HostFacts> {
		await this.op('facts');
		const containers = await this.listContainers();
		const held = new Set(containers.filter(c => c.state === 'running').flatMap(c => c.ports.map(p => p.hostPort)));
		return {
			user: {name: 'root', uid: 0, sudo: 'root'},
			docker: {ok: true, version: '20.10.24', apiVersion: '1.41', rootless: false, userns: false, viaSudo: false},
			// As a current Docker Engine: Compose v2, which deploy then uses (composeUp) as on a real host.
			compose: {kind: 'v2', version: '2.24.6'},
			portsInUse: request.ports.filter(p => held.has(p)).map(port => ({port, holder: 'docker-proxy'})),
			diskFreeBytes: 80 * GIB,
			memTotalBytes: 16 * GIB,
			memAvailableBytes: 12 * GIB,
			imageIds: Object.fromEntries(request.images.filter(i => this.images.has(i)).map(i => [i, this.images.get(i)!])),
			clockOffsetMs: 0,
			addresses: [this.options.ip, '127.0.0.1'],
			selinux: 'disabled',
			containers,
			existingDirs: request.dirs.filter(d => this.dirs.has(d)).map(path => ({path, uid: this.dirs.get(path)!.uid, empty: true})),
			peers: request.peers.map(p => ({...p})),
		};
	}

	async readFile(path: string): Promise<string | undefined> {
		await this.op('readFile');
		return this.files.get(path);
	}

	async writeFile(path: string, content: string, options: {backupTo?: string} = {}): Promise<void> {
		await this.op('writeFile');
		if (!this.dirs.has(dirOf(path))) throw new HostError(this.name, 'command', `cannot write ${path}: ${dirOf(path)} does not exist`);
		if (options.backupTo && this.files.has(path)) this.files.set(options.backupTo, this.files.get(path)!);
		this.files.set(path, content);
	}

	async appendFile(path: string, text: string): Promise<void> {
		await this.op('appendFile');
		if (!this.dirs.has(dirOf(path))) throw new HostError(this.name, 'command', `cannot append to ${path}: ${dirOf(path)} does not exist`);
		this.files.set(path, (this.files.get(path) ?? '') + text);
	}

	async makeDirs(dirs: readonly DirSpec[]): Promise<void> {
		await this.op('makeDirs');
		for (const d of dirs) {
			const parts = d.path.split('/').filter(Boolean);
			for (let i = 1; i <= parts.length; i++) {
				const p = `/${parts.slice(0, i).join('/')}`;
				if (!this.dirs.has(p)) this.dirs.set(p, {uid: 0, gid: 0});
			}
			if (d.uid !== undefined) this.dirs.set(d.path, {uid: d.uid, gid: d.gid ?? d.uid});
		}
	}

	async lock(path: string, holder: LockHolder): Promise<LockResult> {
		await this.op('lock');
		const held = this.files.get(path);
		if (held !== undefined) return {acquired: false, holder: JSON.parse(held) as LockHolder};
		this.files.set(path, JSON.stringify(holder));
		return {acquired: true};
	}

	async unlock(path: string): Promise<void> {
		await this.op('unlock');
		this.files.delete(path);
	}

	async listContainers(): Promise<ObservedContainer[]> {
		await this.op('listContainers');
		return [...this.containers.values()].map(c => this.observed(c));
	}

	private observed(c: SimContainer): ObservedContainer {
		const s = c.spec;
		return {
			id: c.id,
			name: s.name,
			image: s.image,
			imageId: c.imageId,
			command: s.command,
			env: [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...s.env],
			ports: s.ports,
			mounts: s.mounts,
			init: s.init,
			restart: s.restart,
			...(s.stopTimeoutSeconds !== undefined ? {stopTimeoutSeconds: s.stopTimeoutSeconds} : {}),
			labels: s.labels,
			networks: [s.network],
			state: this.stateOf(c),
			startedAt: c.startedAt,
			restartCount: c.restartCount,
		};
	}

	/** A container's state follows its process: a killed process is an exited container. */
	private stateOf(c: SimContainer): ContainerState {
		const p = this.process(c.spec);
		if (c.state !== 'running') return c.state;
		if (p && (p.status === 'stopped' || p.status === 'killed')) return 'exited';
		return c.paused || p?.status === 'paused' ? 'paused' : 'running';
	}

	private process(spec: ContainerSpec) {
		const cluster = this.options.cluster;
		if (spec.role === 'broker') return cluster.broker(`${spec.group}/${spec.selfId}`);
		if (spec.role === 'namesrv') return cluster.namesrv(`namesrv@${this.name}`);
		return undefined;
	}

	async imageId(image: string): Promise<string | undefined> {
		await this.op('imageId');
		return this.images.get(image);
	}

	private async arrive(images: readonly string[], verb: string, progress: (p: ImageProgress) => void): Promise<void> {
		const steps = 10;
		const total = (this.options.imageSeconds ?? 0) * 1000;
		for (let i = 1; i <= steps; i++) {
			if (total > 0) await new Promise<void>(resolve => this.options.clock.setTimer(total / steps, resolve));
			progress({text: `${verb} ${Math.round((i / steps) * 180)} MiB / 180 MiB`, fraction: i / steps});
		}
		for (const image of images) this.images.set(image, idFor(image));
	}

	async loadImageArchive(localPath: string, progress: (p: ImageProgress) => void): Promise<void> {
		await this.op('loadImageArchive');
		await this.arrive(['apacherocketmq/rocketmq:4.7.1-alpine', 'apacherocketmq/rocketmq-console:2.0.0'], `uploading ${localPath}`, progress);
	}

	async exportImage(image: string): Promise<NodeJS.ReadableStream> {
		await this.op('exportImage');
		if (!this.images.has(image)) throw new HostError(this.name, 'docker', `No such image: ${image}`);
		return Readable.from([Buffer.from(JSON.stringify({image, id: this.images.get(image)}))]);
	}

	async loadImageStream(stream: NodeJS.ReadableStream, progress: (p: ImageProgress) => void): Promise<void> {
		await this.op('loadImageStream');
		let text = '';
		for await (const chunk of stream) text += chunk.toString();
		const {image} = JSON.parse(text) as {image: string};
		await this.arrive([image], 'copying', progress);
	}

	async pullImage(image: string, progress: (p: ImageProgress) => void): Promise<void> {
		await this.op('pullImage');
		if (this.registryError !== undefined) throw new HostError(this.name, 'docker', `pulling ${image}: ${this.registryError}`);
		await this.arrive([image], `pulling ${image}`, progress);
	}

	async registryAnswers(_image: string): Promise<RegistryAnswer> {
		await this.op('registryAnswers');
		const error = this.registryError;
		return error === undefined ? {ok: true, detail: 'the registry has it'} : {ok: false, error};
	}

	/** The uploaded build-image.sh is not run (there is no shell): its presence is checked and the image appears. */
	async buildImage(dir: string, args: {version: string; base: string}, progress: (p: ImageProgress) => void): Promise<void> {
		await this.op('buildImage');
		if (!this.files.has(`${dir}/build-image.sh`)) throw new HostError(this.name, 'command', `sh: can't open 'build-image.sh' in ${dir}`);
		const image = `apacherocketmq/rocketmq:${args.version}${args.base === 'alpine' ? '-alpine' : ''}`;
		await this.arrive([image], `build: docker build -t ${image}`, progress);
	}

	async networks(): Promise<string[]> {
		await this.op('networks');
		return [...this.networkNames];
	}

	async ensureNetwork(name: string): Promise<boolean> {
		await this.op('ensureNetwork');
		const created = !this.networkNames.has(name);
		this.networkNames.add(name);
		return created;
	}

	async createContainer(spec: ContainerSpec): Promise<string> {
		await this.op('createContainer');
		if (this.containers.has(spec.name)) throw new HostError(this.name, 'conflict', `Conflict. The container name "/${spec.name}" is already in use`);
		const imageId = this.images.get(spec.image);
		if (!imageId) throw new HostError(this.name, 'docker', `No such image: ${spec.image}`);
		if (!this.networkNames.has(spec.network)) throw new HostError(this.name, 'docker', `network ${spec.network} not found`);
		const id = createHash('sha256').update(`${this.name}/${spec.name}/${++this.seq}`).digest('hex');
		const c: SimContainer = {id, spec, imageId, state: 'created', startedAt: '', restartCount: 0, paused: false, stdout: new StdoutLog(), life: 0};
		this.containers.set(spec.name, c);
		this.emit(c, 'create');
		return id;
	}

	private container(name: string): SimContainer {
		const c = this.containers.get(name);
		if (!c) throw new HostError(this.name, 'docker', `No such container: ${name}`);
		return c;
	}

	/**
	 * As `docker compose -f FILE up -d --no-deps --force-recreate SERVICE`: the file must be on the host; a container
	 * of that name is stopped and removed first, then the service's container is created and started.
	 */
	async composeUp(spec: ContainerSpec): Promise<void> {
		await this.op('composeUp');
		if (!this.files.has(spec.composeFile)) throw new HostError(this.name, 'command', `docker compose: open ${spec.composeFile}: no such file or directory`);
		const old = this.containers.get(spec.name);
		if (old) {
			await this.stopContainer(spec.name);
			await this.removeContainer(spec.name);
		}
		await this.createContainer(spec);
		await this.startContainer(spec.name);
	}

	async startContainer(name: string): Promise<void> {
		await this.op('startContainer');
		this.start(this.container(name));
	}

	private start(c: SimContainer): void {
		const state = this.stateOf(c);
		if (state === 'running' || state === 'paused') return;
		c.state = 'running';
		c.paused = false;
		c.life++;
		c.startedAt = new Date(this.options.clock.now()).toISOString();
		this.emit(c, 'start');
		const p = this.process(c.spec);
		if (!p) return;
		if (c.spec.role === 'broker') {
			const conf = this.confOf(c.spec);
			if (conf === undefined) {
				// mqbroker -c on a missing file: the JVM exits at once
				c.state = 'exited';
				c.stdout.write([`java.io.FileNotFoundException: ${c.spec.command[c.spec.command.lastIndexOf('-c') + 1]} (No such file or directory)`]);
				this.emit(c, 'die', {exitCode: EXIT_START_FAILED});
				return;
			}
			Object.assign(this.options.cluster.broker(`${c.spec.group}/${c.spec.selfId}`).config, Object.fromEntries(propertiesMap(conf)));
		}
		p.start();
		this.watchBoot(c);
	}

	/** Prints the banner once the process is up (and pauses it then if the container was paused while it booted). */
	private watchBoot(c: SimContainer): void {
		const life = c.life;
		const check = (): void => {
			const p = this.process(c.spec);
			if (!p || this.containers.get(c.spec.name) !== c || c.life !== life || c.state !== 'running') return;
			if (p.status === 'booting') {
				this.options.clock.setTimer(BOOT_CHECK_MS, check);
				return;
			}
			if (!p.up) return;
			if (c.paused) p.pause();
			c.stdout.write(bootBanner(c.spec, {addr: p.addr, namesrvs: this.options.cluster.namesrvs.map(n => n.addr)}));
		};
		this.options.clock.setTimer(BOOT_CHECK_MS, check);
	}

	/** The broker's conf as the container sees it: `-c PATH` through the conf dir mount. */
	private confOf(spec: ContainerSpec): string | undefined {
		const path = spec.command[spec.command.lastIndexOf('-c') + 1];
		const mount = path && spec.mounts.find(m => path.startsWith(`${m.target}/`));
		return mount ? this.files.get(`${mount.source}${path.slice(mount.target.length)}`) : undefined;
	}

	async unpauseContainer(name: string): Promise<void> {
		await this.op('unpauseContainer');
		const c = this.container(name);
		if (this.stateOf(c) !== 'paused') throw new HostError(this.name, 'conflict', `Container ${c.id} is not paused`);
		c.paused = false;
		this.process(c.spec)?.resume();
		this.emit(c, 'unpause');
	}

	async stopContainer(name: string): Promise<void> {
		await this.op('stopContainer');
		await this.stop(this.container(name));
	}

	/** docker stop: TERM, the JVM's shutdown hook, exit 143. */
	private async stop(c: SimContainer): Promise<void> {
		const p = this.process(c.spec);
		const state = this.stateOf(c);
		if (state !== 'running' && state !== 'paused') {
			await p?.stop();
			if (c.state === 'running') c.state = 'exited';
			return;
		}
		this.emit(c, 'kill', {signal: '15'});
		await p?.stop();
		this.exited(c, SIGNAL_EXIT.SIGTERM);
		this.emit(c, 'stop');
	}

	private exited(c: SimContainer, exitCode: number): void {
		c.state = 'exited';
		c.paused = false;
		this.emit(c, 'die', {exitCode});
		c.stdout.endFollowers();
	}

	async killContainer(name: string, signal = 'SIGKILL'): Promise<void> {
		await this.op('killContainer');
		const c = this.container(name);
		const number = signalNumber(signal);
		if (number === undefined) throw new HostError(this.name, 'docker', `Invalid signal: ${signal}`);
		const state = this.stateOf(c);
		if (state !== 'running' && state !== 'paused') throw new HostError(this.name, 'conflict', `Cannot kill container: ${name}: Container ${c.id} is not running`);
		this.emit(c, 'kill', {signal: String(number)});
		const p = this.process(c.spec);
		if (number === SIGNALS.KILL) await p?.kill();
		else if (number === SIGNALS.TERM || number === SIGNALS.INT || number === SIGNALS.HUP) await p?.stop();
		else return; // the JVM ignores it
		this.exited(c, 128 + number);
	}

	async pauseContainer(name: string): Promise<void> {
		await this.op('pauseContainer');
		const c = this.container(name);
		const state = this.stateOf(c);
		if (state === 'paused') throw new HostError(this.name, 'conflict', `Container ${c.id} is already paused`);
		if (state !== 'running') throw new HostError(this.name, 'conflict', `Container ${c.id} is not running`);
		c.paused = true;
		this.process(c.spec)?.pause();
		this.emit(c, 'pause');
	}

	async restartContainer(name: string): Promise<void> {
		await this.op('restartContainer');
		const c = this.container(name);
		await this.stop(c);
		this.start(c);
		this.emit(c, 'restart');
	}

	async removeContainer(name: string): Promise<void> {
		await this.op('removeContainer');
		const c = this.container(name);
		if (this.stateOf(c) === 'running') throw new HostError(this.name, 'conflict', `You cannot remove a running container ${c.id.slice(0, 12)}. Stop the container before attempting removal`);
		this.containers.delete(name);
		c.stdout.endFollowers();
		this.emit(c, 'destroy');
	}

	async removeNetwork(name: string): Promise<void> {
		await this.op('removeNetwork');
		if ([...this.containers.values()].some(c => c.spec.network === name)) throw new HostError(this.name, 'conflict', `network ${name} has active endpoints`);
		this.networkNames.delete(name);
	}

	async removeTree(path: string): Promise<void> {
		await this.op('removeTree');
		for (const key of [...this.files.keys()]) if (key === path || key.startsWith(`${path}/`)) this.files.delete(key);
		for (const key of [...this.dirs.keys()]) if (key === path || key.startsWith(`${path}/`)) this.dirs.delete(key);
	}

	async portAnswers(port: number): Promise<boolean> {
		await this.op('portAnswers');
		const c = [...this.containers.values()].find(x => x.spec.ports.some(p => p.hostPort === port));
		if (!c || this.stateOf(c) !== 'running') return false;
		const p = this.process(c.spec);
		return p === undefined || p.status === 'running';
	}

	async httpStatus(port: number): Promise<number | undefined> {
		return (await this.portAnswers(port)) ? 200 : undefined;
	}

	// ---- live ----

	private emit(c: SimContainer, action: string, extra: {exitCode?: number; signal?: string} = {}): void {
		this.events.emit({host: this.name, name: c.spec.name, action, at: this.options.clock.now(), id: c.id, ...extra});
	}

	async watchEvents(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<Unsubscribe> {
		await this.op('watchEvents');
		return this.events.watch(onEvent, onEnd);
	}

	/**
	 * A container's log file through its logs mount (`<logsDir>/rocketmqlogs/broker.log`, `broker_default.log`,
	 * `namesrv.log`): its process's lines. Any other path: nothing arrives (as `tail -F` of a missing file).
	 */
	async followFile(path: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		await this.op('followFile');
		for (const c of this.containers.values()) {
			const file = rocketmqLogFile(c.spec, path);
			const p = file !== undefined ? this.process(c.spec) : undefined;
			if (p) return followProcessLog(p.log, file!, tail, sink, this.follows);
		}
		return followProcessLog(undefined, '', 0, sink, this.follows);
	}

	/** The container's stdout (its boot banners); it ends when the container stops, at once when it is not running. */
	async followContainerLogs(name: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		await this.op('followContainerLogs');
		const c = this.container(name);
		const state = this.stateOf(c);
		return c.stdout.follow(tail, sink, this.follows, state === 'running' || state === 'paused');
	}

	async clockOffset(): Promise<number> {
		await this.op('clockOffset');
		return 0;
	}

	/** Simulates losing the host: every call fails with `reason`, every stream ends with it, until heal(). */
	cut(reason = 'the connection was lost (simulated)'): void {
		this.unreachable = reason;
		const error = cutError(this.name, reason);
		this.events.endAll(error);
		this.follows.endAll(error);
	}

	heal(): void {
		this.unreachable = undefined;
	}

	async close(): Promise<void> {}
}
