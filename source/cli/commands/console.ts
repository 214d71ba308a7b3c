/**
 * `rmq-tui console`: the RocketMQ console is published on its host's loopback only (it has no authentication);
 * this opens a local port and carries each connection through that host's SSH connection, like `ssh -L`, until
 * Ctrl-C.
 */
import {createServer, type Server, type Socket} from 'node:net';
import type {Plan} from '../../plan/types.ts';
import {EXIT, UsageError, type CommandIO} from '../io.ts';

/** What the tunnel needs of the console host's SSH session. */
export interface TunnelSession {
	readonly label: string;
	forwardOut(host: string, port: number): Promise<NodeJS.ReadWriteStream & {destroy(): void}>;
	close(): Promise<void>;
}

export interface ConsoleTunnel {
	server: Server;
	port: number;
	close(): Promise<void>;
}

/** Listen on 127.0.0.1:localPort; every accepted connection becomes a channel to 127.0.0.1:remotePort on the host. */
export function openTunnel(session: TunnelSession, remotePort: number, localPort: number, onError: (text: string) => void): Promise<ConsoleTunnel> {
	const sockets = new Set<Socket>();
	const server = createServer(socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.pause();
		session.forwardOut('127.0.0.1', remotePort).then(
			channel => {
				socket.pipe(channel).pipe(socket);
				socket.resume();
				channel.on('error', () => socket.destroy());
				socket.on('error', () => channel.destroy());
				socket.on('close', () => channel.destroy());
			},
			(error: Error) => {
				onError(`console connection through ${session.label} failed: ${error.message}`);
				socket.destroy();
			},
		);
	});
	return new Promise((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(error.code === 'EADDRINUSE' ? new UsageError(`local port ${localPort} is in use`, 'pick another with --local-port 18080') : error),
		);
		server.listen({host: '127.0.0.1', port: localPort}, () => {
			const address = server.address();
			resolve({
				server,
				port: typeof address === 'object' && address ? address.port : localPort,
				close: () =>
					new Promise<void>(done => {
						for (const s of sockets) s.destroy();
						server.close(() => done());
					}),
			});
		});
	});
}

export async function consoleCommand(plan: Plan, session: TunnelSession, localPort: number | undefined, io: CommandIO, until: Promise<unknown>): Promise<number> {
	if (!plan.console) throw new UsageError('this cluster has no console (console.enabled is false)', 'enable it in cluster.yaml (console: {enabled: true}) and deploy again');
	const tunnel = await openTunnel(session, plan.console.port, localPort ?? plan.console.port, text => io.stderr(`${text}\n`));
	io.stdout(`Console of ${plan.options.name}: http://127.0.0.1:${tunnel.port}/  (through ${session.label} to its 127.0.0.1:${plan.console.port}; Ctrl-C to close)\n`);
	try {
		await until;
	} finally {
		await tunnel.close();
		await session.close();
	}
	return EXIT.ok;
}
