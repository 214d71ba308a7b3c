/**
 * The real `Host`: one SSH session per machine carries everything — commands (with `sudo -n` for a non-root
 * user), file transfers, and the Docker Engine API (dockerode over a stream to the host's docker.sock through the
 * same connection). Every command is argv (quoted word by word) or a constant script with positional arguments:
 * no name, path or value from a cluster file is ever part of a shell script's text.
 */
import {createReadStream, statSync} from 'node:fs';
import type Docker from 'dockerode';
import {remoteDocker, type RemoteDocker} from '../remote/docker.ts';
import {exec, execOk} from '../remote/exec.ts';
import {sftpFiles, type RemoteFiles} from '../remote/files.ts';
import type {SshSession} from '../remote/session.ts';
import {sudoFiles} from '../remote/sudo-files.ts';
import {createBody, observedFrom, type InspectShape} from './docker-mapping.ts';
import {FACTS_SCRIPT, parseFacts} from './facts-script.ts';
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
import {followDockerLogs, followRemoteFile, hostErrorOf, measureClockOffset, watchDockerEvents, type StreamContext} from './live-real.ts';
import type {RegistryAnswer} from './image-supply.ts';
import type {ObservedContainer} from './observed.ts';
import type {HostFacts, PeerReach} from './preflight.ts';
import type {ContainerSpec} from './spec.ts';

/** `set -C` (noclobber) makes the redirection fail when the lock exists: atomic create-if-absent. */
const LOCK_SCRIPT = 'set -C; cat > "$1"';
const APPEND_SCRIPT = 'cat >> "$1"';
const COPY_SCRIPT = 'if [ -e "$1" ]; then cp -p -- "$1" "$2"; fi';
/** As the guide: `cd rocketmq-docker/image-build; sh build-image.sh 4.7.1 alpine`. */
const BUILD_SCRIPT = 'cd -- "$1" && exec sh build-image.sh "$2" "$3"';
const BUILD_TIMEOUT_MS = 30 * 60_000;

export interface RealHostOptions {
	/** Host name in the plan. */
	name: string;
	session: SshSession;
	dockerSocket?: string;
	commandTimeoutMs?: number;
}

const statusOf = (error: unknown): number | undefined => (error as {statusCode?: number}).statusCode;
const messageOf = (error: unknown): string => {
	const e = error as {json?: {message?: string}; message?: string};
	return e.json?.message ?? e.message ?? String(error);
};

export class RealHost implements LiveHost {
	readonly name: string;
	private docker: Promise<RemoteDocker> | undefined;
	private files: RemoteFiles | undefined;
	private relabel = false;

	constructor(private readonly options: RealHostOptions) {
		this.name = options.name;
	}

	get address(): string {
		return this.options.session.label;
	}

	private get session(): SshSession {
		return this.options.session;
	}

	/** The Docker API through this host's SSH connection, opened once (and again after a failure). */
	private async remote(): Promise<RemoteDocker> {
		this.docker ??= remoteDocker(this.session, this.options.dockerSocket ? {socketPath: this.options.dockerSocket} : {}).catch(error => {
			this.docker = undefined;
			throw error;
		});
		return this.docker;
	}

	private async api(): Promise<Docker> {
		return (await this.remote()).docker;
	}

	private fs(): RemoteFiles {
		this.files ??= this.session.user === 'root' ? sftpFiles(this.session) : sudoFiles(this.session);
		return this.files;
	}

	private async call<T>(what: string, call: (docker: Docker) => Promise<T>): Promise<T> {
		const docker = await this.api();
		try {
			return await call(docker);
		} catch (error) {
			throw new HostError(this.name, 'docker', `${what}: ${messageOf(error)}`);
		}
	}

	private sh(script: string, args: string[], stdin?: string | Buffer) {
		return execOk(this.session, ['sh', '-c', script, 'sh', ...args], {sudo: true, timeoutMs: this.options.commandTimeoutMs ?? 120_000, ...(stdin !== undefined ? {stdin} : {})});
	}

	async facts(request: FactsRequest): Promise<HostFacts> {
		const sent = request.now();
		const shell = await exec(this.session, ['sh', '-s', '--', request.baseDir, ...request.dirs], {stdin: FACTS_SCRIPT, timeoutMs: 30_000});
		const back = request.now();
		const parsed = parseFacts(shell.stdout);
		const docker = await this.dockerFacts();
		const containers = docker.ok ? await this.listContainers() : [];
		const imageIds = docker.ok ? await this.imageIds(request.images) : {};
		this.relabel = parsed.selinux === 'enforcing';
		const wanted = new Set(request.ports);
		return {
			user: parsed.user,
			docker,
			compose: parsed.compose,
			portsInUse: parsed.listeningPorts.filter(p => wanted.has(p)).map(port => ({port, holder: holderOf(containers, port)})),
			diskFreeBytes: parsed.diskFreeBytes,
			memTotalBytes: parsed.memTotalBytes,
			memAvailableBytes: parsed.memAvailableBytes,
			imageIds,
			clockOffsetMs: Math.round(parsed.clockMs - (sent + back) / 2),
			addresses: parsed.addresses,
			selinux: parsed.selinux,
			containers,
			existingDirs: parsed.existingDirs,
			peers: await Promise.all(request.peers.map(p => this.reach(p))),
		};
	}

	private async dockerFacts(): Promise<HostFacts['docker']> {
		try {
			const remote = await this.remote();
			const [version, info] = await Promise.all([remote.docker.version(), remote.docker.info() as Promise<{SecurityOptions?: string[]}>]);
			const security = info.SecurityOptions ?? [];
			return {
				ok: true,
				version: version.Version,
				apiVersion: version.ApiVersion,
				rootless: security.some(s => s.includes('name=rootless')),
				userns: security.some(s => s.includes('name=userns')),
				viaSudo: remote.transport === 'sudo-dial-stdio',
			};
		} catch (error) {
			return {ok: false, error: messageOf(error)};
		}
	}

	/** Dialled by this host's sshd (a direct-tcpip channel): refused still proves the path is open. */
	private async reach(peer: {to: string; ip: string; port: number; owner: string}): Promise<PeerReach> {
		try {
			const channel = await Promise.race([
				this.session.forwardOut(peer.ip, peer.port),
				new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s (filtered?)')), 3000)),
			]);
			channel.destroy();
			return peer;
		} catch (error) {
			const text = messageOf(error);
			return /refused/i.test(text) ? peer : {...peer, error: text};
		}
	}

	async readFile(path: string): Promise<string | undefined> {
		return (await this.fs().read(path))?.toString('utf8');
	}

	async writeFile(path: string, content: string, options: {mode?: number; backupTo?: string} = {}): Promise<void> {
		if (options.backupTo) await this.sh(COPY_SCRIPT, [path, options.backupTo]);
		await this.fs().writeAtomic(path, content, {mode: options.mode ?? 0o644});
	}

	async appendFile(path: string, text: string): Promise<void> {
		await this.sh(APPEND_SCRIPT, [path], text);
	}

	async makeDirs(dirs: readonly DirSpec[]): Promise<void> {
		const files = this.fs();
		for (const d of dirs) {
			await files.mkdirp(d.path, {mode: 0o755});
			if (d.uid !== undefined) {
				const stat = await files.stat(d.path);
				if (stat && (stat.uid !== d.uid || stat.gid !== (d.gid ?? d.uid))) await files.chown(d.path, d.uid, d.gid ?? d.uid, {recursive: true});
			}
		}
	}

	async lock(path: string, holder: LockHolder): Promise<LockResult> {
		const result = await exec(this.session, ['sh', '-c', LOCK_SCRIPT, 'sh', path], {sudo: true, stdin: `${JSON.stringify(holder)}\n`, timeoutMs: 30_000});
		if (result.code === 0) return {acquired: true};
		const text = await this.readFile(path);
		if (text === undefined) throw new HostError(this.name, 'command', `cannot create ${path}: ${result.stderr.trim()}`);
		let held: LockHolder | undefined;
		try {
			held = JSON.parse(text) as LockHolder;
		} catch {
			return {acquired: false, holder: undefined};
		}
		// Our own lock: an earlier try created it but its channel closed before the exit status came (exec retried).
		if (JSON.stringify(held) === JSON.stringify(holder)) return {acquired: true};
		return {acquired: false, holder: held};
	}

	async unlock(path: string): Promise<void> {
		await execOk(this.session, ['rm', '-f', '--', path], {sudo: true, timeoutMs: 30_000});
	}

	async listContainers(): Promise<ObservedContainer[]> {
		return this.call('listing containers', async docker => {
			const list = await docker.listContainers({all: true});
			const inspected = await Promise.all(list.map(c => docker.getContainer(c.Id).inspect().catch(() => undefined)));
			return inspected.filter(i => i !== undefined).map(i => observedFrom(i as unknown as InspectShape));
		});
	}

	async imageId(image: string): Promise<string | undefined> {
		const docker = await this.api();
		try {
			return ((await docker.getImage(image).inspect()) as {Id: string}).Id;
		} catch (error) {
			if (statusOf(error) === 404) return undefined;
			throw new HostError(this.name, 'docker', `inspecting image ${image}: ${messageOf(error)}`);
		}
	}

	private async imageIds(images: readonly string[]): Promise<Record<string, string>> {
		const found = await Promise.all(images.map(async image => [image, await this.imageId(image)] as const));
		return Object.fromEntries(found.filter((e): e is readonly [string, string] => e[1] !== undefined));
	}

	async registryAnswers(image: string): Promise<RegistryAnswer> {
		const docker = await this.api();
		try {
			const answer = (await docker.getImage(image).distribution({})) as {Descriptor?: {digest?: string}};
			return {ok: true, detail: `the registry has it${answer.Descriptor?.digest ? `: ${answer.Descriptor.digest.slice(0, 19)}` : ''}`};
		} catch (error) {
			return {ok: false, error: messageOf(error)};
		}
	}

	async buildImage(dir: string, args: {version: string; base: string}, progress: (p: ImageProgress) => void): Promise<void> {
		let tail = '';
		const result = await exec(this.session, ['sh', '-c', BUILD_SCRIPT, 'sh', dir, args.version, args.base], {
			sudo: true,
			timeoutMs: BUILD_TIMEOUT_MS,
			onOutput: chunk => {
				const lines = (tail + chunk.toString('utf8')).split('\n');
				tail = lines.pop() ?? '';
				const last = lines.map(l => l.trim()).filter(Boolean).at(-1);
				if (last) progress({text: `build: ${last.slice(0, 120)}`});
			},
		});
		if (result.code !== 0) {
			const output = `${result.stdout}\n${result.stderr}`.split('\n').map(l => l.trimEnd()).filter(Boolean).slice(-12).join('\n    ');
			throw new HostError(
				this.name,
				'command',
				`build-image.sh ${args.version} ${args.base} in ${dir} failed (exit ${result.code ?? result.signal}):\n    ${output}`,
				'the build downloads RocketMQ from archive.apache.org and the base image from Docker Hub: a host without internet cannot build; build where there is internet and pass the saved image with --image-archive FILE',
			);
		}
	}

	async loadImageArchive(localPath: string, progress: (p: ImageProgress) => void): Promise<void> {
		await this.loadImageStream(createReadStream(localPath), progress, statSync(localPath).size);
	}

	async exportImage(image: string): Promise<NodeJS.ReadableStream> {
		return this.call(`saving ${image}`, docker => docker.getImage(image).get());
	}

	async loadImageStream(stream: NodeJS.ReadableStream, progress: (p: ImageProgress) => void, size?: number): Promise<void> {
		const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
		await this.call('loading images', async docker => {
			let sent = 0;
			stream.on('data', (chunk: Buffer) => {
				sent += chunk.length;
				progress({text: `uploading ${mib(sent)}${size ? ` / ${mib(size)}` : ''}`, ...(size ? {fraction: Math.min(0.99, sent / size)} : {})});
			});
			const response = await docker.loadImage(stream, {quiet: true});
			const body = await streamText(response as NodeJS.ReadableStream);
			const failed = body.split('\n').map(l => (l ? (JSON.parse(l) as {error?: string}) : {})).find(m => m.error);
			if (failed) throw new Error(failed.error);
			progress({text: `loaded ${mib(sent)}`, fraction: 1});
		});
	}

	async pullImage(image: string, progress: (p: ImageProgress) => void): Promise<void> {
		await this.call(`pulling ${image}`, async docker => {
			const stream = await docker.pull(image);
			await new Promise<void>((resolve, reject) =>
				docker.modem.followProgress(
					stream,
					error => (error ? reject(error) : resolve()),
					(event: {status?: string; progress?: string; id?: string}) => progress({text: [event.id, event.status, event.progress].filter(Boolean).join(' ')}),
				),
			);
			progress({text: `pulled ${image}`, fraction: 1});
		});
	}

	async networks(): Promise<string[]> {
		return this.call('listing networks', async docker => (await docker.listNetworks()).map(n => n.Name));
	}

	async ensureNetwork(name: string): Promise<boolean> {
		if ((await this.networks()).includes(name)) return false;
		await this.call(`creating network ${name}`, docker => docker.createNetwork({Name: name, Driver: 'bridge', CheckDuplicate: true}));
		return true;
	}

	async createContainer(spec: ContainerSpec): Promise<string> {
		return this.call(`creating ${spec.name}`, async docker => (await docker.createContainer(createBody(spec, {relabel: this.relabel}))).id);
	}

	async composeUp(spec: ContainerSpec, compose: 'v1' | 'v2'): Promise<void> {
		const project = spec.composeFile.split('/').at(-2) ?? spec.service;
		const tool = compose === 'v2' ? ['docker', 'compose'] : ['docker-compose'];
		await execOk(this.session, [...tool, '-p', project, '-f', spec.composeFile, 'up', '-d', '--no-deps', '--force-recreate', spec.service], {sudo: true, timeoutMs: 10 * 60_000});
	}

	async startContainer(name: string): Promise<void> {
		await this.call(`starting ${name}`, async docker => {
			try {
				await docker.getContainer(name).start();
			} catch (error) {
				if (statusOf(error) !== 304) throw error; // already running
			}
		});
	}

	async unpauseContainer(name: string): Promise<void> {
		await this.call(`unpausing ${name}`, docker => docker.getContainer(name).unpause());
	}

	async stopContainer(name: string, timeoutSeconds?: number): Promise<void> {
		await this.call(`stopping ${name}`, async docker => {
			try {
				await docker.getContainer(name).stop(timeoutSeconds !== undefined ? {t: timeoutSeconds} : {});
			} catch (error) {
				if (statusOf(error) !== 304) throw error; // already stopped
			}
		});
	}

	async removeContainer(name: string): Promise<void> {
		await this.call(`removing ${name}`, docker => docker.getContainer(name).remove());
	}

	async removeNetwork(name: string): Promise<void> {
		await this.call(`removing network ${name}`, docker => docker.getNetwork(name).remove());
	}

	async removeTree(path: string): Promise<void> {
		if (!path.startsWith('/') || path.split('/').filter(Boolean).length < 2) throw new HostError(this.name, 'command', `refusing to delete ${path}: not a dir of this cluster`);
		await execOk(this.session, ['rm', '-rf', '--', path], {sudo: true, timeoutMs: 600_000});
	}

	async portAnswers(port: number, timeoutMs: number): Promise<boolean> {
		try {
			const channel = await Promise.race([
				this.session.forwardOut('127.0.0.1', port),
				new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
			]);
			channel.destroy();
			return true;
		} catch {
			return false;
		}
	}

	async httpStatus(port: number, timeoutMs: number): Promise<number | undefined> {
		try {
			const channel = await this.session.forwardOut('127.0.0.1', port);
			return await new Promise<number | undefined>(resolve => {
				let text = '';
				const timer = setTimeout(() => done(undefined), timeoutMs);
				function done(status: number | undefined) {
					clearTimeout(timer);
					channel.destroy();
					resolve(status);
				}
				channel.on('data', (chunk: Buffer) => {
					text += chunk.toString('latin1');
					const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
					if (m) done(Number(m[1]));
				});
				channel.on('close', () => done(undefined));
				channel.on('error', () => done(undefined));
				channel.end(`GET / HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
			});
		} catch {
			return undefined;
		}
	}

	// ---- live: streams and drill actions (live-real.ts) ----

	private get context(): StreamContext {
		return {host: this.name, connected: () => this.session.state === 'ready'};
	}

	/** The Docker API, or the HostError saying why the host cannot be reached. */
	private async liveApi(what: string): Promise<Docker> {
		try {
			return await this.api();
		} catch (error) {
			throw hostErrorOf(this.name, what, error);
		}
	}

	/** The host's clock is measured once per stream, so a reconnect (maybe to a re-synced clock) measures again. */
	async watchEvents(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<Unsubscribe> {
		const offset = await this.clockOffset();
		return watchDockerEvents(await this.liveApi('watching Docker events'), this.context, offset, onEvent, onEnd);
	}

	/** A drill action: 409 (not running, already paused…) is a conflict, a lost connection says so. */
	private async act(what: string, action: (docker: Docker) => Promise<unknown>): Promise<void> {
		const docker = await this.liveApi(what);
		try {
			await action(docker);
		} catch (error) {
			if (statusOf(error) === 409) throw new HostError(this.name, 'conflict', `${what}: ${messageOf(error)}`);
			throw hostErrorOf(this.name, what, error);
		}
	}

	async killContainer(name: string, signal = 'SIGKILL'): Promise<void> {
		await this.act(`killing ${name}`, docker => docker.getContainer(name).kill({signal}));
	}

	async pauseContainer(name: string): Promise<void> {
		await this.act(`pausing ${name}`, docker => docker.getContainer(name).pause());
	}

	async restartContainer(name: string, timeoutSeconds?: number): Promise<void> {
		await this.act(`restarting ${name}`, docker => docker.getContainer(name).restart(timeoutSeconds !== undefined ? {t: timeoutSeconds} : {}));
	}

	async followFile(path: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		return followRemoteFile(this.session, this.context, path, tail, sink);
	}

	async followContainerLogs(name: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		return followDockerLogs(await this.liveApi(`following the logs of ${name}`), this.context, name, tail, sink);
	}

	async clockOffset(): Promise<number> {
		return measureClockOffset(this.session, this.name);
	}

	async close(): Promise<void> {
		(await this.docker?.catch(() => undefined))?.close();
		await this.session.close();
	}
}

function holderOf(containers: readonly ObservedContainer[], port: number): string | undefined {
	const c = containers.find(x => x.state === 'running' && x.ports.some(p => p.hostPort === port));
	return c ? `container ${c.name}` : undefined;
}

function streamText(stream: NodeJS.ReadableStream): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
		stream.on('end', () => resolve(text));
		stream.on('error', reject);
	});
}
