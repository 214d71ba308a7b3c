/**
 * A probe that remembers: each call runs one round and folds it into the previous snapshot (so `leaderSince`
 * carries over). One round in flight at a time: a caller arriving while one runs gets that round's result.
 */
import {probeRound, type ProbeClient, type ProbeSource} from './probe.ts';
import type {ProbeRound} from './types.ts';
import {clusterSnapshot} from './snapshot.ts';
import type {ClusterSnapshot} from './types.ts';

export type Observe = () => Promise<ClusterSnapshot>;

/** The nodes ("ip:port") that did not answer this round: next round waits for them only briefly. */
export function silentNodes(round: ProbeRound): Set<string> {
	const replica = new Map(round.groups.flatMap(g => g.replicas.map(r => [`${g.name}/${r.selfId}`, r] as const)));
	const out = new Set<string>();
	for (const [list, port] of [[round.dledger, 'dledgerPort'], [round.brokers, 'listenPort']] as const) {
		for (const o of list) {
			const r = replica.get(`${o.group}/${o.selfId}`);
			if (!o.ok && r) out.add(`${r.ip}:${r[port]}`);
		}
	}
	return out;
}

/**
 * `quickMs` (default 250): how long a round waits for a node that did not answer the previous one — a frozen
 * leader then costs each round that long instead of the client's whole timeout, so drill times keep their precision.
 */
export function observer(client: ProbeClient, source: ProbeSource, now: () => number = Date.now, options: {quickMs?: number} = {}): Observe {
	let previous: ClusterSnapshot | undefined;
	let suspects = new Set<string>();
	let inflight: Promise<ClusterSnapshot> | undefined;
	return () => {
		inflight ??= probeRound(client, source, now, {suspects, quickMs: options.quickMs ?? 250})
			.then(round => {
				suspects = silentNodes(round);
				return (previous = clusterSnapshot(round, previous));
			})
			.finally(() => (inflight = undefined));
		return inflight;
	};
}
