/**
 * Drill rows (pure): the live line of every drill under way ("RaftNode00: no leader for 4.2 s…"), finished
 * drills with their measured time-to-new-leader, and the drills panel (`t`): the latest drill's timeline, then the
 * finished ones.
 */
import {seconds3} from '../../drill/format.ts';
import {liveStatus} from '../../drill/live.ts';
import {milestones} from '../../drill/milestones.ts';
import {resultText} from '../../drill/report.ts';
import type {DrillSession} from '../../drill/session.ts';
import type {Drill} from '../../drill/types.ts';
import {fitRow, seg, wrapText, type Row} from './text.ts';

const title = (d: Drill): string => `${d.id} ${d.action} ${d.target.id}`;

export function openRow(d: Drill, now: number, columns: number): Row {
	return fitRow([seg('▶ ', 'accent', {bold: true}), seg(`${title(d)}: `, undefined, {bold: true}), seg(liveStatus(d, now), d.phase === 'elected' || d.phase === 'recovering' ? 'ok' : 'warn')], columns);
}

export function finishedRow(d: Drill, columns: number): Row {
	const bad = d.expectElection && d.newLeaderAt === undefined;
	return fitRow([seg(bad ? '✗ ' : '✓ ', bad ? 'bad' : 'ok'), seg(`${title(d)}: `), seg(resultText(d), 'dim')], columns);
}

/** What the strip under the groups shows: drills under way, then the newest finished ones, at most `max` rows. */
export function drillStrip(session: DrillSession, now: number, max: number, columns: number): Row[] {
	const open = session.open.map(d => openRow(d, now, columns));
	const finished = [...session.finished].reverse().map(d => finishedRow(d, columns));
	return [...open, ...finished].slice(0, Math.max(0, max));
}

/** Rows the strip would like (drills under way plus the last finished one). */
export const drillStripWanted = (session: DrillSession): number => session.open.length + Math.min(1, session.finished.length);

/** The drills panel (`t`): the latest drill's milestones, then every finished drill, newest first. */
export function drillsPanel(session: DrillSession, now: number, height: number, columns: number): Row[] {
	const rows: Row[] = [fitRow([seg(`Drills — ${session.open.length} under way, ${session.finished.length} finished`, undefined, {bold: true}), seg('  (t: back to the log · w: write the report)', 'dim')], columns)];
	const latest = session.open.at(-1) ?? session.finished.at(-1);
	if (!latest) return [...rows, fitRow([seg('No drill yet: select a container and press s, K, p, S or r.', 'dim')], columns)];
	const live = session.open.includes(latest);
	rows.push(live ? openRow(latest, now, columns) : finishedRow(latest, columns));
	for (const m of milestones(latest, live ? now : undefined)) rows.push(fitRow([seg(`  ${`+${seconds3(m.at - latest.sentAt)}`.padStart(10)}  `, 'dim'), seg(m.what), seg(`  ${m.where}`, 'dim')], columns));
	for (const note of latest.notes) for (const line of wrapText(`note: ${note}`, columns - 4)) rows.push(fitRow([seg(`    ${line}`, 'warn')], columns));
	const others = [...session.finished].reverse().filter(d => d !== latest);
	if (others.length > 0) rows.push(fitRow([seg('Earlier', undefined, {bold: true})], columns), ...others.map(d => finishedRow(d, columns)));
	return rows.slice(0, Math.max(0, height));
}
