/** A drill's timeline as an ordered list of milestones (pure), for the pane's drill list and the report. */
import {staleNamesrvs} from './live.ts';
import type {Drill} from './types.ts';

export interface Milestone {
	/** Epoch ms (the probe's clock; Docker events corrected by the host's offset). */
	at: number;
	what: string;
	/** Who saw it: `rmq-tui`, `Docker on h0`, `probe`, `name server ip:port`, `DLedger n1`. */
	where: string;
}

export function milestones(d: Drill, now = d.lastSnapshotAt ?? d.sentAt): Milestone[] {
	const out: Milestone[] = [];
	const t = d.target;
	const old = d.leaderBefore;
	const add = (at: number | undefined, what: string, where: string) => {
		if (at !== undefined) out.push({at, what, where});
	};
	add(d.sentAt, `${d.action} sent`, 'rmq-tui');
	const recoverySent = d.recovery && d.recovery.action !== 'restart' ? d.recovery.sentAt : undefined;
	for (const c of d.containers) {
		if (c.node !== t.id) continue;
		const docker = `Docker on ${c.host}`;
		if (c.state === 'running' && d.recovery?.runningAt === c.at) continue; // listed with the recovery below
		add(c.at, `container ${c.state}`, docker);
	}
	add(d.unreachableAt, `${t.kind === 'broker' ? t.selfId : t.kind === 'namesrv' ? 'the name server' : t.id} stops answering`, 'probe');
	const stale = new Set(staleNamesrvs(d, now).map(n => n.addr));
	for (const ns of Object.values(d.namesrvs)) {
		const where = `name server ${ns.addr}`;
		if (stale.has(ns.addr)) add(ns.staleSince, `still lists ${old} (stale)`, where);
		if (ns.leaderGoneAt !== undefined && ns.leaderGoneAt !== ns.newLeaderAt) add(ns.leaderGoneAt, `leader ${old} gone`, where);
		add(ns.newLeaderAt, ns.newLeaderAt === ns.leaderGoneAt ? `new leader ${ns.newLeader} (replacing ${old})` : `new leader ${ns.newLeader}`, where);
	}
	for (const n of Object.values(d.dledger)) {
		const where = `DLedger ${n.selfId}`;
		if (n.leaderGoneAt !== undefined && n.leaderGoneAt !== n.candidateAt && n.leaderGoneAt !== n.newLeaderAt) add(n.leaderGoneAt, `stops following ${old}`, where);
		add(n.candidateAt, 'candidate', where);
		add(n.newLeaderAt, `follows ${n.newLeader}`, where);
	}
	add(d.dledgerMajorityAt, `a majority follows ${d.dledgerLeader}`, 'DLedger');
	if (d.newLeaderAt !== undefined && d.newLeaderNamed) {
		const {named, of} = d.newLeaderNamed;
		add(d.newLeaderAt, `new leader ${d.newLeader} at ${named === of ? `all ${of}` : `${named} of ${of}`} name servers`, 'probe');
	}
	if (d.unexpectedLeaderChange) add(d.unexpectedLeaderChange.at, `UNEXPECTED leader change ${d.unexpectedLeaderChange.from} → ${d.unexpectedLeaderChange.to}`, 'probe');
	const r = d.recovery;
	if (r) {
		add(recoverySent, `${r.action} sent`, 'rmq-tui');
		add(r.runningAt, 'container running', `Docker on ${t.host}`);
		add(r.reachableAt, 'answers again', 'probe');
		if (t.kind === 'broker') {
			add(r.registeredAt, `listed at every name server${r.registeredBrokerId !== undefined ? ` (brokerId ${r.registeredBrokerId})` : ''}`, 'probe');
			add(r.followsAt, 'follows a leader', `DLedger ${t.selfId}`);
		}
		if (r.backAt !== undefined) {
			const what = t.kind === 'broker' ? `back as ${r.backAs}${r.backBrokerId !== undefined ? ` (brokerId ${r.backBrokerId})` : ''}` : t.kind === 'namesrv' ? "back, listing every group's leader" : 'back';
			add(r.backAt, what, t.kind === 'console' ? `Docker on ${t.host}` : 'probe');
		}
	}
	return out.map((m, i) => ({m, i})).sort((a, b) => a.m.at - b.m.at || a.i - b.i).map(x => x.m);
}
