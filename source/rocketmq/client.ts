/**
 * RocketMQ remoting client: name server, broker and DLedger ports all speak the same framing.
 *
 * - One connection per endpoint, opened lazily on the first request and shared by concurrent requests.
 * - Requests are matched to responses by `opaque` (one counter per client). A response whose opaque is unknown
 *   (for example it arrived after its request timed out) is ignored, as are requests pushed by the server.
 * - Every request has a timeout: name servers and brokers never answer unknown codes. A timeout rejects only
 *   that request; the connection stays up.
 * - A malformed frame (ProtocolError from the decoder) or the peer closing/erroring rejects every pending
 *   request on that connection and drops it; the next request reconnects.
 * - Only READ_ONLY_CODES may be sent, checked in ONE place (`request`) before any connection is opened or any
 *   byte written. DLedger's VOTE/HEART_BEAT/APPEND/PUSH are refused even if someone adds them to the allow-list.
 * - Adding a new request later (send/pull path) = one RequestCode entry in codes.ts plus, if wanted, a typed
 *   wrapper here calling `request()`.
 */
import {encodeRequest, FrameDecoder, isResponse, ProtocolError, type Frame} from './codec.ts';
import {FORBIDDEN_CODES, READ_ONLY_CODES, RequestCode, ResponseCode} from './codes.ts';
import {
	decodeBrokerConfig,
	decodeClusterInfo,
	decodeDledgerMetadata,
	decodeRuntimeInfo,
	decodeTopicRoute,
	dledgerMetadataRequest,
	topicRouteRequest,
	type ClusterInfo,
	type DledgerMetadata,
	type TopicRoute,
} from './messages.ts';
import {DEFAULT_CONNECT_TIMEOUT_MS, formatEndpoint, parseEndpoint, type Endpoint, type SocketFactory} from './transport.ts';
import type {Duplex} from 'node:stream';

export type EndpointLike = string | Endpoint;

export interface RequestOptions {
	extFields?: Record<string, string>;
	body?: Buffer;
	/** Overrides the client's timeout for this request (time from write to response). */
	timeoutMs?: number;
}

export interface RemotingClientOptions {
	socketFactory: SocketFactory;
	/** Per request, from the moment it is written. Default 3000 ms. */
	timeoutMs?: number;
	/** Bound on the socket factory (enforced here too, so an SSH channel that hangs is cut off). Default 3000 ms. */
	connectTimeoutMs?: number;
}

const FORBIDDEN: ReadonlySet<number> = new Set(Object.values(FORBIDDEN_CODES));
const CODE_NAMES = new Map<number, string>(Object.entries(RequestCode).map(([name, code]) => [code, name]));
const RESPONSE_NAMES = new Map<number, string>(Object.entries(ResponseCode).map(([name, code]) => [code, name]));
/** Only for messages: what kind of port a code is sent to. */
const ROLES = new Map<number, string>([
	[RequestCode.GET_BROKER_CLUSTER_INFO, 'name server'],
	[RequestCode.GET_ROUTEINFO_BY_TOPIC, 'name server'],
	[RequestCode.GET_BROKER_CONFIG, 'broker'],
	[RequestCode.GET_BROKER_RUNTIME_INFO, 'broker'],
	[RequestCode.DLEDGER_METADATA, 'DLedger port'],
]);

/** `name server 10.0.0.1:9876` (the kind of port is known from the code), or just `H:P`. */
function describeEndpoint(endpoint: Endpoint, code: number): string {
	const role = ROLES.get(code);
	return role ? `${role} ${formatEndpoint(endpoint)}` : formatEndpoint(endpoint);
}

/** `GET_BROKER_CLUSTER_INFO (106)`, or `code 51001` for codes without a name. */
export function describeCode(code: number): string {
	const name = CODE_NAMES.get(code);
	return name ? `${name} (${code})` : `code ${code}`;
}

/** The server answered, with a response code other than success. */
export class RemotingError extends Error {
	override readonly name = 'RemotingError';
	constructor(
		readonly code: number,
		readonly remark: string | undefined,
		readonly requestCode: number,
		readonly endpoint: string,
	) {
		const codeName = RESPONSE_NAMES.get(code);
		super(
			`${endpoint} answered ${describeCode(requestCode)} with code ${code}${codeName ? ` (${codeName})` : ''}` +
				(remark ? `: ${remark.trim().split('\n')[0]}` : ''),
		);
	}
}

/** A code outside the read-only allow-list was asked for; nothing was sent. */
export class ForbiddenCodeError extends Error {
	override readonly name = 'ForbiddenCodeError';
	constructor(readonly code: number) {
		super(`refusing to send code ${code}: rmq-tui only sends read-only queries`);
	}
}

interface Pending {
	code: number;
	timeoutMs: number;
	resolve: (frame: Frame) => void;
	reject: (error: Error) => void;
	timer?: NodeJS.Timeout;
}

class Connection {
	readonly pending = new Map<number, Pending>();
	private readonly decoder = new FrameDecoder();
	private readonly abort = new AbortController();
	private socket: Duplex | undefined;
	private dead = false;
	readonly ready: Promise<void>;

	constructor(
		readonly endpoint: Endpoint,
		factory: SocketFactory,
		connectTimeoutMs: number,
		private readonly onDead: (connection: Connection) => void,
	) {
		this.ready = this.open(factory, connectTimeoutMs);
		this.ready.catch(() => {}); // failures are reported through the pending requests
	}

	private async open(factory: SocketFactory, connectTimeoutMs: number): Promise<void> {
		const shown = formatEndpoint(this.endpoint);
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				reject(new Error(`connect to ${shown} timed out after ${connectTimeoutMs} ms`));
				this.abort.abort();
			}, connectTimeoutMs);
		});
		// Through a microtask, so a factory that throws synchronously still lands in the catch below.
		const dialing = Promise.resolve().then(() => {
			if (this.dead) throw new Error(`connect to ${shown} abandoned`);
			return factory(this.endpoint, this.abort.signal);
		});
		let socket: Duplex;
		try {
			socket = await Promise.race([dialing, timedOut]);
		} catch (error) {
			// A factory that resolves after we gave up must not leak its socket.
			dialing.then(late => late.destroy(), () => {});
			const failure = error instanceof Error ? error : new Error(String(error));
			this.fail(() => failure);
			throw failure;
		} finally {
			clearTimeout(timer);
		}
		if (this.dead) {
			socket.destroy();
			throw new Error(`connect to ${shown} abandoned`);
		}
		this.socket = socket;
		socket.on('data', (chunk: Buffer) => this.onData(chunk));
		socket.on('error', (error: Error) => this.fail(where => new Error(`connection to ${where} failed: ${error.message}`, {cause: error})));
		socket.on('end', () => this.onPeerClosed());
		socket.on('close', () => this.onPeerClosed());
		if (socket.destroyed) this.onPeerClosed();
	}

	send(opaque: number, frame: Buffer, pending: Pending): void {
		this.pending.set(opaque, pending);
		this.ready.then(
			() => {
				if (!this.pending.has(opaque) || this.dead) return;
				pending.timer = setTimeout(() => {
					if (this.pending.get(opaque) !== pending) return;
					this.pending.delete(opaque);
					pending.reject(new Error(`no answer to ${describeCode(pending.code)} from ${describeEndpoint(this.endpoint, pending.code)} within ${pending.timeoutMs} ms`));
				}, pending.timeoutMs);
				this.socket!.write(frame);
			},
			() => {}, // fail() has rejected it already
		);
	}

	private onData(chunk: Buffer): void {
		if (this.dead) return;
		const {frames, error} = this.decoder.push(chunk);
		for (const frame of frames) {
			// Requests pushed by the server (flag 0/2) have the server's own opaque: not ours.
			if (!isResponse(frame.header)) continue;
			const pending = this.pending.get(frame.header.opaque);
			if (!pending) continue;
			this.pending.delete(frame.header.opaque);
			clearTimeout(pending.timer);
			pending.resolve(frame);
		}
		if (error) this.fail(where => new ProtocolError(`${where} sent a malformed frame: ${error.message}`));
	}

	private onPeerClosed(): void {
		if (this.dead) return;
		const buffered = this.decoder.buffered;
		this.fail(
			where =>
				new Error(buffered > 0 ? `${where} closed the connection mid-frame (${buffered} bytes of an unfinished frame)` : `${where} closed the connection`),
		);
	}

	/**
	 * Reject everything pending, free the socket, and let the client forget this connection. The error is built
	 * per request, naming the endpoint by the kind of port its code goes to.
	 */
	fail(makeError: (where: string) => Error): void {
		if (this.dead) return;
		this.dead = true;
		this.onDead(this);
		this.abort.abort();
		const pending = [...this.pending.values()];
		this.pending.clear();
		for (const p of pending) {
			clearTimeout(p.timer);
			p.reject(makeError(describeEndpoint(this.endpoint, p.code)));
		}
		this.socket?.destroy();
	}

	async close(): Promise<void> {
		this.fail(where => new Error(`the remoting client was closed before ${where} answered`));
		const socket = this.socket;
		if (socket && !socket.closed) await new Promise<void>(resolve => socket.once('close', () => resolve()));
	}
}

export class RemotingClient {
	private readonly socketFactory: SocketFactory;
	private readonly timeoutMs: number;
	private readonly connectTimeoutMs: number;
	private readonly connections = new Map<string, Connection>();
	private nextOpaque = 1;
	private closed = false;

	constructor(options: RemotingClientOptions) {
		this.socketFactory = options.socketFactory;
		this.timeoutMs = options.timeoutMs ?? 3000;
		this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	}

	/**
	 * Send one request and resolve with the response frame, whatever its response code. The ONLY place that
	 * writes requests; the allow-list is checked here before any connection is opened.
	 */
	request(endpoint: EndpointLike, code: number, options: RequestOptions = {}): Promise<Frame> {
		if (FORBIDDEN.has(code) || !READ_ONLY_CODES.has(code)) return Promise.reject(new ForbiddenCodeError(code));
		if (this.closed) return Promise.reject(new Error(`the remoting client is closed; ${describeCode(code)} not sent`));
		let target: Endpoint;
		try {
			target = parseEndpoint(endpoint);
		} catch (error) {
			return Promise.reject(error);
		}
		const opaque = this.nextOpaque;
		this.nextOpaque = this.nextOpaque >= 0x7fffffff ? 1 : this.nextOpaque + 1;
		let frame: Buffer;
		try {
			frame = encodeRequest({code, opaque, extFields: options.extFields, body: options.body});
		} catch (error) {
			return Promise.reject(error);
		}
		const connection = this.connection(target);
		return new Promise<Frame>((resolve, reject) => {
			connection.send(opaque, frame, {code, timeoutMs: options.timeoutMs ?? this.timeoutMs, resolve, reject});
		});
	}

	/** GET_BROKER_CLUSTER_INFO (106) from one name server. */
	async clusterInfo(nameServer: EndpointLike): Promise<ClusterInfo> {
		return decodeClusterInfo(await this.expectSuccess(nameServer, RequestCode.GET_BROKER_CLUSTER_INFO, {}));
	}

	/** GET_ROUTEINFO_BY_TOPIC (105). An unknown topic rejects with RemotingError code 17 (TOPIC_NOT_EXIST). */
	async topicRoute(nameServer: EndpointLike, topic: string): Promise<TopicRoute> {
		return decodeTopicRoute(await this.expectSuccess(nameServer, RequestCode.GET_ROUTEINFO_BY_TOPIC, topicRouteRequest(topic)));
	}

	/** GET_BROKER_CONFIG (26): the live properties (brokerRole, brokerId, dLeger*). */
	async brokerConfig(broker: EndpointLike): Promise<Map<string, string>> {
		return decodeBrokerConfig(await this.expectSuccess(broker, RequestCode.GET_BROKER_CONFIG, {}));
	}

	/** GET_BROKER_RUNTIME_INFO (28): the `table` of string stats. */
	async brokerRuntimeInfo(broker: EndpointLike): Promise<Record<string, string>> {
		return decodeRuntimeInfo(await this.expectSuccess(broker, RequestCode.GET_BROKER_RUNTIME_INFO, {}));
	}

	/**
	 * DLedger METADATA (50000) to a node's DLedger port; `remoteId` is that node's own id. Success is header code
	 * 200. The BODY's code (200 ok, 400 unknown group, 401 unknown member) is returned, not thrown: those replies
	 * still carry `leaderId`, and a wrong group/id is a configuration finding for the caller to show.
	 */
	async dledgerMetadata(dledger: EndpointLike, group: string, remoteId: string): Promise<DledgerMetadata> {
		const {extFields, body} = dledgerMetadataRequest(group, remoteId);
		const frame = await this.expectCode(dledger, RequestCode.DLEDGER_METADATA, {extFields, body}, ResponseCode.DLEDGER_SUCCESS);
		return decodeDledgerMetadata(frame.body);
	}

	/** Reject everything pending, end every socket and wait until they are closed. Later requests reject. */
	async close(): Promise<void> {
		this.closed = true;
		const connections = [...this.connections.values()];
		this.connections.clear();
		await Promise.all(connections.map(c => c.close()));
	}

	private async expectSuccess(endpoint: EndpointLike, code: number, options: RequestOptions): Promise<Buffer> {
		return (await this.expectCode(endpoint, code, options, ResponseCode.SUCCESS)).body;
	}

	private async expectCode(endpoint: EndpointLike, code: number, options: RequestOptions, success: number): Promise<Frame> {
		const frame = await this.request(endpoint, code, options);
		if (frame.header.code !== success) throw new RemotingError(frame.header.code, frame.header.remark, code, describeEndpoint(parseEndpoint(endpoint), code));
		return frame;
	}

	private connection(endpoint: Endpoint): Connection {
		const key = formatEndpoint(endpoint);
		let connection = this.connections.get(key);
		if (!connection) {
			connection = new Connection(endpoint, this.socketFactory, this.connectTimeoutMs, dead => {
				if (this.connections.get(key) === dead) this.connections.delete(key);
			});
			this.connections.set(key, connection);
		}
		return connection;
	}
}
