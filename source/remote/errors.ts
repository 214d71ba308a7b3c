/**
 * Errors of the remote layer, each with a kind the UI can act on and a message that says what happened and what to
 * do. `classifyConnectError` (pure) turns what node:net and ssh2 throw into one of them.
 */

export type RemoteErrorKind =
	/** Nothing listens on the port (or a firewall rejects). */
	| 'refused'
	/** No answer in time: TCP connect, SSH banner, key exchange, keepalive or a command. */
	| 'timeout'
	/** The host name does not resolve. */
	| 'dns'
	/** No route to the host or network. */
	| 'unreachable'
	/** Every authentication method failed (`tried` says which). */
	| 'auth'
	| 'host-key-changed'
	| 'host-key-revoked'
	/** An unknown host key the user did not accept. */
	| 'host-key-declined'
	/** The bastion (ProxyJump) could not be reached or used; `cause` is its own error. */
	| 'bastion'
	/** An established connection was lost. */
	| 'disconnected'
	/** The peer spoke no (compatible) SSH. */
	| 'protocol'
	/** The user cancelled a prompt, or close() was called. */
	| 'cancelled'
	/** A bad ProxyJump / target setting. */
	| 'config'
	/** sudo refused (needs a password, not allowed, missing). */
	| 'sudo'
	/** A remote operation failed (channel refused, command failed). */
	| 'remote';

const TRANSIENT: ReadonlySet<RemoteErrorKind> = new Set(['refused', 'timeout', 'unreachable', 'disconnected']);

export interface RemoteErrorDetails {
	/** auth: the methods tried, in order, e.g. `publickey (ssh-agent, 1 key)`. */
	tried?: string[];
	/** auth: what the server said it accepts. */
	serverMethods?: string[];
	/** host-key-changed / host-key-revoked: the OpenSSH warning text. */
	warning?: string;
	/** dns: whether the failure may pass (EAI_AGAIN). */
	temporary?: boolean;
}

export class RemoteError extends Error {
	constructor(
		readonly kind: RemoteErrorKind,
		/** `user@host:port` (or the bastion's) the error is about. */
		readonly target: string,
		message: string,
		readonly details: RemoteErrorDetails = {},
		options?: {cause?: unknown},
	) {
		super(message, options);
		this.name = 'RemoteError';
	}

	/** Worth retrying with backoff (the same attempt may succeed later). */
	get transient(): boolean {
		if (this.kind === 'bastion') return this.cause instanceof RemoteError && this.cause.transient;
		if (this.kind === 'dns') return this.details.temporary === true;
		return TRANSIENT.has(this.kind);
	}
}

export const isRemoteError = (error: unknown): error is RemoteError => error instanceof RemoteError;

interface ErrorLike {
	message?: string;
	code?: string | number;
	level?: string;
	reason?: number;
}

export interface ErrorContext {
	/** `user@host:port`. */
	target: string;
	host: string;
	port: number;
}

/** A node:net or ssh2 error → RemoteError. RemoteErrors pass through unchanged. */
export function classifyConnectError(error: unknown, context: ErrorContext): RemoteError {
	if (error instanceof RemoteError) return error;
	const e = (typeof error === 'object' && error !== null ? error : {message: String(error)}) as ErrorLike;
	const message = e.message ?? String(error);
	const {target, host, port} = context;
	const make = (kind: RemoteErrorKind, text: string, details: RemoteErrorDetails = {}) =>
		new RemoteError(kind, target, `${target}: ${text}`, details, {cause: error});
	switch (e.code) {
		case 'ECONNREFUSED':
			return make('refused', `connection refused: nothing listens on port ${port} of ${host} (is sshd running? is the port right?)`);
		case 'ETIMEDOUT':
			return make('timeout', `TCP connection to ${host}:${port} timed out (host down, or a firewall drops packets?)`);
		case 'EHOSTUNREACH':
		case 'EHOSTDOWN':
			return make('unreachable', `${host} is unreachable (${e.code}): no route to the host`);
		case 'ENETUNREACH':
			return make('unreachable', `the network of ${host} is unreachable (ENETUNREACH)`);
		case 'ENOTFOUND':
			return make('dns', `cannot resolve host name "${host}" (ENOTFOUND): check the name or ~/.ssh/config HostName`);
		case 'EAI_AGAIN':
			return make('dns', `cannot resolve host name "${host}" right now (EAI_AGAIN: DNS server not answering)`, {temporary: true});
		case 'ECONNRESET':
		case 'EPIPE':
			return make('disconnected', `the connection was reset (${e.code})`);
		default:
			break;
	}
	if (e.level === 'client-timeout' && /keepalive/i.test(message)) {
		return make('disconnected', 'the server stopped answering (keepalive timeout): connection lost');
	}
	if (e.level === 'client-timeout') return make('timeout', message);
	if (/Connection lost before handshake/i.test(message)) {
		return make('protocol', 'the server closed the connection before the SSH handshake (not an SSH server, or sshd refused: MaxStartups, TCP wrappers, a ban?)');
	}
	if (e.level === 'handshake' || e.level === 'protocol') {
		return make('protocol', `SSH handshake failed: ${message}`);
	}
	if (typeof e.code === 'number') {
		// an SSH_MSG_DISCONNECT from the server (e.g. "Too many authentication failures")
		return make(e.code === 14 ? 'auth' : 'disconnected', `the server disconnected: ${message}`);
	}
	if (/No response from server|Not connected|socket.*(closed|ended)/i.test(message)) {
		return make('disconnected', `connection lost (${message})`);
	}
	return make('remote', message);
}

/** Why an SSH channel open was refused, from the reason code (RFC 4254 §5.1) ssh2 puts on the error. */
export function channelOpenFailure(error: unknown, what: string, target: string): RemoteError {
	const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
	const reason = e.reason;
	const detail = (e.message ?? String(error)).replace(/^\(SSH\) Channel open failure: ?/, '');
	if (reason === 1) {
		return new RemoteError('remote', target, `${target}: the server does not allow ${what} (administratively prohibited: see AllowTcpForwarding / AllowStreamLocalForwarding in sshd_config)`, {}, {cause: error});
	}
	if (reason === 2) {
		return new RemoteError('refused', target, `${target}: ${what} failed on the server side (${detail || 'connect failed'})`, {}, {cause: error});
	}
	if (e.reason === undefined && /No response from server|Not connected/i.test(detail)) {
		return new RemoteError('disconnected', target, `${target}: connection lost while opening ${what}`, {}, {cause: error});
	}
	return new RemoteError('remote', target, `${target}: cannot open ${what}: ${detail}`, {}, {cause: error});
}
