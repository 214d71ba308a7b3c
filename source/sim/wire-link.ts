/**
 * A connection from one sim process to another over real TCP, and the codes only sim processes send each other.
 */
import net from 'node:net';
import {encodeRequest, FrameDecoder, isResponse, type Frame} from '../rocketmq/codec.ts';

/** Codes between sim processes only (rmq-tui's own client can never send 103/104/51001/51002). */
export const WireCode = {REGISTER_BROKER: 103, UNREGISTER_BROKER: 104, DLEDGER_VOTE: 51001, DLEDGER_HEART_BEAT: 51002} as const;

export class WireLink {
	private socket: net.Socket | undefined;
	private connecting: Promise<net.Socket> | undefined;
	private readonly pending = new Map<number, {resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout}>();
	private nextOpaque = 1;
	private up = true;
	private lastTry = 0;
	private closed = false;
	private readonly sockets = new Set<net.Socket>();

	constructor(
		readonly host: string,
		readonly port: number,
		private readonly connectTimeoutMs = 1000,
	) {}

	get addr(): string {
		return `${this.host}:${this.port}`;
	}

	/** Whether the last connection attempt worked; when it did not, a new attempt is started (at most 1/s). */
	reachable(): boolean {
		if (!this.up && !this.closed && Date.now() - this.lastTry > 1000) this.connect().catch(() => {});
		return this.up;
	}

	private connect(): Promise<net.Socket> {
		if (this.socket) return Promise.resolve(this.socket);
		this.lastTry = Date.now();
		this.connecting ??= new Promise<net.Socket>((resolveSocket, reject) => {
			const socket = net.connect({host: this.host, port: this.port});
			this.sockets.add(socket);
			socket.setNoDelay(true);
			const timer = setTimeout(() => socket.destroy(new Error(`connect to ${this.addr} timed out`)), this.connectTimeoutMs);
			const decoder = new FrameDecoder();
			socket.on('data', chunk => {
				const {frames, error} = decoder.push(chunk);
				for (const frame of frames) {
					if (!isResponse(frame.header)) continue;
					const waiting = this.pending.get(frame.header.opaque);
					if (!waiting) continue;
					this.pending.delete(frame.header.opaque);
					clearTimeout(waiting.timer);
					waiting.resolve(frame);
				}
				if (error) socket.destroy(error);
			});
			socket.once('connect', () => {
				clearTimeout(timer);
				this.up = true;
				this.socket = socket;
				this.connecting = undefined;
				resolveSocket(socket);
			});
			socket.on('error', () => {});
			socket.once('close', () => {
				clearTimeout(timer);
				this.sockets.delete(socket);
				const wasConnected = this.socket === socket;
				if (wasConnected) this.socket = undefined;
				else {
					this.connecting = undefined;
					reject(new Error(`connect to ${this.addr} failed`));
				}
				this.up = false;
				for (const [opaque, p] of this.pending) {
					this.pending.delete(opaque);
					clearTimeout(p.timer);
					p.reject(new Error(`connection to ${this.addr} closed`));
				}
			});
		});
		return this.connecting;
	}

	async request(code: number, options: {extFields?: Record<string, string>; body?: Buffer; timeoutMs?: number} = {}): Promise<Frame> {
		if (this.closed) throw new Error('link closed');
		const socket = await this.connect();
		const opaque = this.nextOpaque++;
		return new Promise<Frame>((resolveFrame, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(opaque);
				reject(new Error(`no answer from ${this.addr} to code ${code}`));
			}, options.timeoutMs ?? 3000);
			this.pending.set(opaque, {resolve: resolveFrame, reject, timer});
			socket.write(encodeRequest({code, opaque, extFields: options.extFields, body: options.body}));
		});
	}

	/** End the connection: 'reset' as a killed JVM, 'graceful' otherwise. */
	close(mode: 'reset' | 'graceful' = 'graceful'): void {
		this.closed = true;
		for (const socket of this.sockets) {
			if (mode === 'reset' || socket !== this.socket) socket.resetAndDestroy();
			else socket.end(() => socket.destroy());
		}
		for (const [opaque, p] of this.pending) {
			this.pending.delete(opaque);
			clearTimeout(p.timer);
			p.reject(new Error('link closed'));
		}
	}
}
