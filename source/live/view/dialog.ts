/** The question rows (pure): a drill's confirmation (what will happen, warnings), the typed name, the undo offer. */
import type {UndoAction} from '../../drill/journal.ts';
import type {Dialog} from '../model.ts';
import {clockText, fitRow, seg, wrapText, type Row} from './text.ts';

export function dialogRows(d: Dialog, columns: number, readOnlyReason?: string): Row[] {
	const rows: Row[] = [fitRow([seg(d.kind === 'type' ? '⚠ This needs the name typed' : 'Confirm', d.kind === 'type' ? 'bad' : 'accent', {bold: true})], columns)];
	for (const line of wrapText(d.assessment.summary, columns - 2)) rows.push(fitRow([seg(`  ${line}`, d.kind === 'type' ? 'bad' : undefined, {bold: true})], columns));
	for (const w of d.assessment.warnings) for (const [i, line] of wrapText(w, columns - 4).entries()) rows.push(fitRow([seg(i === 0 ? '  ! ' : '    ', 'warn'), seg(line, 'warn')], columns));
	if (d.kind === 'type') {
		rows.push(fitRow([seg(`  Type ${d.assessment.requiresTyping} to send it: `, undefined, {bold: true}), seg(d.typed), seg('█', 'accent'), seg('   Enter send · Esc cancel', 'dim')], columns));
	} else rows.push(fitRow([seg('  Send it? ', undefined, {bold: true}), seg('y send · n/Esc/Enter cancel', 'dim'), ...(readOnlyReason ? [seg(` (${readOnlyReason})`, 'bad')] : [])], columns));
	return rows;
}

function undoLine(a: UndoAction): string {
	const cause = a.cause === 'pause' ? 'paused' : a.cause === 'kill' ? 'killed' : 'stopped';
	return `${a.action} ${a.target} (${a.container} on ${a.host}): ${cause} ${clockText(a.since)} by ${a.by}`;
}

export function undoRows(actions: readonly UndoAction[], columns: number, off?: string): Row[] {
	return [
		fitRow([seg('An earlier drill left these containers down (from the journal on each host):', 'warn', {bold: true})], columns),
		...actions.map(a => fitRow([seg(`  ${undoLine(a)}`)], columns)),
		off
			? fitRow([seg(`  y/k off: ${off}`, 'bad'), seg(' · n/Esc decide later', 'dim')], columns)
			: fitRow([seg('  y undo all', undefined, {bold: true}), seg(' · k keep as is · n/Esc decide later', 'dim')], columns),
	];
}
