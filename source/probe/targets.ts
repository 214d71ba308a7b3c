/**
 * What to probe (pure): from a plan, or — for a cluster rmq-tui did not deploy — discovered from the name
 * servers' cluster info and each broker's live config (`dLegerGroup`, `dLegerSelfId`, `dLegerPeers`).
 */
import type {Plan} from '../plan/types.ts';
import type {GroupTarget, ReplicaTarget} from './types.ts';

export function targetsFromPlan(plan: Plan): GroupTarget[] {
	return plan.groups.map(g => ({
		name: g.name,
		replicas: g.replicas.map(r => ({selfId: r.selfId, host: r.host, ip: r.ip, listenPort: r.listenPort, dledgerPort: r.dledgerPort})),
	}));
}

/** `n0-10.0.0.1:20911;n1-…` → selfId → {ip, port}. Returns undefined for anything malformed. */
export function parsePeers(peers: string): Map<string, {ip: string; port: number}> | undefined {
	const out = new Map<string, {ip: string; port: number}>();
	for (const entry of peers.split(';').filter(Boolean)) {
		const m = /^([a-z][0-9]+)-([^:]+):(\d+)$/.exec(entry.trim());
		if (!m) return undefined;
		out.set(m[1]!, {ip: m[2]!, port: Number(m[3])});
	}
	return out.size > 0 ? out : undefined;
}

export interface LiveBrokerConfig {
	/** The broker's listen address as the name servers list it, "ip:port". */
	addr: string;
	config: Map<string, string>;
}

export interface Discovery {
	groups: GroupTarget[];
	/** Things that could not be resolved, one line each. */
	problems: string[];
}

/**
 * Groups from live configs. A replica's listen address comes from its own config, else from a name server's
 * table (a follower `nK` registers as brokerId K+1), else it is unknown (listenPort 0) and said so.
 */
export function discoverGroups(
	brokerNames: readonly string[],
	configs: readonly LiveBrokerConfig[],
	namesrvTables: Record<string, Record<number, string>> = {},
): Discovery {
	const problems: string[] = [];
	const groups: GroupTarget[] = [];
	for (const name of brokerNames) {
		const live = configs.filter(c => (c.config.get('dLegerGroup') ?? c.config.get('brokerName')) === name);
		const withPeers = live.find(c => c.config.get('enableDLegerCommitLog') === 'true' && c.config.get('dLegerPeers'));
		if (!withPeers) {
			problems.push(live.length === 0 ? `${name}: no broker of this group answered GET_BROKER_CONFIG` : `${name}: not a DLedger group (enableDLegerCommitLog is not true)`);
			continue;
		}
		const peers = parsePeers(withPeers.config.get('dLegerPeers')!);
		if (!peers) {
			problems.push(`${name}: cannot parse dLegerPeers "${withPeers.config.get('dLegerPeers')}"`);
			continue;
		}
		const table = namesrvTables[name] ?? {};
		const replicas: ReplicaTarget[] = [...peers].map(([selfId, peer]) => {
			const own = live.find(c => c.config.get('dLegerSelfId') === selfId)?.addr ?? table[Number(selfId.slice(1)) + 1];
			if (!own) problems.push(`${name}/${selfId}: neither its config nor a name server gives its listen port (is it down?)`);
			return {selfId, ip: peer.ip, listenPort: own ? Number(own.split(':').pop()) : 0, dledgerPort: peer.port};
		});
		groups.push({name, replicas});
	}
	return {groups, problems};
}
