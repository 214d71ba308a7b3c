/**
 * What a drill acts on: one container — a name server on a host, one broker replica (group/selfId), or the
 * console — and the actions the drill keys send to it. Pure: derived from a Plan.
 */
import type {Plan} from '../plan/types.ts';

export const DRILL_ACTIONS = ['stop', 'kill', 'pause', 'unpause', 'start', 'restart'] as const;
export type DrillAction = (typeof DRILL_ACTIONS)[number];

/** Actions that take a running node away (restart does so for a while). */
export const TAKES_DOWN: ReadonlySet<DrillAction> = new Set(['stop', 'kill', 'pause', 'restart']);
/** Actions that bring a node back. */
export const BRINGS_BACK: ReadonlySet<DrillAction> = new Set(['start', 'unpause']);

interface TargetBase {
	/** `RaftNode00/n0`, `namesrv@h0`, `console@h0` (the simulator names its processes the same way). */
	id: string;
	/** Host name in the plan. */
	host: string;
	ip: string;
	containerName: string;
}

export interface BrokerTarget extends TargetBase {
	kind: 'broker';
	group: string;
	selfId: string;
	listenPort: number;
	dledgerPort: number;
}

export interface NamesrvTarget extends TargetBase {
	kind: 'namesrv';
	port: number;
	/** `ip:port`, as the probe names the name server. */
	addr: string;
}

export interface ConsoleTarget extends TargetBase {
	kind: 'console';
	port: number;
}

export type DrillTarget = BrokerTarget | NamesrvTarget | ConsoleTarget;

/** Every node of a plan a drill can act on: name servers, then every group's replicas, then the console. */
export function drillTargets(plan: Plan): DrillTarget[] {
	const namesrvs: NamesrvTarget[] = plan.namesrvs.map(n => ({
		kind: 'namesrv',
		id: `namesrv@${n.host}`,
		host: n.host,
		ip: n.ip,
		containerName: n.containerName,
		port: n.port,
		addr: `${n.ip}:${n.port}`,
	}));
	const brokers: BrokerTarget[] = plan.groups.flatMap(g =>
		g.replicas.map(r => ({
			kind: 'broker' as const,
			id: `${g.name}/${r.selfId}`,
			host: r.host,
			ip: r.ip,
			containerName: r.containerName,
			group: g.name,
			selfId: r.selfId,
			listenPort: r.listenPort,
			dledgerPort: r.dledgerPort,
		})),
	);
	const c = plan.console;
	const consoles: ConsoleTarget[] = c ? [{kind: 'console', id: `console@${c.host}`, host: c.host, ip: c.ip, containerName: c.containerName, port: c.port}] : [];
	return [...namesrvs, ...brokers, ...consoles];
}

export function findTarget(targets: readonly DrillTarget[], id: string): DrillTarget | undefined {
	return targets.find(t => t.id === id);
}

/** The node running in container `name` on `host` (Docker events and log tails name containers). */
export function targetForContainer(targets: readonly DrillTarget[], host: string, name: string): DrillTarget | undefined {
	return targets.find(t => t.host === host && t.containerName === name);
}

/** Key of a container in state maps: `host/containerName`. */
export const containerKey = (host: string, name: string): string => `${host}/${name}`;

/** `h0 (10.0.0.1)`, or just the address when the host is named by it. */
export const whereText = (t: DrillTarget): string => (t.host === t.ip ? t.ip : `${t.host} (${t.ip})`);

/** `RaftNode00/n0`, `the name server 10.0.0.1:9876`, `the console`. */
export function targetLabel(t: DrillTarget): string {
	if (t.kind === 'broker') return t.id;
	if (t.kind === 'namesrv') return `the name server ${t.addr}`;
	return 'the console';
}
