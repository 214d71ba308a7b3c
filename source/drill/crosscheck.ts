/**
 * Log lines against the probe (pure). A 4.7.1 log line carries its second in GMT+8, so the event happened within
 * [s, s + 1 s); it agrees with the probe when the probe's time is within 1 s of that second.
 */
import {seconds3} from './format.ts';
import type {LogEventKind} from './logs.ts';
import type {Drill, DrillLogEvent} from './types.ts';

export const CROSS_CHECK_TOLERANCE_MS = 1000;

export interface CrossCheck {
	status: 'agree' | 'disagree' | 'unmatched';
	kind: LogEventKind;
	/** Target id of the node whose log it is. */
	node?: string;
	/** The log line's second (epoch ms). */
	logAt: number;
	/** The probe's time for the same thing, when it saw it. */
	probeAt?: number;
	text: string;
}

/** `11:37:13` or `11:37:13.066`: the wall time the 4.7.1 logs use (GMT+8). */
export function gmt8Clock(ms: number, withMs = false): string {
	const text = new Date(ms + 8 * 3600_000).toISOString().slice(11, withMs ? 23 : 19);
	return text;
}

/** Distance from the probe's time to the line's second [logAt, logAt + 999]. */
export function logDistance(logAt: number, probeAt: number): number {
	if (probeAt < logAt) return logAt - probeAt;
	if (probeAt > logAt + 999) return probeAt - (logAt + 999);
	return 0;
}

const selfIdOf = (d: Drill, e: DrillLogEvent): string | undefined => {
	if (e.selfId) return e.selfId;
	const node = d.nodes.find(n => n.id === e.node);
	return node?.kind === 'broker' ? node.selfId : undefined;
};

interface Counterpart {
	what: string;
	probeAt?: number;
	/** What the probe saw, when it contradicts the line (a different leader, a different broker id). */
	contradiction?: string;
}

function counterpart(d: Drill, e: DrillLogEvent): Counterpart | undefined {
	const self = selfIdOf(d, e);
	const isTarget = e.node === d.target.id;
	const old = d.leaderBefore;
	switch (e.kind) {
		case 'elected':
			return {
				what: `${self} [VOTE_RESULT] elected in term ${e.term}; the probe saw a DLedger majority follow ${d.dledgerLeader ?? 'nobody new'}`,
				...(d.dledgerLeader === self ? {probeAt: d.dledgerMajorityAt} : {}),
				...(d.dledgerLeader !== undefined && d.dledgerLeader !== self ? {contradiction: `the probe saw ${d.dledgerLeader} lead`} : {}),
			};
		case 'change-to-master':
			return {
				what: `${self} changes to master; the probe saw every name server list ${d.newLeader ?? 'no new leader'}`,
				...(d.newLeader === self ? {probeAt: d.newLeaderAt} : {}),
				...(d.newLeader !== undefined && d.newLeader !== self ? {contradiction: `the name servers list ${d.newLeader}`} : {}),
			};
		case 'heartbeat-timeout':
			if (isTarget) return undefined;
			return {what: `${self} [HeartBeatTimeOut] (last leader ${e.leaderId}); the probe saw ${self} stop following ${old}`, probeAt: self ? d.dledger[self]?.leaderGoneAt : undefined};
		case 'candidate':
			if (isTarget) return undefined;
			return {what: `${self} becomes a candidate in term ${e.term}; the probe saw ${self} stop following ${old}`, probeAt: self ? d.dledger[self]?.leaderGoneAt : undefined};
		case 'follower':
		case 'change-to-slave': {
			const line = e.kind === 'follower' ? `${self} follows ${e.leaderId} in term ${e.term}` : `${self} changes to slave, brokerId ${e.brokerId}`;
			if (isTarget) {
				const r = d.recovery;
				if (e.kind === 'follower') return {what: `${line}; the probe saw ${self} follow a leader`, probeAt: r?.followsAt};
				const contradiction = r?.registeredBrokerId !== undefined && r.registeredBrokerId !== e.brokerId ? `the name servers list brokerId ${r.registeredBrokerId}` : undefined;
				return {what: `${line}; the probe saw every name server list ${self}`, probeAt: r?.registeredAt, ...(contradiction ? {contradiction} : {})};
			}
			const track = self ? d.dledger[self] : undefined;
			if (!track) return undefined;
			const contradiction = e.kind === 'follower' && track.newLeader !== undefined && track.newLeader !== e.leaderId ? `the probe saw ${self} follow ${track.newLeader}` : undefined;
			return {what: `${line}; the probe saw ${self} follow ${track.newLeader ?? 'no new leader'}`, probeAt: track.newLeaderAt, ...(contradiction ? {contradiction} : {})};
		}
		case 'broker-removed': {
			const ns = d.nodes.find(n => n.id === e.node);
			if (ns?.kind !== 'namesrv' || e.brokerId !== 0) return undefined;
			return {what: `name server ${ns.addr} removes brokerId 0 ${e.addr}; the probe saw it drop ${old}`, probeAt: d.namesrvs[ns.addr]?.leaderGoneAt};
		}
		case 'broker-registered': {
			const ns = d.nodes.find(n => n.id === e.node);
			const t = d.target;
			if (ns?.kind !== 'namesrv' || t.kind !== 'broker' || e.addr !== `${t.ip}:${t.listenPort}`) return undefined;
			if (!d.recovery) return {what: `name server ${ns.addr} registers ${e.addr} again; no start of ${t.id} was sent in this drill`};
			return {what: `name server ${ns.addr} registers ${e.addr}; the probe saw every name server list ${t.selfId}`, probeAt: d.recovery.registeredAt};
		}
		case 'leader':
			return undefined;
	}
}

/** Every election line of the drill's logs (the first per node and kind) against what the probe saw. */
export function crossCheck(d: Drill): CrossCheck[] {
	const out: CrossCheck[] = [];
	const seen = new Set<string>();
	for (const e of [...d.logs].sort((a, b) => a.at - b.at)) {
		const key = `${e.kind}:${e.node ?? e.container}`;
		if (seen.has(key)) continue;
		const c = counterpart(d, e);
		if (!c) continue;
		seen.add(key);
		const logText = `log ${gmt8Clock(e.at)} (GMT+8)`;
		if (c.probeAt === undefined) {
			out.push({
				status: c.contradiction ? 'disagree' : 'unmatched',
				kind: e.kind,
				...(e.node ? {node: e.node} : {}),
				logAt: e.at,
				text: `${c.what}: ${logText}, ${c.contradiction ? `disagree: ${c.contradiction}` : 'no probe counterpart'}`,
			});
			continue;
		}
		const distance = logDistance(e.at, c.probeAt);
		const agree = distance <= CROSS_CHECK_TOLERANCE_MS && !c.contradiction;
		const probeText = `probe +${seconds3(c.probeAt - d.sentAt)} = ${gmt8Clock(c.probeAt, true)}`;
		const verdict = c.contradiction ? `disagree: ${c.contradiction}` : agree ? 'agree within 1 s' : `DISAGREE by ${seconds3(distance)}`;
		out.push({status: agree ? 'agree' : 'disagree', kind: e.kind, ...(e.node ? {node: e.node} : {}), logAt: e.at, probeAt: c.probeAt, text: `${c.what}: ${logText}, ${probeText}: ${verdict}`});
	}
	return out;
}
