/**
 * What one probe snapshot tells a drill (pure, mutating the drill copy the reducer hands it): who led before, the
 * verdict, and per name server / DLedger node when the old leader went and the new one came; for name server and
 * console drills, whether any group's leader changed and whether the target is back.
 */
import {worstVerdict} from '../probe/snapshot.ts';
import type {ClusterSnapshot, GroupSnapshot} from '../probe/types.ts';
import {majority} from './facts.ts';
import {seconds1} from './format.ts';
import {TAKES_DOWN, type BrokerTarget} from './target.ts';
import type {Drill} from './types.ts';

function mostCommon(values: ReadonlyArray<string | null | undefined>): string | undefined {
	const counts = new Map<string, number>();
	for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
	let best: string | undefined;
	for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
	return best;
}

/** The group's leader as the sources mostly see it (the agreed one if any). */
export function leaderOf(g: GroupSnapshot): string | undefined {
	return g.leader ?? mostCommon(Object.values(g.leaderByNamesrv)) ?? mostCommon(Object.values(g.leaderByDledger));
}

export function groupOf(d: Drill, s: ClusterSnapshot): GroupSnapshot | undefined {
	const t = d.target;
	return t.kind === 'broker' ? s.groups.find(g => g.group === t.group) : undefined;
}

export function settleLeaders(d: Drill, s: ClusterSnapshot): void {
	d.leaderKnown = true;
	const t = d.target;
	if (t.kind === 'broker') {
		const g = groupOf(d, s);
		const leader = g ? leaderOf(g) : undefined;
		if (leader !== undefined) d.leaderBefore = leader;
		d.groupSize = g?.replicas.length ?? d.nodes.filter(n => n.kind === 'broker' && n.group === t.group).length;
		d.expectElection = TAKES_DOWN.has(d.action) && leader === t.selfId;
	} else {
		d.leadersBefore = {};
		for (const g of s.groups) {
			const leader = leaderOf(g);
			if (leader !== undefined) d.leadersBefore[g.group] = leader;
		}
	}
}

/** A restart's recovery counts only once the node was seen going down (before that it still answers as it did). */
export function recoveryCounts(d: Drill): boolean {
	if (!d.recovery) return false;
	return d.recovery.action !== 'restart' || d.unreachableAt !== undefined || d.containers.some(c => c.node === d.target.id && c.state !== 'running');
}

export function note(d: Drill, text: string): void {
	if (!d.notes.includes(text)) d.notes.push(text);
}

export const since = (d: Drill, at: number): string => `+${seconds1(at - d.sentAt)}`;

/** The group's verdict (name server and console drills: the cluster's worst), recorded when it changes. */
export function trackVerdict(d: Drill, s: ClusterSnapshot, g: GroupSnapshot | undefined): void {
	const verdict = g ? g.verdict : worstVerdict(s);
	if (d.verdicts.at(-1)?.verdict !== verdict) d.verdicts.push({at: s.at, verdict});
}

export function brokerSnapshot(d: Drill, g: GroupSnapshot, at: number): void {
	const t = d.target as BrokerTarget;
	const old = d.leaderBefore;
	const self = g.replicas.find(r => r.selfId === t.selfId);
	const oldReplica = old === undefined ? undefined : g.replicas.find(r => r.selfId === old);
	if (self && !self.reachable && d.unreachableAt === undefined && !(d.recovery && d.recovery.action !== 'restart')) d.unreachableAt = at;

	// Name servers, one by one.
	const nsEntries = Object.entries(g.leaderByNamesrv);
	for (const [addr, v] of nsEntries) {
		const track = (d.namesrvs[addr] ??= {addr, reachable: v !== undefined});
		track.reachable = v !== undefined;
		if (v === undefined || old === undefined) continue;
		if (track.leaderGoneAt === undefined) {
			if (v === old) {
				if (oldReplica && !oldReplica.reachable) track.staleSince ??= at;
			} else {
				track.leaderGoneAt = at;
				if (track.staleSince !== undefined) track.staleUntil = at;
				if (v !== null) {
					track.newLeader = v;
					track.newLeaderAt = at;
				}
			}
		} else if (track.newLeaderAt === undefined && v !== null) {
			track.newLeader = v;
			track.newLeaderAt = at;
		}
	}

	// DLedger survivors.
	const dlEntries = Object.entries(g.leaderByDledger);
	for (const [id, v] of dlEntries) {
		if (id === t.selfId || v === undefined || old === undefined) continue;
		const track = (d.dledger[id] ??= {selfId: id});
		if (track.leaderGoneAt === undefined) {
			if (v === old) continue;
			track.leaderGoneAt = at;
		}
		if (track.newLeaderAt !== undefined) continue;
		if (v === null) track.candidateAt ??= at;
		else {
			track.newLeader = v;
			track.newLeaderAt = at;
		}
	}
	if (old === undefined) return;

	// Every reachable name server lists the same new leader.
	const reachableNs = nsEntries.filter(([, v]) => v !== undefined);
	if (d.newLeaderAt === undefined && reachableNs.length > 0) {
		const values = [...new Set(reachableNs.map(([, v]) => v))];
		const leader = values.length === 1 ? values[0] : undefined;
		if (leader && (leader !== old || reachableNs.every(([addr]) => d.namesrvs[addr]!.leaderGoneAt !== undefined))) {
			d.newLeader = leader;
			d.newLeaderAt = at;
			d.newLeaderNamed = {named: reachableNs.length, of: nsEntries.length};
		}
	}

	// A majority of the group follows the new leader.
	if (d.dledgerMajorityAt === undefined) {
		const need = majority(d.groupSize ?? g.replicas.length);
		const counts = new Map<string, number>();
		for (const [, v] of dlEntries) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
		for (const [leader, n] of counts) {
			if (n < need) continue;
			const movedOn = dlEntries.filter(([id, v]) => v === leader && id !== t.selfId).every(([id]) => d.dledger[id]?.leaderGoneAt !== undefined);
			if (leader !== old || movedOn) {
				d.dledgerMajorityAt = at;
				d.dledgerLeader = leader;
			}
		}
	}

	if (d.expectElection) {
		const lostNow = d.unreachableAt !== undefined || Object.values(d.namesrvs).some(n => n.leaderGoneAt !== undefined) || Object.values(d.dledger).some(n => n.leaderGoneAt !== undefined);
		if (lostNow) d.leaderLostAt ??= at;
		const electingNow =
			(reachableNs.length > 0 && reachableNs.every(([, v]) => v === null)) ||
			Object.values(d.dledger).some(n => n.leaderGoneAt !== undefined) ||
			Object.values(d.namesrvs).some(n => n.newLeaderAt !== undefined) ||
			g.verdict === 'electing' ||
			g.verdict === 'stale';
		if (electingNow && d.leaderLostAt !== undefined) d.electingAt ??= at;
		if (d.electedAt === undefined && d.newLeaderAt !== undefined && d.dledgerMajorityAt !== undefined) {
			if (d.dledgerLeader === d.newLeader) {
				d.electedAt = at;
				d.electingAt ??= at;
				d.leaderLostAt ??= at;
			} else note(d, `the name servers list ${d.newLeader} but a DLedger majority follows ${d.dledgerLeader}`);
		}
	} else if (d.newLeaderAt !== undefined && d.newLeader !== old && !d.unexpectedLeaderChange) {
		d.unexpectedLeaderChange = {at: d.newLeaderAt, from: old, to: d.newLeader};
		note(d, `unexpected: the leader of ${t.group} changed from ${old} to ${d.newLeader} at ${since(d, d.newLeaderAt)}`);
	}

	// Back after a start / unpause / restart.
	const r = d.recovery;
	if (r && self && at >= r.sentAt && recoveryCounts(d)) {
		if (self.reachable) r.reachableAt ??= at;
		const follows = g.leaderByDledger[t.selfId];
		const ids = reachableNs.map(([addr]) => self.brokerIdByNamesrv[addr]);
		if (r.registeredAt === undefined && ids.length > 0 && ids.every(id => typeof id === 'number')) {
			r.registeredAt = at;
			r.registeredBrokerId = ids[0]!;
		}
		// a thawed ex-leader still names itself until the new leader's heartbeat reaches it: that is no following
		if (r.followsAt === undefined && follows && (follows !== t.selfId || g.leader === t.selfId)) r.followsAt = at;
		if (r.backAt === undefined && self.reachable && g.leader !== undefined) {
			const asLeader = follows === t.selfId && g.leader === t.selfId && ids.every(id => id === 0);
			const asFollower = follows === g.leader && follows !== t.selfId && ids.every(id => typeof id === 'number' && id > 0);
			if (ids.length > 0 && (asLeader || asFollower)) {
				r.backAt = at;
				r.backAs = asLeader ? 'leader' : 'follower';
				r.backBrokerId = ids[0]!;
			}
		}
	}
}

export function otherSnapshot(d: Drill, s: ClusterSnapshot, at: number): void {
	const t = d.target;
	if (t.kind === 'namesrv') {
		const ns = s.namesrvs.find(n => n.addr === t.addr);
		if (ns && !ns.reachable && d.unreachableAt === undefined && !(d.recovery && d.recovery.action !== 'restart')) d.unreachableAt = at;
		const r = d.recovery;
		if (r && ns?.reachable && at >= r.sentAt && recoveryCounts(d)) {
			r.reachableAt ??= at;
			// back once it lists the leader of every group that has one (brokers re-register within 30 s)
			const lists = s.groups.every(g => {
				const leader = leaderOf(g);
				return leader === undefined || g.leaderByNamesrv[t.addr] === leader;
			});
			if (r.backAt === undefined && lists) r.backAt = at;
		}
	}
	for (const g of s.groups) {
		const before = d.leadersBefore?.[g.group];
		if (before !== undefined && g.leader !== undefined && g.leader !== before && !d.unexpectedLeaderChange) {
			d.unexpectedLeaderChange = {at, from: before, to: g.leader};
			note(d, `unexpected: the leader of ${g.group} changed from ${before} to ${g.leader} at ${since(d, at)}`);
		}
	}
}
