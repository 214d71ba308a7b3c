/**
 * Finished drills → Markdown and JSON (pure). Times are seconds after the action was sent, from the probe's
 * snapshots (the reference clock). The JSON has a stable, documented shape (DrillReportJson); absent values are
 * null, never left out.
 */
import {crossCheck, type CrossCheck} from './crosscheck.ts';
import {iso, seconds3} from './format.ts';
import {staleNamesrvs} from './live.ts';
import {milestones} from './milestones.ts';
import {targetLabel, whereText} from './target.ts';
import type {Verdict} from '../probe/types.ts';
import type {DrillAction} from './target.ts';
import type {Drill, DrillPhase} from './types.ts';

export const REPORT_FORMAT = 'rmq-tui-drills';
export const REPORT_VERSION = 1;

export interface DrillReportJson {
	format: typeof REPORT_FORMAT;
	version: typeof REPORT_VERSION;
	/** ISO time the report was written, when the caller gave one. */
	generatedAt: string | null;
	drills: DrillJson[];
}

export interface DrillJson {
	id: string;
	action: DrillAction;
	target: {
		id: string;
		kind: 'broker' | 'namesrv' | 'console';
		host: string;
		ip: string;
		container: string;
		group: string | null;
		selfId: string | null;
		/** Name servers: `ip:port`. */
		addr: string | null;
	};
	/** ISO and epoch ms of the action. Every `…Ms` below is milliseconds after it. */
	sentAt: string;
	sentAtMs: number;
	phase: DrillPhase;
	expectElection: boolean;
	leaderBefore: string | null;
	newLeader: string | null;
	/** Time-to-new-leader: every reachable name server lists the new leader. */
	timeToNewLeaderMs: number | null;
	/** How many name servers named it then, of how many. */
	newLeaderNamed: {named: number; of: number} | null;
	dledgerLeader: string | null;
	dledgerMajorityMs: number | null;
	electedMs: number | null;
	/** After a start/unpause/restart: Docker running, answering, listed at every name server, DLedger following a leader, back (all of it). */
	recovery: {
		action: 'start' | 'unpause' | 'restart';
		sentMs: number;
		runningMs: number | null;
		reachableMs: number | null;
		registeredMs: number | null;
		followsMs: number | null;
		backMs: number | null;
		backAs: 'follower' | 'leader' | null;
		backBrokerId: number | null;
	} | null;
	doneMs: number | null;
	namesrvs: Array<{addr: string; reachable: boolean; leaderGoneMs: number | null; staleSinceMs: number | null; staleUntilMs: number | null; newLeader: string | null; newLeaderMs: number | null}>;
	dledger: Array<{selfId: string; leaderGoneMs: number | null; candidateMs: number | null; newLeader: string | null; newLeaderMs: number | null}>;
	milestones: Array<{sinceSentMs: number; what: string; where: string}>;
	/** The group's verdict (name server and console drills: the cluster's worst) when it changed; negative: before the action. */
	verdicts: Array<{sinceSentMs: number; verdict: Verdict}>;
	crossCheck: Array<{status: CrossCheck['status']; kind: string; node: string | null; logAt: string; probeMs: number | null; text: string}>;
	unexpectedLeaderChange: {ms: number; from: string | null; to: string | null} | null;
	/** Snapshots seen after the action, and the largest gap between two (the drill's time resolution). */
	snapshots: number;
	resolutionMs: number | null;
	notes: string[];
}

const rel = (d: Drill, at: number | undefined): number | null => (at === undefined ? null : at - d.sentAt);
const nul = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function drillJson(d: Drill): DrillJson {
	const t = d.target;
	const r = d.recovery;
	return {
		id: d.id,
		action: d.action,
		target: {
			id: t.id,
			kind: t.kind,
			host: t.host,
			ip: t.ip,
			container: t.containerName,
			group: t.kind === 'broker' ? t.group : null,
			selfId: t.kind === 'broker' ? t.selfId : null,
			addr: t.kind === 'namesrv' ? t.addr : null,
		},
		sentAt: iso(d.sentAt),
		sentAtMs: d.sentAt,
		phase: d.phase,
		expectElection: d.expectElection,
		leaderBefore: nul(d.leaderBefore),
		newLeader: nul(d.newLeader),
		timeToNewLeaderMs: rel(d, d.newLeaderAt),
		newLeaderNamed: d.newLeaderNamed ? {...d.newLeaderNamed} : null,
		dledgerLeader: nul(d.dledgerLeader),
		dledgerMajorityMs: rel(d, d.dledgerMajorityAt),
		electedMs: rel(d, d.electedAt),
		recovery: r
			? {
					action: r.action,
					sentMs: r.sentAt - d.sentAt,
					runningMs: rel(d, r.runningAt),
					reachableMs: rel(d, r.reachableAt),
					registeredMs: rel(d, r.registeredAt),
					followsMs: rel(d, r.followsAt),
					backMs: rel(d, r.backAt),
					backAs: nul(r.backAs),
					backBrokerId: nul(r.backBrokerId),
				}
			: null,
		doneMs: rel(d, d.doneAt),
		namesrvs: Object.values(d.namesrvs).map(n => ({
			addr: n.addr,
			reachable: n.reachable,
			leaderGoneMs: rel(d, n.leaderGoneAt),
			staleSinceMs: rel(d, n.staleSince),
			staleUntilMs: rel(d, n.staleUntil),
			newLeader: nul(n.newLeader),
			newLeaderMs: rel(d, n.newLeaderAt),
		})),
		dledger: Object.values(d.dledger).map(n => ({
			selfId: n.selfId,
			leaderGoneMs: rel(d, n.leaderGoneAt),
			candidateMs: rel(d, n.candidateAt),
			newLeader: nul(n.newLeader),
			newLeaderMs: rel(d, n.newLeaderAt),
		})),
		milestones: milestones(d).map(m => ({sinceSentMs: m.at - d.sentAt, what: m.what, where: m.where})),
		verdicts: d.verdicts.map(v => ({sinceSentMs: v.at - d.sentAt, verdict: v.verdict})),
		crossCheck: crossCheck(d).map(c => ({status: c.status, kind: c.kind, node: nul(c.node), logAt: iso(c.logAt), probeMs: rel(d, c.probeAt), text: c.text})),
		unexpectedLeaderChange: d.unexpectedLeaderChange ? {ms: d.unexpectedLeaderChange.at - d.sentAt, from: nul(d.unexpectedLeaderChange.from), to: nul(d.unexpectedLeaderChange.to)} : null,
		snapshots: d.snapshots,
		resolutionMs: nul(d.maxGapMs),
		notes: [...d.notes],
	};
}

const cell = (ms: number | null): string => (ms === null ? '—' : seconds3(ms));

/** `new leader n0 after 6.427 s at all 3 name servers; DLedger majority after 6.413 s; n2 back as follower after 1.200 s (brokerId 3)` */
export function resultText(d: Drill): string {
	const parts: string[] = [];
	const t = d.target;
	if (d.expectElection) {
		if (d.newLeaderAt !== undefined && d.newLeaderNamed) {
			const {named, of} = d.newLeaderNamed;
			parts.push(`new leader ${d.newLeader} after ${seconds3(d.newLeaderAt - d.sentAt)} at ${named === of ? `all ${of}` : `${named} of ${of}`} name servers`);
		} else if (d.recovery?.backAs !== 'leader') parts.push('no new leader seen');
		if (d.dledgerMajorityAt !== undefined) parts.push(`DLedger majority after ${seconds3(d.dledgerMajorityAt - d.sentAt)}`);
	} else if (d.unexpectedLeaderChange) {
		const u = d.unexpectedLeaderChange;
		parts.push(`UNEXPECTED leader change ${u.from} → ${u.to} after ${seconds3(u.at - d.sentAt)}`);
	} else if (t.kind === 'broker') {
		parts.push(d.leaderBefore !== undefined ? `no election expected; ${t.group} kept leader ${d.leaderBefore}` : 'no election expected');
	} else parts.push('no election expected; every group kept its leader');
	const r = d.recovery;
	if (r?.backAt !== undefined) {
		const who = t.kind === 'broker' ? `${t.selfId} back as ${r.backAs}` : 'back';
		parts.push(`${who} after ${seconds3(r.backAt - r.sentAt)}${r.backBrokerId !== undefined && t.kind === 'broker' ? ` (brokerId ${r.backBrokerId})` : ''}`);
	} else if (r) parts.push(`not back after the ${r.action}`);
	return parts.join('; ');
}

function drillMarkdown(d: Drill, index: number): string {
	const j = drillJson(d);
	const t = d.target;
	const role = t.kind === 'broker' && d.leaderBefore !== undefined ? (d.leaderBefore === t.selfId ? ' (leader)' : ' (follower)') : '';
	const lines: string[] = [`## ${index}. ${d.action} ${targetLabel(t)}${role} on ${whereText(t)}`, ''];
	lines.push(`- Sent: ${j.sentAt}`);
	lines.push(`- Result: ${resultText(d)}`);
	lines.push(`- Phase: ${d.phase}`);
	if (j.verdicts.length > 0) lines.push(`- Verdicts: ${j.verdicts.map(v => `${v.verdict} (${v.sinceSentMs < 0 ? 'before' : `+${seconds3(v.sinceSentMs)}`})`).join(' → ')}`);
	lines.push(`- Snapshots: ${j.snapshots}${j.resolutionMs !== null ? `, largest gap ${j.resolutionMs} ms` : ''}`);
	lines.push('', '| after sent | what | where |', '| ---: | --- | --- |');
	for (const m of j.milestones) lines.push(`| ${seconds3(m.sinceSentMs)} | ${m.what} | ${m.where} |`);
	if (j.namesrvs.length > 0 && (d.expectElection || j.namesrvs.some(n => n.leaderGoneMs !== null))) {
		lines.push('', '| name server | leader gone | stale | new leader | named after |', '| --- | ---: | ---: | --- | ---: |');
		const shownStale = new Set(staleNamesrvs(d, d.lastSnapshotAt ?? d.sentAt).map(n => n.addr));
		for (const n of j.namesrvs) {
			const stale = n.staleSinceMs === null || !shownStale.has(n.addr) ? '—' : `${seconds3(n.staleSinceMs)} – ${n.staleUntilMs === null ? '…' : seconds3(n.staleUntilMs)}`;
			lines.push(`| ${n.addr}${n.reachable ? '' : ' (not answering)'} | ${cell(n.leaderGoneMs)} | ${stale} | ${n.newLeader ?? '—'} | ${cell(n.newLeaderMs)} |`);
		}
	}
	if (j.dledger.length > 0 && (d.expectElection || j.dledger.some(n => n.leaderGoneMs !== null))) {
		lines.push('', '| DLedger node | stopped following | candidate | follows | after |', '| --- | ---: | ---: | --- | ---: |');
		for (const n of j.dledger) lines.push(`| ${n.selfId} | ${cell(n.leaderGoneMs)} | ${cell(n.candidateMs)} | ${n.newLeader ?? '—'} | ${cell(n.newLeaderMs)} |`);
	}
	if (j.crossCheck.length > 0) {
		lines.push('', 'Cross-check with the logs (a line\'s second, GMT+8, agrees when the probe is within 1 s of it):', '');
		for (const c of j.crossCheck) lines.push(`- ${c.status}: ${c.text}`);
	}
	if (j.notes.length > 0) {
		lines.push('', 'Notes:', '');
		for (const n of j.notes) lines.push(`- ${n}`);
	}
	return lines.join('\n');
}

export function reportMarkdown(drills: readonly Drill[], options: {generatedAt?: number} = {}): string {
	const head = [
		'# rmq-tui failover drills',
		'',
		`Times are seconds after the action was sent, measured by the probe's snapshots (the reference clock).${options.generatedAt !== undefined ? ` Written ${iso(options.generatedAt)}.` : ''}`,
	];
	if (drills.length === 0) return `${[...head, '', 'No drills.'].join('\n')}\n`;
	return `${[...head, '', ...drills.map((d, i) => drillMarkdown(d, i + 1)).flatMap(s => [s, ''])].join('\n').trimEnd()}\n`;
}

export function reportJson(drills: readonly Drill[], options: {generatedAt?: number} = {}): DrillReportJson {
	return {format: REPORT_FORMAT, version: REPORT_VERSION, generatedAt: options.generatedAt === undefined ? null : iso(options.generatedAt), drills: drills.map(drillJson)};
}

/** Both files' contents (`--report FILE` writes FILE.md and FILE.json). */
export function reportFiles(drills: readonly Drill[], options: {generatedAt?: number} = {}): {md: string; json: string} {
	return {md: reportMarkdown(drills, options), json: `${JSON.stringify(reportJson(drills, options), null, 2)}\n`};
}
