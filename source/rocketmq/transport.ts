/**
 * How the remoting client reaches an endpoint. A socket factory returns any node:stream Duplex, so the same
 * client can dial directly (`directTcp`) or through an SSH connection (an ssh2 `forwardOut` channel is a Duplex):
 * ports 9876/10911/20911 are usually firewalled from the operator's laptop.
 */
import net from 'node:net';
import type {Duplex} from 'node:stream';

export interface Endpoint {
	host: string;
	port: number;
}

/**
 * Open a byte stream to `endpoint`. Reject with a readable Error when it cannot be opened; honour `signal`
 * (the client aborts it on close() or when it gives up), destroying anything half-open.
 */
export type SocketFactory = (endpoint: Endpoint, signal: AbortSignal) => Promise<Duplex>;

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/** `host:port`, with IPv6 hosts bracketed: `[::1]:9876`. */
export function formatEndpoint(endpoint: Endpoint): string {
	return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** Parse `"host:port"` / `"[::1]:9876"`, or check an `{host, port}` object. Throws a readable Error. */
export function parseEndpoint(value: string | Endpoint): Endpoint {
	if (typeof value !== 'string') {
		checkPort(value.port, formatEndpoint(value));
		if (value.host === '') throw new Error(`endpoint ${formatEndpoint(value)} has an empty host`);
		return {host: value.host.replace(/^\[(.*)\]$/, '$1'), port: value.port};
	}
	const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
	const plain = /^([^:\s]+):(\d+)$/.exec(value);
	const match = bracketed ?? plain;
	if (!match) throw new Error(`endpoint "${value}" is not host:port (IPv6 as [addr]:port)`);
	const port = Number(match[2]);
	checkPort(port, value);
	return {host: match[1]!, port};
}

function checkPort(port: number, shown: string): void {
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`endpoint "${shown}" has no valid port (1–65535)`);
}

/** Dial with node:net; Nagle off (requests are small and latency matters for failover polling). */
export function directTcp(options: {connectTimeoutMs?: number} = {}): SocketFactory {
	const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	return (endpoint, signal) =>
		new Promise<Duplex>((resolve, reject) => {
			const shown = formatEndpoint(endpoint);
			if (signal.aborted) {
				reject(new Error(`connect to ${shown} aborted`));
				return;
			}
			const socket = net.connect({host: endpoint.host, port: endpoint.port});
			socket.setNoDelay(true);
			const finish = (error?: Error) => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				socket.off('connect', onConnect);
				socket.off('error', onError);
				if (error) {
					socket.destroy();
					reject(error);
				} else {
					resolve(socket);
				}
			};
			const onConnect = () => finish();
			const onError = (error: NodeJS.ErrnoException) => finish(describeConnectError(error, shown));
			const onAbort = () => finish(new Error(`connect to ${shown} aborted`));
			const timer = setTimeout(() => finish(new Error(`connect to ${shown} timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs);
			socket.once('connect', onConnect);
			socket.once('error', onError);
			signal.addEventListener('abort', onAbort, {once: true});
		});
}

function describeConnectError(error: NodeJS.ErrnoException, shown: string): Error {
	switch (error.code) {
		case 'ECONNREFUSED':
			return new Error(`${shown} refused the connection`, {cause: error});
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return new Error(`${shown} is unreachable (${error.code})`, {cause: error});
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new Error(`cannot resolve the host of ${shown} (${error.code})`, {cause: error});
		default:
			return new Error(`connect to ${shown} failed: ${error.message}`, {cause: error});
	}
}

/**
 * Dial every endpoint somewhere else: the simulated cluster advertises its planned addresses (192.168.1.71:10911)
 * and listens on loopback; this factory takes the client there. Errors name the planned endpoint.
 */
export function mappedTcp(map: (endpoint: Endpoint) => Endpoint, options: {connectTimeoutMs?: number} = {}): SocketFactory {
	const dial = directTcp(options);
	return (endpoint, signal) => dial(map(endpoint), signal);
}
