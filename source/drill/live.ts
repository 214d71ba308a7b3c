/** One line of live text for the pane about a drill (pure: `now` comes in). */
import {seconds1} from './format.ts';
import type {Drill, NamesrvTrack} from './types.ts';

/** A name server listing a frozen/dead leader for this long (or once the probe says 'stale') is shown as stale. */
export const STALE_SHOWN_AFTER_MS = 1000;

/** Name servers still (or, with `until`, at that time) listing the old leader although it does not answer. */
export function staleNamesrvs(d: Drill, now: number): NamesrvTrack[] {
	const verdictStale = d.verdicts.some(v => v.verdict === 'stale');
	return Object.values(d.namesrvs).filter(n => {
		if (n.staleSince === undefined) return false;
		const end = n.staleUntil ?? now;
		return verdictStale || end - n.staleSince >= STALE_SHOWN_AFTER_MS;
	});
}

function staleText(d: Drill, now: number): string {
	const open = staleNamesrvs(d, now).filter(n => n.staleUntil === undefined);
	if (open.length === 0) return '';
	const first = Math.min(...open.map(n => n.staleSince!));
	return `; stale at ns ${open.map(n => n.addr).join(', ')} since +${seconds1(first - d.sentAt)}`;
}

/** `new leader n1 after 5.1 s (at all 3 name servers)` */
export function electedText(d: Drill): string {
	if (d.newLeaderAt === undefined || d.newLeader === undefined) return '';
	const named = d.newLeaderNamed;
	const where = !named ? '' : named.named === named.of ? ` (at all ${named.of} name servers)` : ` (at ${named.named} of ${named.of} name servers; the others did not answer)`;
	return `new leader ${d.newLeader} after ${seconds1(d.newLeaderAt - d.sentAt)}${where}`;
}

function subject(d: Drill): string {
	const t = d.target;
	if (t.kind === 'broker') return t.group;
	if (t.kind === 'namesrv') return `name server ${t.addr}`;
	return `console on ${t.host}`;
}

function recoveryText(d: Drill, now: number): string {
	const r = d.recovery;
	if (!r) return '';
	const t = d.target;
	if (r.backAt !== undefined) {
		const after = `after ${seconds1(r.backAt - r.sentAt)}`;
		if (t.kind === 'broker') return `${t.selfId} back as ${r.backAs ?? 'follower'} ${after}`;
		if (t.kind === 'namesrv') return `back, listing every group's leader, ${after}`;
		return `running again ${after}`;
	}
	const doing = r.action === 'unpause' ? 'resuming' : r.action === 'restart' ? 'restarting' : 'starting';
	return `${t.kind === 'broker' ? `${t.selfId} ` : ''}${doing} for ${seconds1(now - r.sentAt)}…`;
}

function ownChange(d: Drill): string {
	const t = d.target;
	const word = d.action === 'pause' ? 'paused' : d.action === 'kill' ? 'killed' : d.action === 'restart' ? 'restarted' : 'stopped';
	const change = d.containers.find(c => c.node === t.id && c.state !== 'running');
	const seen = change?.at ?? d.unreachableAt;
	return `${t.id} ${word}${seen !== undefined ? ` (seen at +${seconds1(seen - d.sentAt)})` : ''}`;
}

export function liveStatus(d: Drill, now: number): string {
	const who = subject(d);
	const t = d.target;
	const waited = seconds1(now - d.sentAt);
	switch (d.phase) {
		case 'waiting':
			return `${d.action} ${t.id} sent ${waited} ago, waiting for a change…`;
		case 'leader-lost':
			if (d.action === 'pause') return `${who}: leader ${d.leaderBefore} frozen for ${waited}…${staleText(d, now)}`;
			return `${who}: no leader for ${waited}…${staleText(d, now)}`;
		case 'electing': {
			if (d.dledgerMajorityAt !== undefined && d.dledgerLeader !== undefined) {
				return `${who}: ${d.dledgerLeader} leads by DLedger after ${seconds1(d.dledgerMajorityAt - d.sentAt)}, waiting ${waited} for every name server…${staleText(d, now)}`;
			}
			const candidates = Object.values(d.dledger).filter(n => n.candidateAt !== undefined && n.newLeaderAt === undefined).map(n => n.selfId);
			const extra = candidates.length > 0 ? ` (${candidates.join(', ')} ${candidates.length === 1 ? 'is a candidate' : 'are candidates'})` : '';
			return `${who}: no leader for ${waited}…${extra}${staleText(d, now)}`;
		}
		case 'elected':
			return `${who}: ${electedText(d)}`;
		case 'recovering': {
			const parts = [electedText(d), recoveryText(d, now)].filter(Boolean);
			return `${who}: ${parts.join('; ')}`;
		}
		case 'no-election-expected': {
			const change = ownChange(d);
			if (d.unexpectedLeaderChange) return `${change}; UNEXPECTED leader change ${d.unexpectedLeaderChange.from} → ${d.unexpectedLeaderChange.to}`;
			const verdict = d.verdicts.at(-1)?.verdict;
			if (t.kind === 'broker') return `${change}; ${t.group} keeps leader ${d.leaderBefore ?? '?'}${verdict ? ` (${verdict})` : ''}`;
			return `${change}; every group keeps its leader${verdict ? ` (${verdict})` : ''}`;
		}
		case 'done': {
			const parts = [electedText(d), recoveryText(d, now)].filter(Boolean);
			if (parts.length === 0) parts.push(d.expectElection ? 'no new leader seen' : ownChange(d));
			return `${who}: ${parts.join('; ')} (done)`;
		}
	}
}
