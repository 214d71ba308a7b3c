/**
 * The probe's reducer (pure): one round of observations → one snapshot per DLedger group, with a verdict by
 * precedence unreachable > electing > stale > split > degraded > healthy, and the time the leader last changed.
 */
import type {
	ClusterSnapshot,
	GroupSnapshot,
	GroupTarget,
	ProbeRound,
	ReplicaSnapshot,
	ReplicaTarget,
	Role,
	Verdict,
} from './types.ts';
import {VERDICTS} from './types.ts';

export interface SnapshotOptions {
	/** A follower further behind the leader's commit log than this is "lagging" (degraded). */
	lagThresholdBytes: number;
}

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {lagThresholdBytes: 16 * 1024 * 1024};

const addrOf = (r: ReplicaTarget): string => `${r.ip}:${r.listenPort}`;

const MASTER_ROLES = new Set(['SYNC_MASTER', 'ASYNC_MASTER']);

function roleOf(dledger: GroupSnapshot['leaderByDledger'][string], selfId: string, brokerRole: string | undefined, reachable: boolean): Role {
	if (dledger !== undefined) return dledger === null ? 'candidate' : dledger === selfId ? 'leader' : 'follower';
	if (brokerRole !== undefined) return MASTER_ROLES.has(brokerRole) ? 'leader' : 'follower';
	return reachable ? 'unknown' : 'down';
}

function distinct<T>(values: Iterable<T>): T[] {
	return [...new Set(values)];
}

interface Judgement {
	verdict: Verdict;
	reasons: string[];
	leader?: string;
}

function judge(group: string, snap: Omit<GroupSnapshot, 'verdict' | 'reasons' | 'leader' | 'leaderSince'>, options: SnapshotOptions): Judgement {
	const ns = Object.entries(snap.leaderByNamesrv).filter(([, v]) => v !== undefined) as Array<[string, string | null]>;
	const dl = Object.entries(snap.leaderByDledger).filter(([, v]) => v !== undefined) as Array<[string, string | null]>;
	if (ns.length === 0 && dl.length === 0) {
		return {verdict: 'unreachable', reasons: [`no name server and no DLedger node of ${group} answered`]};
	}
	const nsLeaders = distinct(ns.map(([, v]) => v));
	if (ns.length > 0 && nsLeaders.every(v => v === null)) {
		return {verdict: 'electing', reasons: [`no name server lists a brokerId 0 for ${group}`]};
	}
	if (dl.length > 0) {
		const followed = new Set(dl.map(([, v]) => v));
		const stale = ns.filter(([, leader]) => leader !== null && !followed.has(leader));
		if (stale.length > 0) {
			const who = dl.map(([id, v]) => `${id}→${v ?? 'none'}`).join(', ');
			return {
				verdict: 'stale',
				reasons: stale.map(([addr, leader]) => `name server ${addr} still lists ${leader} as leader, but the live DLedger nodes follow: ${who}`),
			};
		}
	}
	// A DLedger node following nobody (a candidate: just restarted, or thawed) claims no leader, so it does not
	// disagree with the others; a name server listing no brokerId 0 while others list one does.
	const leaders = distinct([...nsLeaders, ...dl.map(([, v]) => v).filter(v => v !== null)]);
	if (leaders.length > 1) {
		const sources = [...ns.map(([a, v]) => `ns ${a}: ${v ?? 'none'}`), ...dl.map(([id, v]) => `${id}: ${v ?? 'none'}`)];
		return {verdict: 'split', reasons: [`sources disagree on the leader of ${group} (${sources.join('; ')})`]};
	}
	const leader = leaders[0] ?? undefined;
	if (!leader) return {verdict: 'electing', reasons: [`no DLedger node of ${group} follows a leader (no name server answered)`]};
	const reasons: string[] = [];
	for (const r of snap.replicas) {
		if (!r.reachable) reasons.push(`${r.selfId} (${addrOf(r)}) is down`);
		else if (snap.leaderByDledger[r.selfId] === null) reasons.push(`${r.selfId} is a candidate, following no leader yet`);
		else if (r.lagBytes !== undefined && r.lagBytes > options.lagThresholdBytes) reasons.push(`${r.selfId} lags ${r.lagBytes} bytes behind the leader`);
		const missing = Object.entries(r.brokerIdByNamesrv).filter(([, id]) => id === null).map(([a]) => a);
		if (r.reachable && missing.length > 0) reasons.push(`${r.selfId} is not registered at ${missing.join(', ')}`);
	}
	return {verdict: reasons.length > 0 ? 'degraded' : 'healthy', reasons, ...(leader ? {leader} : {})};
}

export function groupSnapshot(target: GroupTarget, round: ProbeRound, previous?: GroupSnapshot, options = DEFAULT_SNAPSHOT_OPTIONS): GroupSnapshot {
	const byAddr = new Map(target.replicas.map(r => [addrOf(r), r.selfId]));
	const leaderByNamesrv: GroupSnapshot['leaderByNamesrv'] = {};
	const idTables = new Map<string, Record<number, string> | undefined>();
	for (const ns of round.namesrvs) {
		const table = ns.ok ? (ns.brokers[target.name] ?? {}) : undefined;
		idTables.set(ns.addr, table);
		leaderByNamesrv[ns.addr] = table === undefined ? undefined : table[0] === undefined ? null : (byAddr.get(table[0]) ?? table[0]);
	}
	const leaderByDledger: GroupSnapshot['leaderByDledger'] = {};
	for (const r of target.replicas) {
		const obs = round.dledger.find(d => d.group === target.name && d.selfId === r.selfId);
		leaderByDledger[r.selfId] = obs?.ok ? (obs.leaderId ?? null) : undefined;
	}
	const brokerObs = (r: ReplicaTarget) => round.brokers.find(b => b.group === target.name && b.selfId === r.selfId);
	const replicas: ReplicaSnapshot[] = target.replicas.map(r => {
		const b = brokerObs(r);
		const reachable = leaderByDledger[r.selfId] !== undefined || b?.ok === true;
		const brokerIdByNamesrv: ReplicaSnapshot['brokerIdByNamesrv'] = {};
		for (const [addr, table] of idTables) {
			if (table === undefined) brokerIdByNamesrv[addr] = undefined;
			else {
				const entry = Object.entries(table).find(([, a]) => a === addrOf(r));
				brokerIdByNamesrv[addr] = entry ? Number(entry[0]) : null;
			}
		}
		return {
			...r,
			role: roleOf(leaderByDledger[r.selfId], r.selfId, b?.ok ? b.role : undefined, reachable),
			brokerIdByNamesrv,
			...(leaderByDledger[r.selfId] !== undefined ? {followsLeader: leaderByDledger[r.selfId]} : {}),
			reachable,
			...(b?.ok && b.runtime ? {runtime: b.runtime} : {}),
		};
	});
	const leaderOffset = replicas.find(r => r.role === 'leader')?.runtime?.commitLogMaxOffset;
	for (const r of replicas) {
		const own = r.runtime?.commitLogMaxOffset;
		if (leaderOffset !== undefined && own !== undefined) r.lagBytes = Math.max(0, leaderOffset - own);
	}
	const base = {group: target.name, at: round.at, leaderByNamesrv, leaderByDledger, replicas};
	const {verdict, reasons, leader} = judge(target.name, base, options);
	const changed = previous === undefined || previous.leader !== leader;
	const leaderSince = changed ? (previous === undefined ? undefined : round.at) : previous.leaderSince;
	return {...base, verdict, reasons, ...(leader ? {leader} : {}), ...(leaderSince !== undefined ? {leaderSince} : {})};
}

export function clusterSnapshot(round: ProbeRound, previous?: ClusterSnapshot, options = DEFAULT_SNAPSHOT_OPTIONS): ClusterSnapshot {
	return {
		at: round.at,
		groups: round.groups.map(g => groupSnapshot(g, round, previous?.groups.find(p => p.group === g.name), options)),
		namesrvs: round.namesrvs.map(n => ({addr: n.addr, reachable: n.ok, ...(n.ok ? {} : {error: n.error})})),
	};
}

/** The worst verdict of a cluster (for exit codes and the status bar). */
export function worstVerdict(snapshot: ClusterSnapshot): Verdict {
	return snapshot.groups.map(g => g.verdict).sort((a, b) => VERDICTS.indexOf(a) - VERDICTS.indexOf(b))[0] ?? 'healthy';
}
