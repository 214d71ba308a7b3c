/**
 * Docker Engine API of a remote host over its SSH session: a dockerode whose HTTP connections are channels of the
 * SAME ssh connection, kept alive and reused (≈1–2 ms per call, against ≈100 ms for dockerode's own ssh mode, which
 * opens a new SSH connection per request).
 *
 * Transports, tried in this order by `auto`:
 *   streamlocal      direct-streamlocal@openssh.com to the socket (sshd connects to it as the login user);
 *   dial-stdio       `docker system dial-stdio` exec channels — the user may use the socket but sshd forbids
 *                    stream forwarding (AllowStreamLocalForwarding no);
 *   sudo-dial-stdio  `sudo -n docker system dial-stdio` — a user with the docker CLI and sudo but no socket access.
 * Long-lived streams (events, logs --follow) hold one channel each for as long as they run.
 */
import type {Duplex} from 'node:stream';
import Docker from 'dockerode';
import type {ClientChannel} from 'ssh2';
import {ChannelAgent} from './channel-agent.ts';
import {commandLine} from './command.ts';
import {RemoteError} from './errors.ts';
import {exec, needsSudo, type ExecTarget} from './exec.ts';

export type DockerTransport = 'streamlocal' | 'dial-stdio' | 'sudo-dial-stdio';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** What docker.ts needs of a session (SshSession has it). */
export interface DockerTarget extends ExecTarget {
	forwardOutStreamLocal(socketPath: string): Promise<ClientChannel>;
}

export interface RemoteDockerOptions {
	/** The daemon's socket on the remote host (default /var/run/docker.sock). */
	socketPath?: string;
	/** Force a transport; default `auto` (see above). */
	transport?: DockerTransport | 'auto';
	/**
	 * Concurrent API connections (channels). Default 16 for streamlocal; 4 for dial-stdio, whose channels are
	 * sessions counted against sshd's MaxSessions (see SessionOptions.maxSessionChannels).
	 */
	maxSockets?: number;
	/** For the probes made while choosing a transport (default 20 s). */
	timeoutMs?: number;
}

export interface RemoteDocker {
	docker: Docker;
	transport: DockerTransport;
	/** The daemon's API version (from the ping/version made while connecting). */
	apiVersion: string;
	/** Closes the agent's idle channels (the SSH session stays). */
	close(): void;
}

/** `docker -H unix://… system dial-stdio` (argv), for a socket path. */
export function dialStdioArgv(socketPath: string): string[] {
	return ['docker', '-H', `unix://${socketPath}`, 'system', 'dial-stdio'];
}

/** What `[ -S ]`/`[ -r -w ]` said about the socket path (pure interpretation of the probe's output). */
export type SocketAccess = 'missing' | 'accessible' | 'denied';

/** `[ -S ]` is false both for a missing socket and one in a directory the user may not enter: ls tells them apart. */
export const SOCKET_PROBE = [
	'if [ -S "$1" ]; then',
	'  if [ -r "$1" ] && [ -w "$1" ]; then echo accessible; else echo denied; fi',
	'elif LC_ALL=C ls -- "$1" 2>&1 | grep -q "Permission denied"; then echo denied',
	'else echo missing; fi',
].join('\n');

export function parseSocketProbe(stdout: string): SocketAccess | undefined {
	const word = stdout.trim();
	return word === 'missing' || word === 'accessible' || word === 'denied' ? word : undefined;
}

/** An exec channel running dial-stdio, failing with its stderr when it ends before saying anything. */
async function dialStdio(target: DockerTarget, socketPath: string, sudo: boolean): Promise<Duplex> {
	const channel = await target.openExec(commandLine(dialStdioArgv(socketPath), {sudo}));
	let stderr = '';
	let spoke = false;
	channel.stderr.on('data', (chunk: Buffer) => {
		if (stderr.length < 4096) stderr += chunk.toString('utf8');
	});
	channel.once('data', () => {
		spoke = true;
	});
	channel.once('exit', (code: number | null) => {
		if (!spoke && code !== 0 && stderr.trim() !== '') {
			(channel as Duplex).destroy(new RemoteError('remote', target.label, `${target.label}: docker system dial-stdio failed: ${stderr.trim()}`));
		}
	});
	return channel;
}

async function streamLocal(target: DockerTarget, socketPath: string): Promise<Duplex> {
	return target.forwardOutStreamLocal(socketPath);
}

async function chooseTransport(target: DockerTarget, socketPath: string, timeoutMs: number): Promise<DockerTransport> {
	let streamError: unknown;
	try {
		const channel = await target.forwardOutStreamLocal(socketPath);
		channel.destroy();
		return 'streamlocal';
	} catch (error) {
		if (error instanceof RemoteError && (error.kind === 'disconnected' || error.kind === 'cancelled')) throw error;
		streamError = error;
	}
	const probe = await exec(target, ['sh', '-c', SOCKET_PROBE, 'sh', socketPath], {timeoutMs});
	const access = parseSocketProbe(probe.stdout);
	if (access === 'missing') {
		throw new RemoteError('remote', target.label, `${target.label}: no Docker socket at ${socketPath} on ${target.host}: is Docker installed and running? (rootless Docker listens on $XDG_RUNTIME_DIR/docker.sock)`, {}, {cause: streamError});
	}
	if (access === 'accessible') return 'dial-stdio'; // sshd forbids streamlocal forwarding; the CLI can still dial
	if (access === 'denied' && needsSudo(target.user)) return 'sudo-dial-stdio';
	throw new RemoteError('remote', target.label, `${target.label}: cannot open the Docker socket ${socketPath}: ${(streamError as Error)?.message ?? probe.stderr.trim()}`, {}, {cause: streamError});
}

/** Checks a dial-stdio transport with `docker version` (clear errors for a missing CLI or a refusing sudo). */
async function checkDialStdio(target: DockerTarget, socketPath: string, sudo: boolean, timeoutMs: number): Promise<void> {
	const argv = ['docker', '-H', `unix://${socketPath}`, 'version', '--format', '{{.Server.APIVersion}}'];
	const result = await exec(target, argv, {sudo, timeoutMs}); // sudo refusal → RemoteError kind sudo
	if (result.code === 127) {
		throw new RemoteError('remote', target.label, `${target.label}: the docker CLI is not installed on ${target.host} (needed to reach Docker with ${sudo ? 'sudo' : 'dial-stdio'}), and user ${target.user} cannot open ${socketPath} directly: add ${target.user} to the docker group, or connect as root`);
	}
	if (result.code !== 0) {
		throw new RemoteError('remote', target.label, `${target.label}: \`${sudo ? 'sudo -n ' : ''}docker version\` failed on ${target.host}: ${result.stderr.trim() || `exit ${result.code}`}`);
	}
}

/** A dockerode for the host behind `target`, over its SSH connection. Pings the daemon before returning. */
export async function remoteDocker(target: DockerTarget, options: RemoteDockerOptions = {}): Promise<RemoteDocker> {
	const socketPath = options.socketPath ?? DEFAULT_DOCKER_SOCKET;
	const timeoutMs = options.timeoutMs ?? 20_000;
	const transport = !options.transport || options.transport === 'auto'
		? await chooseTransport(target, socketPath, timeoutMs)
		: options.transport;
	if (transport !== 'streamlocal') await checkDialStdio(target, socketPath, transport === 'sudo-dial-stdio', timeoutMs);
	const open = transport === 'streamlocal'
		? () => streamLocal(target, socketPath)
		: () => dialStdio(target, socketPath, transport === 'sudo-dial-stdio' && needsSudo(target.user));
	const agent = new ChannelAgent(open, {maxSockets: options.maxSockets ?? (transport === 'streamlocal' ? 16 : 4)});
	// docker-modem passes `agent` to http.request (its typings omit it)
	const docker = new Docker({protocol: 'http', host: 'localhost', port: 2375, agent} as Docker.DockerOptions);
	let apiVersion: string;
	try {
		apiVersion = (await docker.version()).ApiVersion;
	} catch (error) {
		agent.destroy();
		if (error instanceof RemoteError) throw error;
		throw new RemoteError('remote', target.label, `${target.label}: Docker does not answer on ${socketPath} (${transport}): ${(error as Error).message}`, {}, {cause: error});
	}
	return {docker, transport, apiVersion, close: () => agent.destroy()};
}
