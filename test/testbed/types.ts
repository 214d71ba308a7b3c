// The testbed's public types: hosts, users, options, results and the Testbed object (assembled in bed.ts).
import type {ChildProcess, StdioOptions} from 'node:child_process';
import type {RunOptions, RunResult} from '../support/run.ts';
import type {TestImages} from './images.ts';

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

/** run()'s options (stdin, timeout: default 120 s, extra env), and where and as whom inside the host. */
export interface ExecOptions extends RunOptions {
	cwd?: string;
	/** Run as this user (runuser -u); default root. */
	user?: string;
}

export type ExecResult = RunResult;

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
	docker(host: HostRef, args: readonly string[], opts?: ExecOptions): Promise<RunResult>;
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
