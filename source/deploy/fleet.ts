/**
 * A fleet: the `Host` of every planned host plus a probe, real (one SSH session per host; the probe dials each
 * name server and broker through the SSH connection of the host it runs on) or simulated (sim-world.ts).
 */
import type {SshResolver} from '../inventory/parse.ts';
import type {Plan} from '../plan/types.ts';
import {observer, type Observe} from '../probe/observer.ts';
import {targetsFromPlan} from '../probe/targets.ts';
import type {Ask} from '../remote/auth.ts';
import type {UnknownHost} from '../remote/connect.ts';
import {knownHostsFiles} from '../remote/known-hosts-file.ts';
import {SshSession, type SessionEvent} from '../remote/session.ts';
import {sshSocketFactory} from '../remote/tunnel.ts';
import {RemotingClient} from '../rocketmq/client.ts';
import {directTcp, type SocketFactory} from '../rocketmq/transport.ts';
import type {Host} from './host.ts';
import {guarded} from './host-guard.ts';
import {RealHost} from './real-host.ts';

export interface Fleet {
	hosts: Map<string, Host>;
	observe: Observe;
	close(): Promise<void>;
}

export interface RealFleetOptions {
	resolve?: SshResolver;
	ask: Ask;
	confirmUnknownHost: (host: UnknownHost) => Promise<boolean>;
	onSessionEvent?: (host: string, event: SessionEvent) => void;
	/** Per probe request (default 3000 ms). */
	probeTimeoutMs?: number;
	dockerSocket?: string;
	/** known_hosts to check and record host keys in (default ~/.ssh/known_hosts and the system's). */
	knownHostsFile?: string;
	/** ssh-agent socket; null: no agent (default $SSH_AUTH_SOCK). */
	agent?: string | null;
}

/** Endpoints on a host's IP go through that host's SSH connection; anything else is dialled directly. */
export function routedFactory(byIp: ReadonlyMap<string, SocketFactory>, fallback: SocketFactory = directTcp()): SocketFactory {
	return (endpoint, signal) => (byIp.get(endpoint.host) ?? fallback)(endpoint, signal);
}

export function realFleet(plan: Plan, options: RealFleetOptions): Fleet {
	const sessions = new Map(
		plan.hosts.map(h => [
			h.spec.name,
			new SshSession({
				target: h.spec.ssh,
				...(options.resolve ? {resolve: options.resolve} : {}),
				ask: options.ask,
				confirmUnknownHost: options.confirmUnknownHost,
				// A silent link is noticed within 15 s (5 s × 3 unanswered keepalives) and fails the calls in flight.
				keepaliveIntervalMs: 5_000,
				keepaliveCountMax: 3,
				...(options.knownHostsFile ? {knownHosts: knownHostsFiles({user: [options.knownHostsFile], global: []})} : {}),
				...(options.agent !== undefined ? {agent: options.agent} : {}),
				...(options.onSessionEvent ? {onEvent: (event: SessionEvent) => options.onSessionEvent!(h.spec.name, event)} : {}),
			}),
		]),
	);
	const hosts = new Map<string, Host>(
		[...sessions].map(([name, session]) => [name, guarded(new RealHost({name, session, ...(options.dockerSocket ? {dockerSocket: options.dockerSocket} : {})}), session)]),
	);
	const timeoutMs = options.probeTimeoutMs ?? 3000;
	const byIp = new Map(plan.hosts.map(h => [h.spec.ip, sshSocketFactory(sessions.get(h.spec.name)!, {connectTimeoutMs: timeoutMs})] as const));
	const client = new RemotingClient({socketFactory: routedFactory(byIp), timeoutMs, connectTimeoutMs: timeoutMs});
	const observe = observer(client, {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(plan)});
	return {
		hosts,
		observe,
		async close() {
			await client.close();
			await Promise.allSettled([...hosts.values()].map(h => h.close()));
		},
	};
}
