/**
 * RocketMQ remoting frames (pure): `[int32 length][int32 codec<<24 | headerLength][header JSON][body]`.
 * The stream decoder is incremental (a frame may arrive in pieces, or several per chunk) and never trusts a
 * declared length: over MAX_FRAME_BYTES, or a header longer than its frame, is a protocol error for that
 * connection, returned rather than thrown, and nothing of the declared size is allocated.
 */

export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;
/** RocketMQ 4.7.1's remoting version (MQVersion.Version.V4_7_1). */
export const VERSION_4_7_1 = 355;
const JSON_CODEC = 0;

export interface RemotingHeader {
	code: number;
	opaque: number;
	flag: number;
	language?: string;
	version?: number;
	remark?: string;
	extFields?: Record<string, string>;
	serializeTypeCurrentRPC?: string;
}

export interface Frame {
	header: RemotingHeader;
	body: Buffer;
}

export class ProtocolError extends Error {
	override readonly name = 'ProtocolError';
}

export const isResponse = (h: RemotingHeader): boolean => (h.flag & FLAG_RESPONSE) !== 0;
export const isOneway = (h: RemotingHeader): boolean => (h.flag & FLAG_ONEWAY) !== 0;

/** Encode a header object as given (its key order is kept) and a body. */
export function encodeFrame(header: object, body: Buffer = Buffer.alloc(0)): Buffer {
	const json = Buffer.from(JSON.stringify(header), 'utf8');
	if (json.length > 0xffffff) throw new ProtocolError('header longer than 16 MiB');
	const prefix = Buffer.alloc(8);
	prefix.writeInt32BE(4 + json.length + body.length, 0);
	prefix.writeInt32BE((JSON_CODEC << 24) | json.length, 4);
	return Buffer.concat([prefix, json, body]);
}

/** A request as rmq-tui sends it: `{"code","language":"JAVA","version":355,"opaque","flag","extFields"}`. */
export function encodeRequest(request: {code: number; opaque: number; extFields?: Record<string, string>; body?: Buffer; oneway?: boolean}): Buffer {
	return encodeFrame(
		{
			code: request.code,
			language: 'JAVA',
			version: VERSION_4_7_1,
			opaque: request.opaque,
			flag: request.oneway ? FLAG_ONEWAY : 0,
			extFields: request.extFields ?? {},
		},
		request.body,
	);
}

function checkHeader(value: unknown): RemotingHeader {
	const h = value as Partial<RemotingHeader> | null;
	if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new ProtocolError('header is not a JSON object');
	for (const key of ['code', 'opaque', 'flag'] as const) {
		if (!Number.isInteger(h[key])) throw new ProtocolError(`header field ${key} is missing or not an integer`);
	}
	if (h.extFields !== undefined && (typeof h.extFields !== 'object' || h.extFields === null || Array.isArray(h.extFields))) {
		throw new ProtocolError('header extFields is not an object');
	}
	for (const [key, value] of Object.entries(h.extFields ?? {})) {
		if (typeof value !== 'string') throw new ProtocolError(`header extFields.${key} is not a string`);
	}
	for (const key of ['remark', 'language', 'serializeTypeCurrentRPC'] as const) {
		if (h[key] !== undefined && typeof h[key] !== 'string') throw new ProtocolError(`header ${key} is not a string`);
	}
	if (h.version !== undefined && !Number.isInteger(h.version)) throw new ProtocolError('header version is not an integer');
	return h as RemotingHeader;
}

/** Decode one complete frame (the 4-byte length included). */
export function decodeFrame(bytes: Buffer): Frame {
	const decoder = new FrameDecoder();
	const {frames, error} = decoder.push(bytes);
	if (error) throw error;
	if (frames.length !== 1 || decoder.buffered !== 0) throw new ProtocolError(`expected exactly one frame, got ${frames.length} and ${decoder.buffered} spare bytes`);
	return frames[0]!;
}

export interface DecodeResult {
	frames: Frame[];
	/** Set once the stream is unusable; later pushes return the same error. */
	error?: ProtocolError;
}

export class FrameDecoder {
	private chunks: Buffer[] = [];
	private size = 0;
	private failed: ProtocolError | undefined;

	constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

	get buffered(): number {
		return this.size;
	}

	push(chunk: Buffer): DecodeResult {
		if (this.failed) return {frames: [], error: this.failed};
		this.chunks.push(chunk);
		this.size += chunk.length;
		const frames: Frame[] = [];
		try {
			for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
		} catch (error) {
			this.failed = error instanceof ProtocolError ? error : new ProtocolError(String((error as Error).message));
			this.chunks = [];
			this.size = 0;
			return {frames, error: this.failed};
		}
		return {frames};
	}

	/** The first n buffered bytes, joined only as far as needed. */
	private peek(n: number): Buffer {
		if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
		return this.chunks[0]!.subarray(0, n);
	}

	private take(n: number): Buffer {
		const joined = this.peek(n);
		const out = Buffer.from(joined);
		const rest = this.chunks[0]!.subarray(n);
		this.chunks = rest.length > 0 ? [rest, ...this.chunks.slice(1)] : this.chunks.slice(1);
		this.size -= n;
		return out;
	}

	private next(): Frame | undefined {
		if (this.size < 8) return undefined;
		const prefix = this.peek(8);
		const length = prefix.readInt32BE(0);
		const mark = prefix.readInt32BE(4);
		if (length < 4 || length > this.maxFrameBytes) {
			throw new ProtocolError(`declared frame length ${length} is outside 4..${this.maxFrameBytes}`);
		}
		const codec = (mark >>> 24) & 0xff;
		const headerLength = mark & 0xffffff;
		if (codec !== JSON_CODEC) throw new ProtocolError(`header codec ${codec} is not JSON (0)`);
		if (headerLength > length - 4) throw new ProtocolError(`header length ${headerLength} exceeds the frame (${length - 4} bytes)`);
		if (this.size < 4 + length) return undefined;
		const frame = this.take(4 + length);
		const headerText = frame.subarray(8, 8 + headerLength).toString('utf8');
		let header: unknown;
		try {
			header = JSON.parse(headerText);
		} catch {
			throw new ProtocolError('header is not valid JSON');
		}
		return {header: checkHeader(header), body: frame.subarray(8 + headerLength)};
	}
}
