/**
 * One connection attempt: TCP to the first hop, then SSH through every bastion (a `forwardOut` channel of the
 * previous hop carries the next one), host keys checked against known_hosts, users authenticated (auth.ts).
 * A per-hop deadline covers TCP connect, SSH handshake and authentication, paused while the user is asked something.
 */
import net from 'node:net';
import type {Duplex} from 'node:stream';
import ssh2, {type Client, type ClientChannel, type ConnectConfig} from 'ssh2';
import {createAuth, type Ask} from './auth.ts';
import {Deadline} from './deadline.ts';
import {channelOpenFailure, classifyConnectError, RemoteError} from './errors.ts';
import {hostKeyVerifier, type UnknownHost} from './host-key-check.ts';
import type {KnownHostsStore} from './known-hosts-file.ts';
import {hostKeyAlgorithms, knownKeyTypes} from './known-hosts.ts';
import type {ConnectPlan, Hop} from './target.ts';

const {Client: SshClient} = ssh2; // CommonJS: no named exports under ESM

export type {UnknownHost} from './host-key-check.ts';

export interface ConnectOptions {
	knownHosts: KnownHostsStore;
	/** Record accepted keys hashed (HashKnownHosts yes). */
	hashKnownHosts: boolean;
	confirmUnknownHost: (host: UnknownHost) => Promise<boolean>;
	ask: Ask;
	/** ssh-agent socket (SSH_AUTH_SOCK). */
	agent: string | undefined;
	/** Key files tried when a hop names none. */
	defaultIdentities: readonly string[];
	/** Per hop: TCP connect + SSH handshake + authentication, prompts excluded. */
	connectTimeoutMs: number;
	/** SSH keepalive interval (0 disables) and how many unanswered ones end the connection. */
	keepaliveIntervalMs: number;
	keepaliveCountMax: number;
	signal?: AbortSignal | undefined;
}

export interface Connection {
	/** The connection to the target. */
	client: Client;
	/** Bastion connections, outermost first (closed with the target's). */
	bastions: Client[];
	/** Ends the target's connection and every bastion's. */
	close(): void;
}

const cancelled = (target: string) => new RemoteError('cancelled', target, `${target}: connection cancelled`);

/** Opens a TCP connection; classified errors, Nagle off. */
function dialTcp(hop: Hop, deadline: (onExpire: () => void) => Deadline, signal: AbortSignal | undefined): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({host: hop.host, port: hop.port});
		const context = {target: hop.label, host: hop.host, port: hop.port};
		const finish = (error?: RemoteError) => {
			timer.clear();
			signal?.removeEventListener('abort', onAbort);
			socket.off('error', onError);
			socket.off('connect', onConnect);
			if (error) {
				socket.destroy();
				reject(error);
			} else {
				resolve(socket);
			}
		};
		const onError = (error: Error) => finish(classifyConnectError(error, context));
		const onConnect = () => {
			socket.setNoDelay(true);
			finish();
		};
		const onAbort = () => finish(cancelled(hop.label));
		const timer = deadline(() =>
			finish(new RemoteError('timeout', hop.label, `${hop.label}: no TCP connection to ${hop.host}:${hop.port} within the connect timeout (host down, or a firewall drops packets?)`)));
		socket.once('error', onError);
		socket.once('connect', onConnect);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

/** A `direct-tcpip` channel from `via` to the hop (how a bastion carries the next connection). */
function forwardThrough(via: Client, viaLabel: string, hop: Hop): Promise<ClientChannel> {
	return new Promise((resolve, reject) => {
		try {
			via.forwardOut('127.0.0.1', 0, hop.host, hop.port, (error, channel) => {
				if (error) {
					const failure = channelOpenFailure(error, `a connection to ${hop.host}:${hop.port}`, viaLabel);
					reject(new RemoteError(failure.kind, hop.label, `${hop.label}: the bastion ${viaLabel} cannot connect to ${hop.host}:${hop.port}: ${failure.message.replace(`${viaLabel}: `, '')}`, {}, {cause: error}));
				} else {
					resolve(channel);
				}
			});
		} catch (error) {
			reject(classifyConnectError(error, {target: viaLabel, host: hop.host, port: hop.port}));
		}
	});
}

/** SSH over an open byte stream: host key check, authentication. Resolves with a ready client. */
async function handshake(hop: Hop, sock: Duplex, options: ConnectOptions, deadlineFor: (onExpire: () => void) => Deadline, bastionFor: string | undefined): Promise<Client> {
	const known = await options.knownHosts.load();
	const client = new SshClient();
	let failure: RemoteError | undefined;
	let handshaken = false;
	const fail = (error: RemoteError) => {
		failure ??= error;
		sock.destroy();
		client.end();
	};
	const deadline = deadlineFor(() =>
		fail(new RemoteError('timeout', hop.label, handshaken
			? `${hop.label}: authentication did not finish within the connect timeout`
			: `${hop.label}: connected, but no SSH handshake within the connect timeout (a frozen sshd, or not an SSH server?)`)));
	const {handler, state} = createAuth({
		user: hop.user,
		target: hop.label,
		agent: options.agent,
		identities: hop.identities,
		defaultIdentities: options.defaultIdentities,
		ask: options.ask,
		interactive: prompt => deadline.during(prompt),
	});
	const hostVerifier = hostKeyVerifier({
		hop,
		known: known.entries,
		knownHosts: options.knownHosts,
		hashKnownHosts: options.hashKnownHosts,
		confirmUnknownHost: options.confirmUnknownHost,
		interactive: prompt => deadline.during(prompt),
		refuse: error => {
			failure ??= error;
		},
		bastionFor,
	});
	const algorithms = hostKeyAlgorithms(knownKeyTypes(known.entries, hop.host, hop.port));
	const config: ConnectConfig = {
		sock: sock as ConnectConfig['sock'],
		host: hop.host,
		port: hop.port,
		username: hop.user,
		authHandler: handler,
		hostVerifier,
		readyTimeout: 0, // our deadline does it, paused during prompts
		keepaliveInterval: options.keepaliveIntervalMs,
		keepaliveCountMax: options.keepaliveCountMax,
		...(algorithms ? {algorithms: {serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey']}} : {}),
	};
	const onAbort = () => fail(cancelled(hop.label));
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		return await new Promise<Client>((resolve, reject) => {
			const context = {target: hop.label, host: hop.host, port: hop.port};
			const onError = (error: Error & {level?: string}) => {
				if (error.level === 'agent') return; // the agent failed: the next method follows
				if (error.level === 'client-authentication' && !state.exhausted) return; // one key failed to sign
				if (error.level === 'client-authentication' || state.exhausted) {
					failure ??= authFailure(hop, state);
					return;
				}
				failure ??= classifyConnectError(error, context);
			};
			client.on('error', onError);
			client.once('handshake', () => {
				handshaken = true;
			});
			client.once('ready', () => {
				client.off('close', onClose);
				resolve(client);
			});
			const onClose = () => {
				if (!failure && state.exhausted) failure = authFailure(hop, state);
				reject(failure ?? new RemoteError('protocol', hop.label, `${hop.label}: the server closed the connection ${handshaken ? 'during authentication' : 'before the SSH handshake'}`));
			};
			client.once('close', onClose);
			try {
				client.connect(config);
			} catch (error) {
				reject(classifyConnectError(error, context));
			}
		});
	} catch (error) {
		client.removeAllListeners('error');
		client.on('error', () => {});
		client.end();
		sock.destroy();
		throw error;
	} finally {
		deadline.clear();
		options.signal?.removeEventListener('abort', onAbort);
	}
}

function authFailure(hop: Hop, state: {tried: string[]; serverMethods: string[] | undefined}): RemoteError {
	const tried = summarizeTried(state.tried);
	const accepts = state.serverMethods?.length ? `; the server accepts: ${state.serverMethods.join(', ')}` : '';
	return new RemoteError(
		'auth',
		hop.label,
		`${hop.label}: authentication failed (tried: ${tried.length ? tried.join(', ') : 'nothing usable: no ssh-agent, no key file, no password'}${accepts})`,
		{tried: state.tried, ...(state.serverMethods ? {serverMethods: state.serverMethods} : {})},
	);
}

/** `password, password, password` → `password ×3`. */
export function summarizeTried(tried: readonly string[]): string[] {
	const out: Array<{what: string; n: number}> = [];
	for (const what of tried) {
		const last = out[out.length - 1];
		if (last && last.what === what) last.n++;
		else out.push({what, n: 1});
	}
	return out.map(({what, n}) => (n > 1 ? `${what} ×${n}` : what));
}

const TRANSPORT_KINDS = new Set(['refused', 'timeout', 'dns', 'unreachable', 'protocol', 'disconnected']);

/** Connects through every hop of the plan. A bastion that cannot be reached fails with kind `bastion`. */
export async function openConnection(plan: ConnectPlan, options: ConnectOptions): Promise<Connection> {
	const hops = [...plan.jumps, plan.target];
	const clients: Client[] = [];
	const closeAll = () => {
		for (const c of [...clients].reverse()) c.end();
	};
	try {
		for (const [index, hop] of hops.entries()) {
			if (options.signal?.aborted) throw cancelled(plan.target.label);
			const isBastion = index < hops.length - 1;
			const deadlineFor = (onExpire: () => void) => new Deadline(options.connectTimeoutMs, onExpire);
			try {
				const previous = clients[index - 1];
				const sock = previous ? await forwardThrough(previous, hops[index - 1]!.label, hop) : await dialTcp(hop, deadlineFor, options.signal);
				clients.push(await handshake(hop, sock, options, deadlineFor, isBastion ? plan.target.label : undefined));
			} catch (error) {
				const remote = classifyConnectError(error, {target: hop.label, host: hop.host, port: hop.port});
				if (isBastion && TRANSPORT_KINDS.has(remote.kind)) {
					throw new RemoteError('bastion', hop.label, `${plan.target.label}: cannot reach the bastion ${hop.label}: ${remote.message.replace(`${hop.label}: `, '')}`, {}, {cause: remote});
				}
				throw remote;
			}
		}
	} catch (error) {
		closeAll();
		throw error;
	}
	const client = clients[clients.length - 1]!;
	const bastions = clients.slice(0, -1);
	// a bastion that goes away takes the target's connection with it
	for (const b of bastions) b.once('close', () => client.end());
	return {client, bastions, close: closeAll};
}
