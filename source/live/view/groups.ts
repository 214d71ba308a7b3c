/**
 * The Groups panel as rows (pure): per DLedger group its verdict and how long its leader has led (or how long it
 * has had none), name-server disagreement marked; per replica its host, ports, role (with Docker's state when the
 * probe only knows it is down), brokerId as each name server lists it, lag, disk and TPS.
 */
import type {ContainerState} from '../../deploy/observed.ts';
import {seconds1, formatBytes} from '../../drill/format.ts';
import {containerKey, type DrillTarget} from '../../drill/target.ts';
import {DEFAULT_SNAPSHOT_OPTIONS} from '../../probe/snapshot.ts';
import type {ClusterSnapshot, GroupSnapshot, ReplicaSnapshot, Verdict} from '../../probe/types.ts';
import {cellsRow, fitRow, seg, uptime, type Row, type Tone} from './text.ts';

export interface GroupsInput {
	snapshot?: ClusterSnapshot;
	targets: readonly DrillTarget[];
	/** Docker's container states by containerKey (when there is host access). */
	containers: Readonly<Record<string, ContainerState>>;
	selected?: string;
	now: number;
}

export const VERDICT_TONE: Record<Verdict, Tone> = {healthy: 'ok', degraded: 'warn', stale: 'bad', split: 'bad', electing: 'bad', unreachable: 'bad'};

/** Name servers that answered but list different leaders (`addr → leader`), empty when they agree. */
export function namesrvDisagreement(g: GroupSnapshot): string[] {
	const answered = Object.entries(g.leaderByNamesrv).filter(([, v]) => v !== undefined);
	if (new Set(answered.map(([, v]) => v)).size <= 1) return [];
	return answered.map(([addr, v]) => `${addr}→${v ?? 'none'}`);
}

const since = (ms: number): string => (ms < 60_000 ? seconds1(ms) : uptime(ms));

export function leaderText(g: GroupSnapshot, now: number): string {
	const held = g.leaderSince !== undefined ? ` for ${since(now - g.leaderSince)}` : '';
	if (g.leader !== undefined) return `leader ${g.leader}${held || ' (no change seen)'}`;
	return `no agreed leader${held}${g.verdict === 'electing' ? '…' : ''}`;
}

export function groupHeader(g: GroupSnapshot, now: number, columns: number): Row {
	const split = namesrvDisagreement(g);
	const row: Row = [seg(g.group, undefined, {bold: true}), seg('  '), seg(g.verdict.toUpperCase(), VERDICT_TONE[g.verdict], {bold: g.verdict !== 'healthy'}), seg(`  ${leaderText(g, now)}`)];
	if (split.length > 0) row.push(seg(`  ≠ name servers disagree: ${split.join(' ')}`, 'bad', {bold: true}));
	return fitRow(row, columns);
}

function targetOf(targets: readonly DrillTarget[], group: string, selfId: string): DrillTarget | undefined {
	return targets.find(t => t.kind === 'broker' && t.group === group && t.selfId === selfId);
}

function roleCell(r: ReplicaSnapshot, state: ContainerState | undefined): {text: string; tone?: Tone; bold?: boolean} {
	if (state !== undefined && state !== 'running') return {text: `down (${state})`, tone: 'bad'};
	switch (r.role) {
		case 'leader':
			return {text: 'leader', tone: 'ok', bold: true};
		case 'follower':
			return {text: 'follower'};
		case 'candidate':
			return {text: 'candidate', tone: 'warn'};
		case 'down':
			return {text: 'down', tone: 'bad'};
		default:
			return {text: 'unknown', tone: 'dim'};
	}
}

function idsText(r: ReplicaSnapshot): {text: string; disagree: boolean} {
	const ids = Object.values(r.brokerIdByNamesrv);
	const listed = ids.filter((v): v is number | null => v !== undefined);
	return {text: `ids ${ids.map(v => (v === undefined ? '?' : v === null ? '-' : String(v))).join('/')}`, disagree: new Set(listed).size > 1};
}

export function replicaRow(g: GroupSnapshot, r: ReplicaSnapshot, input: GroupsInput, columns: number): Row {
	const t = targetOf(input.targets, g.group, r.selfId);
	const id = `${g.group}/${r.selfId}`;
	const selected = input.selected === id;
	const state = t ? input.containers[containerKey(t.host, t.containerName)] : undefined;
	const role = roleCell(r, state);
	const ids = idsText(r);
	const lagging = r.lagBytes !== undefined && r.lagBytes >= DEFAULT_SNAPSHOT_OPTIONS.lagThresholdBytes;
	const disk = r.runtime?.diskRatio;
	const tps = r.runtime?.putTps;
	return cellsRow(
		[
			{text: r.selfId, width: 4, bold: g.leader === r.selfId},
			{text: t?.host ?? r.host ?? r.ip, width: 15, priority: 3},
			{text: `${r.listenPort}/${r.dledgerPort}`, width: 11, priority: 1},
			{text: role.text, width: 15, ...(role.tone ? {tone: role.tone} : {}), ...(role.bold ? {bold: true} : {})},
			{text: ids.text, width: 4 + 2 * Object.keys(r.brokerIdByNamesrv).length, priority: 5, ...(ids.disagree ? {tone: 'bad' as const, bold: true} : {})},
			{text: r.lagBytes !== undefined ? `lag ${formatBytes(r.lagBytes)}` : 'lag -', width: 10, priority: 4, ...(lagging ? {tone: 'warn' as const} : {})},
			{text: disk !== undefined && disk >= 0 ? `disk ${Math.round(disk * 100)}%` : 'disk -', width: 9, priority: 0},
			{text: tps !== undefined ? `${tps.toFixed(tps < 10 ? 1 : 0)} TPS` : 'TPS -', width: 9, priority: 2},
		],
		columns,
		[seg(selected ? '  ▸ ' : '    ', 'accent', {bold: selected})],
	);
}

/** The reasons behind a verdict other than healthy, on one line. */
export function reasonRow(g: GroupSnapshot, columns: number): Row | undefined {
	if (g.verdict === 'healthy' || g.reasons.length === 0) return undefined;
	return fitRow([seg(`    ! ${g.reasons.join('; ')}`, VERDICT_TONE[g.verdict])], columns);
}

export function groupsFull(input: GroupsInput, columns: number): Row[] {
	const groups = input.snapshot?.groups ?? [];
	if (groups.length === 0) return [fitRow([seg(input.snapshot ? 'no DLedger group found' : 'waiting for the first probe…', 'dim')], columns)];
	return groups.flatMap(g => {
		const reason = reasonRow(g, columns);
		return [groupHeader(g, input.now, columns), ...(reason ? [reason] : []), ...g.replicas.map(r => replicaRow(g, r, input, columns))];
	});
}

export function groupsCompact(input: GroupsInput, columns: number): Row[] {
	const groups = input.snapshot?.groups ?? [];
	if (groups.length === 0) return [fitRow([seg(input.snapshot ? 'no DLedger group found' : 'waiting for the first probe…', 'dim')], columns)];
	return groups.map(g => {
		const row: Row = [seg(g.group, undefined, {bold: true}), seg(' '), seg(g.verdict.toUpperCase(), VERDICT_TONE[g.verdict], {bold: g.verdict !== 'healthy'}), seg(` ${leaderText(g, input.now)} ·`)];
		for (const r of g.replicas) {
			const t = targetOf(input.targets, g.group, r.selfId);
			const state = t ? input.containers[containerKey(t.host, t.containerName)] : undefined;
			const role = roleCell(r, state);
			const mark = r.role === 'leader' ? '▲' : role.tone === 'bad' ? '✗' : r.role === 'candidate' ? '?' : '●';
			row.push(seg(' '), seg(`${r.selfId}${mark}`, role.tone, input.selected === `${g.group}/${r.selfId}` ? {inverse: true, bold: true} : {}));
		}
		if (namesrvDisagreement(g).length > 0) row.push(seg(' ≠ns', 'bad', {bold: true}));
		return fitRow(row, columns);
	});
}

export const groupsFullHeight = (s: ClusterSnapshot | undefined): number =>
	Math.max(1, (s?.groups ?? []).reduce((n, g) => n + 1 + g.replicas.length + (g.verdict !== 'healthy' && g.reasons.length > 0 ? 1 : 0), 0));
export const groupsCompactHeight = (s: ClusterSnapshot | undefined): number => Math.max(1, s?.groups.length ?? 0);
