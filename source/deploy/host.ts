/**
 * The `Host` port: everything deploy (and later the live pane) asks of one machine, in the domain's words.
 * Two implementations: a real one (SSH + Docker, source/deploy/real-host.ts) and a simulated one on the
 * protocol simulator (source/deploy/sim-host.ts), so the executor and its UI are the same on both.
 *
 * Paths are absolute paths on the host. Every method throws a HostError naming the host and what failed.
 */
import type {RegistryAnswer} from './image-supply.ts';
import type {ObservedContainer} from './observed.ts';
import type {HostFacts} from './preflight.ts';
import type {ContainerSpec} from './spec.ts';

export interface DirSpec {
	path: string;
	/** Owner to set (recursively only when the dir was just created or is owned by someone else). */
	uid?: number;
	gid?: number;
}

export interface LockHolder {
	user: string;
	/** The machine rmq-tui runs on. */
	from: string;
	pid: number;
	/** ISO time. */
	since: string;
	operation: string;
}

export type LockResult = {acquired: true} | {acquired: false; holder: LockHolder | undefined};

export interface ImageProgress {
	/** e.g. `uploading 42 MiB / 180 MiB`, `loading`, `pulling layer 3/7`. */
	text: string;
	/** 0..1 when known. */
	fraction?: number;
}

export interface FactsRequest {
	/** Images to look up (their IDs come back in HostFacts.imageIds). */
	images: string[];
	baseDir: string;
	/** The plan's layout dirs to report on (existing, owner, empty). */
	dirs: string[];
	/** TCP ports to check for listeners. */
	ports: number[];
	/** Other hosts' ports to dial from this host. */
	peers: Array<{to: string; ip: string; port: number; owner: string}>;
	/** This machine's clock when the request was sent (ms since epoch), for the offset. */
	now: () => number;
}

export interface Host {
	readonly name: string;
	/** Where it is reached, for messages (`root@10.99.0.11:22`). */
	readonly address: string;

	facts(request: FactsRequest): Promise<HostFacts>;

	readFile(path: string): Promise<string | undefined>;
	/** Temp file in the same dir, then rename; `backupTo` first copies the current file there. */
	writeFile(path: string, content: string, options?: {mode?: number; backupTo?: string}): Promise<void>;
	appendFile(path: string, text: string): Promise<void>;
	makeDirs(dirs: readonly DirSpec[]): Promise<void>;
	/** Creates the lock file only when absent (atomic); otherwise reports who holds it. */
	lock(path: string, holder: LockHolder): Promise<LockResult>;
	unlock(path: string): Promise<void>;

	listContainers(): Promise<ObservedContainer[]>;
	imageId(image: string): Promise<string | undefined>;
	loadImageArchive(localPath: string, progress: (p: ImageProgress) => void): Promise<void>;
	/** `docker save IMAGE` as a stream (to load on another host). */
	exportImage(image: string): Promise<NodeJS.ReadableStream>;
	/** `docker load` from a stream; `size` (bytes) when known, for progress. */
	loadImageStream(stream: NodeJS.ReadableStream, progress: (p: ImageProgress) => void, size?: number): Promise<void>;
	pullImage(image: string, progress: (p: ImageProgress) => void): Promise<void>;
	/** Asks the host's registry (its mirrors and proxy included) whether it serves `image`; nothing is pulled. */
	registryAnswers(image: string): Promise<RegistryAnswer>;
	/**
	 * Runs apache/rocketmq-docker's `build-image.sh VERSION BASE` in `dir` (already uploaded there) with the
	 * host's docker CLI, as the guide does; output lines go to `progress`.
	 */
	buildImage(dir: string, args: {version: string; base: string}, progress: (p: ImageProgress) => void): Promise<void>;
	networks(): Promise<string[]>;
	/** True when it had to be created. */
	ensureNetwork(name: string): Promise<boolean>;
	createContainer(spec: ContainerSpec): Promise<string>;
	/**
	 * Creates (or recreates) and starts spec's container with the host's own Compose, from spec's compose file
	 * (`up -d --no-deps --force-recreate SERVICE`, project = the file's directory name, as the runbook's `up -d`).
	 */
	composeUp(spec: ContainerSpec, compose: 'v1' | 'v2'): Promise<void>;
	startContainer(name: string): Promise<void>;
	unpauseContainer(name: string): Promise<void>;
	stopContainer(name: string, timeoutSeconds?: number): Promise<void>;
	removeContainer(name: string): Promise<void>;
	removeNetwork(name: string): Promise<void>;
	/** Deletes a dir tree: only `down --purge`, after the cluster name was typed, ever calls it. */
	removeTree(path: string): Promise<void>;
	/** Whether a TCP port on this host accepts connections, dialled from this host. */
	portAnswers(port: number, timeoutMs: number): Promise<boolean>;
	/** HTTP status of GET http://127.0.0.1:PORT/ from the host; undefined when nothing answers. */
	httpStatus(port: number, timeoutMs: number): Promise<number | undefined>;

	close(): Promise<void>;
}

export type HostErrorKind = 'unreachable' | 'auth' | 'host-key' | 'permission' | 'docker' | 'command' | 'conflict' | 'timeout';

export class HostError extends Error {
	constructor(
		readonly host: string,
		readonly kind: HostErrorKind,
		message: string,
		readonly fix?: string,
	) {
		super(`${host}: ${message}`);
		this.name = 'HostError';
	}
}

/** A container change as Docker reports it (`docker events`), with the time corrected to this machine's clock. */
export interface ContainerEvent {
	host: string;
	/** Container name (no leading slash). */
	name: string;
	/** Docker's action: create, start, die, stop, kill, pause, unpause, restart, destroy, oom, health_status… */
	action: string;
	/** Epoch ms on THIS machine's clock (Docker's time minus the host's clock offset). */
	at: number;
	exitCode?: number;
}

/** Stops a stream (events, a log follow); resolves once it is closed. */
export type Unsubscribe = () => Promise<void>;

export interface LogSink {
	/** Complete lines, oldest first (the first call carries the requested tail). */
	lines(lines: string[]): void;
	/** The stream ended or failed (a reconnect is the caller's choice). */
	end(error?: Error): void;
}

/**
 * What the live pane and the drills need of a host, beyond deploying: streams (events, log tails) and the drill
 * actions. Both Host implementations provide it.
 */
export interface LiveHost extends Host {
	/** Docker events of containers (not images/networks), from now on; `sink` gets each, `end` when the stream stops. */
	watchEvents(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<Unsubscribe>;
	killContainer(name: string, signal?: string): Promise<void>;
	pauseContainer(name: string): Promise<void>;
	restartContainer(name: string, timeoutSeconds?: number): Promise<void>;
	/** The last `tail` lines of a file on the host, then every new line (as `tail -F`: survives rotation). */
	followFile(path: string, tail: number, sink: LogSink): Promise<Unsubscribe>;
	/** `docker logs --tail N --follow` of a container (stdout and stderr). */
	followContainerLogs(name: string, tail: number, sink: LogSink): Promise<Unsubscribe>;
	/** Milliseconds the host's clock is ahead (+) of this machine's, measured now (midpoint of a round trip). */
	clockOffset(): Promise<number>;
}
