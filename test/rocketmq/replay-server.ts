/**
 * A raw TCP server that answers RocketMQ remoting requests with the REAL captured 4.7.1 response frames
 * (test/fixtures/rocketmq-4.7.1). Deliberately independent of source/rocketmq/codec.ts (unlike the simulator):
 * it parses requests with its own dozen lines and never re-serialises a captured response.
 *
 * Opaque rewrite: a captured response carries the opaque of the request it answered. The server replaces only
 * the decimal digits after `"opaque":` in the captured header bytes with the new request's opaque. When the digit
 * count is the same (e.g. 6 → 7), the frame keeps its exact length and every other byte, so the length prefix and
 * the header-length field stay as captured. When it differs (e.g. 6 → 12), the header bytes are spliced the same
 * way (still not re-serialised: key order, escapes and the other fields stay byte for byte) and ONLY the two
 * length fields are recomputed; the body is untouched in both cases. `"opaque":` can only match the top-level key:
 * inside a JSON string the quote before the colon would be escaped (`\"opaque\":`).
 *
 * Behaviours: pick a fixture per request (by code, plus the topic extField or the METADATA body); stay silent
 * for a code (as real name servers and brokers do for unknown codes); close mid-frame; delay; send a raw frame
 * (e.g. oversized); deliver the bytes whole, split at a given offset, byte by byte, or in random chunks; batch
 * several responses into one write (coalesced), optionally shuffled (responses out of request order).
 */
import net from 'node:net';
import {readFileSync} from 'node:fs';
import {seededRandom} from '../../source/util/random.ts';

const FIXTURE_DIR = new URL('../fixtures/rocketmq-4.7.1/', import.meta.url);

export const loadFixture = (name: string): Buffer => readFileSync(new URL(name.endsWith('.bin') ? name : `${name}.bin`, FIXTURE_DIR));

export interface ReceivedRequest {
	code: number;
	opaque: number;
	flag: number;
	extFields: Record<string, string>;
	body: Buffer;
	/** The complete frame as received, length prefix included. */
	bytes: Buffer;
	/** Which accepted connection (0, 1, …) it came in on. */
	connection: number;
}

/** What to do with one request. */
export type Reply =
	| {kind: 'fixture'; name: string}
	| {kind: 'silent'}
	/** Write the fixture's first `at` bytes (opaque rewritten), then end the connection. */
	| {kind: 'close-mid-frame'; name: string; at: number}
	/** Write these bytes verbatim (no opaque rewrite). */
	| {kind: 'raw'; bytes: Buffer};

export type Chunking = 'whole' | 'bytes' | 'random' | {splitAt: number};

export interface ReplayOptions {
	/** Overrides the default fixture choice; return undefined to fall back to it. */
	respond?: (request: ReceivedRequest) => Reply | undefined;
	/** Codes never answered (the connection stays open). */
	silentCodes: Set<number>;
	/** Delay before a response is queued, in ms. */
	delayMs: number;
	/** How queued bytes are cut into socket writes; with a pause between writes so the client reads them apart. */
	chunking: Chunking;
	/** Hold responses until this many are queued on a connection, then write them together. */
	batch: number;
	/** Shuffle each batch (responses go out in a different order from the requests). */
	shuffle: boolean;
	/** Seed of the PRNG used by 'random' chunking and shuffling. */
	seed: number;
}

/** The default fixture for a request, like a healthy 4.7.1 cluster; unknown codes: silent, as namesrv/broker. */
export function defaultReply(request: ReceivedRequest): Reply {
	switch (request.code) {
		case 106:
			return {kind: 'fixture', name: 'namesrv-cluster-info-2groups.response'};
		case 105:
			return {kind: 'fixture', name: request.extFields['topic'] === 'TBW102' ? 'namesrv-route-TBW102.response' : 'namesrv-route-unknown-topic.response'};
		case 26:
			return {kind: 'fixture', name: 'broker-config-leader.response'};
		case 28:
			return {kind: 'fixture', name: 'broker-runtime-info.response'};
		case 50000: {
			// The captured server is RaftNode00's n0 (127.0.0.1:40911).
			let body: {group?: unknown; remoteId?: unknown} = {};
			try {
				body = JSON.parse(request.body.toString('utf8')) as typeof body;
			} catch {
				return {kind: 'silent'};
			}
			if (body.group !== 'RaftNode00') return {kind: 'fixture', name: 'dledger-metadata-unknown-group.response'};
			if (body.remoteId !== 'n0') return {kind: 'fixture', name: 'dledger-metadata-unknown-member.response'};
			return {kind: 'fixture', name: 'dledger-metadata-ok.response'};
		}
		default:
			return {kind: 'silent'};
	}
}

/** Replace the opaque inside a captured frame (see the file comment). */
export function rewriteOpaque(frame: Buffer, opaque: number): Buffer {
	const headerLength = frame.readInt32BE(4) & 0xffffff;
	const header = frame.subarray(8, 8 + headerLength).toString('latin1');
	const matches = [...header.matchAll(/"opaque":(-?\d+)/g)];
	if (matches.length !== 1) throw new Error(`captured header has ${matches.length} "opaque" keys`);
	const match = matches[0]!;
	const start = match.index + '"opaque":'.length;
	const digits = String(opaque);
	const newHeader = Buffer.from(header.slice(0, start) + digits + header.slice(start + match[1]!.length), 'latin1');
	const body = frame.subarray(8 + headerLength);
	const prefix = Buffer.alloc(8);
	if (newHeader.length === headerLength) {
		frame.copy(prefix, 0, 0, 8); // same digit count: the captured length fields stay as they were
	} else {
		prefix.writeInt32BE(4 + newHeader.length + body.length, 0);
		prefix.writeInt32BE(((frame.readInt32BE(4) >>> 24) << 24) | newHeader.length, 4);
	}
	return Buffer.concat([prefix, newHeader, body]);
}


const pause = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

class ServerConnection {
	private buffered = Buffer.alloc(0);
	private queue: Buffer[] = [];
	private writing: Promise<void> = Promise.resolve();
	private ended = false;

	constructor(
		readonly socket: net.Socket,
		readonly index: number,
		private readonly server: ReplayServer,
	) {
		socket.setNoDelay(true);
		socket.on('data', chunk => this.onData(chunk));
		socket.on('error', () => {});
	}

	private onData(chunk: Buffer): void {
		this.server.bytesReceived += chunk.length;
		this.buffered = Buffer.concat([this.buffered, chunk]);
		while (this.buffered.length >= 8) {
			const length = this.buffered.readInt32BE(0);
			if (this.buffered.length < 4 + length) return;
			const bytes = this.buffered.subarray(0, 4 + length);
			this.buffered = this.buffered.subarray(4 + length);
			const headerLength = bytes.readInt32BE(4) & 0xffffff;
			const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as {code: number; opaque: number; flag: number; extFields?: Record<string, string>};
			const request: ReceivedRequest = {
				code: header.code,
				opaque: header.opaque,
				flag: header.flag,
				extFields: header.extFields ?? {},
				body: Buffer.from(bytes.subarray(8 + headerLength)),
				bytes: Buffer.from(bytes),
				connection: this.index,
			};
			this.server.received.push(request);
			void this.handle(request);
		}
	}

	private async handle(request: ReceivedRequest): Promise<void> {
		const options = this.server.options;
		const reply: Reply = options.silentCodes.has(request.code) ? {kind: 'silent'} : (options.respond?.(request) ?? defaultReply(request));
		if (options.delayMs > 0) await pause(options.delayMs);
		if (this.ended) return;
		switch (reply.kind) {
			case 'silent':
				return;
			case 'fixture':
				return this.enqueue(rewriteOpaque(loadFixture(reply.name), request.opaque));
			case 'raw':
				return this.enqueue(reply.bytes);
			case 'close-mid-frame': {
				const bytes = rewriteOpaque(loadFixture(reply.name), request.opaque).subarray(0, reply.at);
				this.ended = true;
				this.writing = this.writing.then(() => new Promise<void>(resolve => this.socket.end(bytes, () => resolve())));
				await this.writing;
			}
		}
	}

	private enqueue(frame: Buffer): void {
		this.queue.push(frame);
		const {batch} = this.server.options;
		if (this.queue.length < batch) return;
		let frames = this.queue;
		this.queue = [];
		if (this.server.options.shuffle) {
			frames = [...frames];
			for (let i = frames.length - 1; i > 0; i--) {
				const j = Math.floor(this.server.random() * (i + 1));
				[frames[i], frames[j]] = [frames[j]!, frames[i]!];
			}
		}
		const data = Buffer.concat(frames);
		this.writing = this.writing.then(() => this.write(data));
	}

	private async write(data: Buffer): Promise<void> {
		const {chunking} = this.server.options;
		const pieces: Buffer[] = [];
		if (chunking === 'whole') pieces.push(data);
		else if (chunking === 'bytes') for (let i = 0; i < data.length; i++) pieces.push(data.subarray(i, i + 1));
		else if (chunking === 'random') {
			for (let i = 0; i < data.length; ) {
				const size = 1 + Math.floor(this.server.random() * 64);
				pieces.push(data.subarray(i, i + size));
				i += size;
			}
		} else {
			pieces.push(data.subarray(0, chunking.splitAt), data.subarray(chunking.splitAt));
		}
		for (const [i, piece] of pieces.entries()) {
			if (this.ended || this.socket.destroyed) return;
			if (piece.length > 0) this.socket.write(piece);
			// Give the client's event loop a chance to read this piece on its own.
			if (i < pieces.length - 1) await (chunking === 'bytes' ? new Promise<void>(resolve => setImmediate(resolve)) : pause(1));
		}
	}

	close(): void {
		this.ended = true;
		this.socket.destroy();
	}
}

export class ReplayServer {
	readonly received: ReceivedRequest[] = [];
	bytesReceived = 0;
	/** Connections accepted so far. */
	accepted = 0;
	options: ReplayOptions;
	random: () => number;
	private readonly open = new Set<ServerConnection>();

	private constructor(
		private readonly server: net.Server,
		options: Partial<ReplayOptions>,
	) {
		this.options = {silentCodes: new Set(), delayMs: 0, chunking: 'whole', batch: 1, shuffle: false, seed: 1, ...options};
		this.random = seededRandom(this.options.seed);
		server.on('connection', socket => {
			const connection = new ServerConnection(socket, this.accepted++, this);
			this.open.add(connection);
			socket.on('close', () => this.open.delete(connection));
		});
	}

	static async start(options: Partial<ReplayOptions> = {}): Promise<ReplayServer> {
		const server = net.createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		return new ReplayServer(server, options);
	}

	get port(): number {
		return (this.server.address() as net.AddressInfo).port;
	}

	/** `127.0.0.1:<port>`. */
	get endpoint(): string {
		return `127.0.0.1:${this.port}`;
	}

	/** Connections currently open (server side). */
	get openConnections(): number {
		return this.open.size;
	}

	/** Change behaviour between requests. */
	set(options: Partial<ReplayOptions>): void {
		this.options = {...this.options, ...options};
		if (options.seed !== undefined) this.random = seededRandom(options.seed);
	}

	/** Resolve once no client connection is open (polling; fails after timeoutMs). */
	async waitForNoConnections(timeoutMs = 2000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.open.size > 0) {
			if (Date.now() > deadline) throw new Error(`${this.open.size} connection(s) still open after ${timeoutMs} ms`);
			await pause(5);
		}
	}

	/** Drop every client connection (as a crashed server would). */
	dropConnections(): void {
		for (const c of this.open) c.close();
	}

	async close(): Promise<void> {
		this.dropConnections();
		await new Promise<void>(resolve => this.server.close(() => resolve()));
	}
}
