/**
 * The TCP side of one simulated process: its listeners and accepted connections. Requests are decoded with the
 * project's FrameDecoder and answered by a handler (undefined → no answer, as 4.7.1's name server and broker do
 * for unknown codes). kill → listeners closed, connections reset; stop → closed gracefully; pause → nothing is
 * answered (requests wait and are answered on resume, from the state at that time) but connections stay open.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {FrameDecoder, isResponse, type Frame} from '../rocketmq/codec.ts';

/** One accepted connection, as a handler sees it (its identity is the channel a name server keys brokers by). */
export interface Connection {
	readonly remoteAddress: string | undefined;
}

export type Handler = (frame: Frame, connection: Connection) => Buffer | undefined;

export interface Endpoint {
	host: string;
	port: number;
	handler: Handler;
	/** Called once when an accepted connection closes (either side). */
	onClose?: (connection: Connection) => void;
}

export class ProcessServers {
	private servers: Server[] = [];
	private readonly sockets = new Set<Socket>();
	private paused = false;
	private queued: Array<() => void> = [];

	constructor(private readonly endpoints: readonly Endpoint[]) {}

	get listening(): boolean {
		return this.servers.length > 0;
	}

	async listen(): Promise<void> {
		if (this.servers.length > 0) return;
		const servers = this.endpoints.map(e => this.serverFor(e));
		this.servers = servers;
		try {
			await Promise.all(
				servers.map(
					(s, i) =>
						new Promise<void>((resolve, reject) => {
							s.once('error', reject);
							s.listen({host: this.endpoints[i]!.host, port: this.endpoints[i]!.port, exclusive: true}, () => {
								s.off('error', reject);
								resolve();
							});
						}),
				),
			);
		} catch (error) {
			await this.close('reset');
			throw error;
		}
	}

	private serverFor(endpoint: Endpoint): Server {
		return createServer(socket => {
			this.sockets.add(socket);
			socket.setNoDelay(true);
			const connection: Connection = {remoteAddress: socket.remoteAddress};
			const decoder = new FrameDecoder();
			socket.on('data', chunk => {
				const {frames, error} = decoder.push(chunk);
				for (const frame of frames) {
					if (isResponse(frame.header)) continue;
					const answer = (): void => {
						if (socket.destroyed) return;
						const reply = endpoint.handler(frame, connection);
						if (reply) socket.write(reply);
					};
					if (this.paused) this.queued.push(answer);
					else answer();
				}
				if (error) socket.destroy();
			});
			socket.on('error', () => {});
			socket.on('close', () => {
				this.sockets.delete(socket);
				endpoint.onClose?.(connection);
			});
		});
	}

	pause(): void {
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		const queued = this.queued;
		this.queued = [];
		for (const answer of queued) answer();
	}

	/** 'reset' as a killed process (RST), 'graceful' as a stopped one (FIN). */
	async close(mode: 'reset' | 'graceful'): Promise<void> {
		const servers = this.servers;
		this.servers = [];
		this.queued = [];
		this.paused = false;
		for (const socket of this.sockets) {
			if (mode === 'reset') socket.resetAndDestroy();
			else socket.end(() => socket.destroy());
		}
		this.sockets.clear();
		await Promise.all(servers.map(s => new Promise<void>(resolve => (s.listening ? s.close(() => resolve()) : resolve()))));
	}
}
