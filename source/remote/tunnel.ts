/**
 * A RocketMQ SocketFactory that dials through a host's SSH connection: each endpoint is a `direct-tcpip` channel
 * opened by the remote host (like `ssh -W`), so name servers, brokers and DLedger ports firewalled from this
 * machine are reachable as long as that host reaches them.
 */
import type {Duplex} from 'node:stream';
import type {ClientChannel} from 'ssh2';
import {DEFAULT_CONNECT_TIMEOUT_MS, formatEndpoint, type SocketFactory} from '../rocketmq/transport.ts';

/** What the factory needs of a session (SshSession has it). */
export interface ForwardTarget {
	readonly label: string;
	forwardOut(host: string, port: number): Promise<ClientChannel>;
}

export function sshSocketFactory(target: ForwardTarget, options: {connectTimeoutMs?: number} = {}): SocketFactory {
	const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	return (endpoint, signal) =>
		new Promise<Duplex>((resolve, reject) => {
			const shown = formatEndpoint(endpoint);
			if (signal.aborted) {
				reject(new Error(`connect to ${shown} through ${target.label} aborted`));
				return;
			}
			let settled = false;
			const finish = (error: Error | undefined, channel?: ClientChannel) => {
				if (settled) {
					channel?.destroy(); // opened after a timeout or an abort: not wanted any more
					return;
				}
				settled = true;
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				if (error) reject(error);
				else resolve(channel!);
			};
			const onAbort = () => finish(new Error(`connect to ${shown} through ${target.label} aborted`));
			const timer = setTimeout(() => finish(new Error(`connect to ${shown} through ${target.label} timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs);
			signal.addEventListener('abort', onAbort, {once: true});
			target.forwardOut(endpoint.host, endpoint.port).then(
				channel => finish(undefined, channel),
				(error: Error) => finish(new Error(`connect to ${shown} through ${target.label} failed: ${error.message}`, {cause: error})),
			);
		});
}
