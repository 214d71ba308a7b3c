/**
 * One persistent SSH connection per host, shared by everything that talks to it (exec, SFTP, Docker, tunnels).
 * Connects on demand, keeps the connection alive (SSH keepalives), reconnects with backoff when it drops, and tells
 * the UI what it is doing through events. Secrets (passphrases, passwords) are asked through `ask` at every
 * (re)connect and never kept.
 */
import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';
import type {Client, ClientChannel, SFTPWrapper} from 'ssh2';
import type {SshResolver} from '../inventory/parse.ts';
import type {SshTarget} from '../inventory/schema.ts';
import type {Ask} from './auth.ts';
import {backoffDelay, type BackoffOptions} from './backoff.ts';
import {ChannelTracker} from './channel-tracker.ts';
import {openConnection, type Connection, type UnknownHost} from './connect.ts';
import {channelOpenFailure, classifyConnectError, RemoteError} from './errors.ts';
import {knownHostsFiles, type KnownHostsStore} from './known-hosts-file.ts';
import {Slots} from './slots.ts';
import {connectPlan, type ConnectPlan} from './target.ts';

export type SessionEvent =
	| {type: 'connecting'; attempt: number}
	| {type: 'ready'}
	/** The attempt failed (or the connection dropped); the next one starts in `inMs`. */
	| {type: 'retrying'; attempt: number; inMs: number; error: RemoteError}
	/** Given up (error set) or closed on purpose (no error). */
	| {type: 'closed'; error?: RemoteError};

export type SessionState = 'idle' | 'connecting' | 'ready' | 'retrying' | 'closed';

export interface SessionOptions {
	target: SshTarget;
	/** `~/.ssh/config` defaults (readSshConfig()). */
	resolve?: SshResolver;
	ask: Ask;
	confirmUnknownHost: (host: UnknownHost) => Promise<boolean>;
	/** Default: ~/.ssh/known_hosts (+ known_hosts2) and /etc/ssh/ssh_known_hosts. */
	knownHosts?: KnownHostsStore;
	/** Record accepted host keys hashed (the user's HashKnownHosts). Default false. */
	hashKnownHosts?: boolean;
	/** ssh-agent socket; default $SSH_AUTH_SOCK. `null` disables the agent. */
	agent?: string | null;
	/** Key files tried when the target names none; default OpenSSH's ~/.ssh/id_{rsa,ecdsa,ed25519,dsa}. */
	defaultIdentities?: string[];
	/** Local user name (the default remote user); default os.userInfo(). */
	localUser?: string;
	/** Per hop: TCP + handshake + authentication (prompts excluded). Default 15 000 ms. */
	connectTimeoutMs?: number;
	/** Default 15 000 ms × 3 (ServerAliveInterval × ServerAliveCountMax). 0 disables. */
	keepaliveIntervalMs?: number;
	keepaliveCountMax?: number;
	/** Retries after a failed attempt or a dropped connection (transient errors only). Default 5. */
	retries?: number;
	backoff?: BackoffOptions;
	/**
	 * Session channels (commands, SFTP, dial-stdio) open at once on one connection; more wait. sshd refuses more than
	 * its MaxSessions (default 10) per connection, so the default 8 leaves room. Forwarded channels do not count.
	 */
	maxSessionChannels?: number;
	/** Reconnect at once when an established connection drops (default true); otherwise on the next use. */
	reconnect?: boolean;
	onEvent?: (event: SessionEvent) => void;
}

const SESSION_OPEN_RETRIES = 6;

/** sshd's answer to a session channel over MaxSessions: "open failed" (reason 2). */
const isSessionRefusal = (error: unknown) =>
	error instanceof RemoteError && error.kind === 'refused' && /\(open failed\)$/.test(error.message);

export function defaultIdentityFiles(home = homedir()): string[] {
	return ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'].map(n => join(home, '.ssh', n));
}

function localUserName(): string {
	try {
		return userInfo().username;
	} catch {
		return process.env.USER ?? 'root';
	}
}

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>(resolve => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
		signal.addEventListener('abort', done, {once: true});
	});

export class SshSession {
	/** Where it connects: hops resolved from the target and ~/.ssh/config. */
	readonly plan: ConnectPlan;
	private readonly options: SessionOptions;
	private readonly knownHosts: KnownHostsStore;
	private readonly listeners = new Set<(event: SessionEvent) => void>();
	private connection: Connection | undefined;
	private connecting: Promise<Connection> | undefined;
	private readonly channels = new WeakMap<Connection, ChannelTracker>();
	private readonly sessionSlots: Slots;
	private sftpChannel: Promise<SFTPWrapper> | undefined;
	private releaseSftp: (() => void) | undefined;
	private stateValue: SessionState = 'idle';
	private closed = false;
	private readonly abort = new AbortController();

	constructor(options: SessionOptions) {
		this.options = options;
		this.plan = connectPlan(options.target, options.resolve, options.localUser ?? localUserName());
		this.knownHosts = options.knownHosts ?? knownHostsFiles();
		this.sessionSlots = new Slots(options.maxSessionChannels ?? 8);
		if (options.onEvent) this.listeners.add(options.onEvent);
	}

	/** `user@host:port` of the target. */
	get label(): string {
		return this.plan.target.label;
	}

	/** The remote host's network name (HostName). */
	get host(): string {
		return this.plan.target.host;
	}

	/** The remote user name. */
	get user(): string {
		return this.plan.target.user;
	}

	get state(): SessionState {
		return this.stateValue;
	}

	/** Subscribe to events; returns the unsubscribe function. */
	on(listener: (event: SessionEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The ready ssh2 client: connects (with retries) when there is none. */
	async client(): Promise<Client> {
		return (await this.ensure()).client;
	}

	/** Connects now (same as client(), without the result). */
	async connect(): Promise<void> {
		await this.ensure();
	}

	/** Runs a command line (already quoted: see exec.ts) on a new session channel. */
	async openExec(command: string): Promise<ClientChannel> {
		const release = await this.sessionSlots.acquire();
		try {
			for (let attempt = 1; ; attempt++) {
				const connection = await this.ensure();
				try {
					const channel = await this.channel(connection, 'a command channel', cb => connection.client.exec(command, cb));
					channel.once('close', release);
					return channel;
				} catch (error) {
					// sshd frees a session a moment after the client sees it closed: a full table passes quickly
					if (attempt >= SESSION_OPEN_RETRIES || !isSessionRefusal(error)) throw error;
					await new Promise(resolve => setTimeout(resolve, 25 * attempt));
				}
			}
		} catch (error) {
			release();
			throw error;
		}
	}

	/** A TCP connection from the remote host to `host:port` (ssh -L / -W). */
	async forwardOut(host: string, port: number): Promise<ClientChannel> {
		const connection = await this.ensure();
		return this.channel(connection, `a connection to ${host}:${port}`, cb => connection.client.forwardOut('127.0.0.1', 0, host, port, cb));
	}

	/** A connection to a unix socket on the remote host (direct-streamlocal@openssh.com). */
	async forwardOutStreamLocal(socketPath: string): Promise<ClientChannel> {
		const connection = await this.ensure();
		return this.channel(connection, `the unix socket ${socketPath}`, cb => connection.client.openssh_forwardOutStreamLocal(socketPath, cb));
	}

	/** The SFTP subsystem of the current connection (opened once per connection). */
	async sftp(): Promise<SFTPWrapper> {
		const client = await this.client();
		if (!this.sftpChannel) {
			const opening = this.sessionSlots.acquire().then(release => new Promise<SFTPWrapper>((resolve, reject) => {
				const failed = (error: RemoteError) => {
					release();
					reject(error);
				};
				try {
					client.sftp((error, sftp) => {
						if (error) return failed(channelOpenFailure(error, 'the SFTP subsystem', this.label));
						this.releaseSftp = release; // also released when the connection goes (adopt)
						sftp.once('close', () => {
							release();
							if (this.sftpChannel === opening) this.sftpChannel = undefined;
						});
						resolve(sftp);
					});
				} catch (error) {
					failed(classifyConnectError(error, this.errorContext()));
				}
			}));
			this.sftpChannel = opening;
			opening.catch(() => {
				if (this.sftpChannel === opening) this.sftpChannel = undefined;
			});
		}
		return this.sftpChannel;
	}

	/** Ends the connection for good (pending attempts are cancelled). */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.abort.abort();
		const connection = this.connection;
		this.connection = undefined;
		if (connection) {
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, 2000); // a server that does not close its side
				connection.client.once('close', () => {
					clearTimeout(timer);
					resolve();
				});
				connection.close();
			});
		}
		await this.connecting?.catch(() => {});
		this.setState('closed', {type: 'closed'});
	}

	private trackerOf(connection: Connection): ChannelTracker {
		let tracker = this.channels.get(connection);
		if (!tracker) {
			tracker = new ChannelTracker();
			this.channels.set(connection, tracker);
		}
		return tracker;
	}

	private errorContext() {
		return {target: this.label, host: this.plan.target.host, port: this.plan.target.port};
	}

	private channel(connection: Connection, what: string, open: (cb: (error: Error | undefined, channel: ClientChannel) => void) => unknown): Promise<ClientChannel> {
		return new Promise((resolve, reject) => {
			try {
				open((error, channel) => {
					if (error) return reject(channelOpenFailure(error, what, this.label));
					this.trackerOf(connection).add(channel);
					resolve(channel);
				});
			} catch (error) {
				reject(classifyConnectError(error, this.errorContext()));
			}
		});
	}

	private emit(event: SessionEvent): void {
		for (const listener of this.listeners) {
			try {
				listener(event);
			} catch {
				// a listener's bug must not break the connection
			}
		}
	}

	private setState(state: SessionState, event: SessionEvent): void {
		this.stateValue = state;
		this.emit(event);
	}

	/** One connect cycle at a time: `connecting` is it until it settles. */
	private startCycle(error?: RemoteError): Promise<Connection> {
		const attempt = this.cycle(error);
		this.connecting = attempt;
		const done = () => {
			if (this.connecting === attempt) this.connecting = undefined;
		};
		attempt.then(done, done);
		return attempt;
	}

	private ensure(): Promise<Connection> {
		if (this.closed) return Promise.reject(new RemoteError('cancelled', this.label, `${this.label}: the session is closed`));
		if (this.connection) return Promise.resolve(this.connection);
		return this.connecting ?? this.startCycle();
	}

	/** Attempts with backoff until one succeeds, a permanent error, the retries run out or close(). */
	private async cycle(firstError?: RemoteError): Promise<Connection> {
		const retries = this.options.retries ?? 5;
		let lastError = firstError;
		for (let attempt = 1; ; attempt++) {
			if (lastError) {
				if (!lastError.transient || attempt - 1 > retries) {
					this.setState('closed', {type: 'closed', error: lastError});
					throw lastError;
				}
				const inMs = backoffDelay(attempt - 1, this.options.backoff);
				this.setState('retrying', {type: 'retrying', attempt, inMs, error: lastError});
				await sleep(inMs, this.abort.signal);
			}
			if (this.closed) throw new RemoteError('cancelled', this.label, `${this.label}: the session is closed`);
			this.setState('connecting', {type: 'connecting', attempt});
			try {
				const connection = await openConnection(this.plan, {
					knownHosts: this.knownHosts,
					hashKnownHosts: this.options.hashKnownHosts ?? false,
					confirmUnknownHost: this.options.confirmUnknownHost,
					ask: this.options.ask,
					agent: this.options.agent === null ? undefined : this.options.agent ?? process.env.SSH_AUTH_SOCK,
					defaultIdentities: this.options.defaultIdentities ?? defaultIdentityFiles(),
					connectTimeoutMs: this.options.connectTimeoutMs ?? 15_000,
					keepaliveIntervalMs: this.options.keepaliveIntervalMs ?? 15_000,
					keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
					signal: this.abort.signal,
				});
				if (this.closed) {
					connection.close();
					throw new RemoteError('cancelled', this.label, `${this.label}: the session is closed`);
				}
				this.adopt(connection);
				this.setState('ready', {type: 'ready'});
				return connection;
			} catch (error) {
				lastError = classifyConnectError(error, this.errorContext());
				if (this.closed) throw lastError;
			}
		}
	}

	/** Watches an established connection: a drop clears it and (by default) reconnects in the background. */
	private adopt(connection: Connection): void {
		this.connection = connection;
		this.sftpChannel = undefined;
		let lost: RemoteError | undefined;
		connection.client.on('error', (error: Error) => {
			lost ??= classifyConnectError(error, this.errorContext());
		});
		connection.client.once('close', () => {
			this.channels.get(connection)?.dropAll();
			this.releaseSftp?.();
			this.releaseSftp = undefined;
			if (this.connection !== connection) return;
			this.connection = undefined;
			this.sftpChannel = undefined;
			connection.close();
			if (this.closed) return;
			const error = lost?.kind === 'disconnected' || lost?.kind === 'timeout'
				? lost
				: new RemoteError('disconnected', this.label, `${this.label}: connection lost${lost ? ` (${lost.message})` : ''}`, {}, {cause: lost});
			if (this.options.reconnect === false) {
				this.setState('idle', {type: 'closed', error});
				return;
			}
			if (!this.connecting) void this.startCycle(error);
		});
	}
}
