/**
 * A probe that remembers: each call runs one round and folds it into the previous snapshot (so `leaderSince`
 * carries over). One round in flight at a time: a caller arriving while one runs gets that round's result.
 */
import {probeRound, type ProbeClient, type ProbeSource} from './probe.ts';
import {clusterSnapshot} from './snapshot.ts';
import type {ClusterSnapshot} from './types.ts';

export type Observe = () => Promise<ClusterSnapshot>;

export function observer(client: ProbeClient, source: ProbeSource, now: () => number = Date.now): Observe {
	let previous: ClusterSnapshot | undefined;
	let inflight: Promise<ClusterSnapshot> | undefined;
	return () => {
		inflight ??= probeRound(client, source, now)
			.then(round => (previous = clusterSnapshot(round, previous)))
			.finally(() => (inflight = undefined));
		return inflight;
	};
}
