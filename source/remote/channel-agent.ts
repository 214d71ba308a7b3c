/**
 * An http.Agent whose connections are SSH channels (or any Duplex): keep-alive, so a channel is opened once and
 * reused for request after request. node:http expects a net.Socket; a channel lacks a few of its methods, which are
 * added as no-ops (timeouts and TCP options belong to the SSH connection underneath).
 *
 * Gotcha: createConnection must NOT return anything — a returned value is taken as the socket at once and the
 * request hangs. It calls the callback instead.
 */
import http from 'node:http';
import {Duplex} from 'node:stream';

const SOCKET_METHODS = ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'] as const;

/**
 * Adds the net.Socket methods node:http calls (as no-ops) to a Duplex that lacks them, and marks it destroyed once
 * the far side ended or the channel closed: ssh2 channels are half-open streams that emit 'close' by hand, so
 * without this an http.Agent would keep a dead channel as a free keep-alive socket and hand it to the next request.
 */
export function asSocket<T extends Duplex>(stream: T): T {
	const s = stream as unknown as Record<string, unknown>;
	for (const method of SOCKET_METHODS) {
		if (typeof s[method] !== 'function') s[method] = () => stream;
	}
	const dead = () => {
		if (!stream.destroyed) Duplex.prototype.destroy.call(stream);
	};
	stream.once('end', dead);
	stream.once('close', dead);
	return stream;
}

export class ChannelAgent extends http.Agent {
	constructor(
		private readonly open: () => Promise<Duplex>,
		options: {maxSockets?: number} = {},
	) {
		super({keepAlive: true, maxSockets: options.maxSockets ?? 16, maxFreeSockets: options.maxSockets ?? 16});
	}

	override createConnection(_options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): undefined {
		this.open().then(
			stream => callback?.(null, asSocket(stream)),
			(error: Error) => callback?.(error, undefined as unknown as Duplex),
		);
		return undefined;
	}
}
