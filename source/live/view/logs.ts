/** The Logs panel as rows (pure): a header saying what is followed and how, then the window of the tail. */
import {highlight, type LineClass} from '../../drill/logs.ts';
import type {DrillTarget} from '../../drill/target.ts';
import {logWindow, type LogView} from '../log-view.ts';
import type {LogTail} from '../ring.ts';
import {fitRow, seg, type Row, type Segment, type Tone} from './text.ts';

export interface LogsInput {
	target?: DrillTarget;
	tail?: LogTail;
	view: LogView;
	/** Typing the filter now. */
	filtering: boolean;
	/** Why there are no logs at all (no host access). */
	unavailable?: string;
}

const CLASS_STYLE: Record<LineClass, {tone?: Tone; bold?: boolean}> = {
	election: {tone: 'accent', bold: true},
	role: {tone: 'ok', bold: true},
	error: {tone: 'bad'},
	warn: {tone: 'warn'},
	stack: {tone: 'dim'},
	plain: {},
};

export function lineRow(text: string, columns: number): Row {
	const style = CLASS_STYLE[highlight(text)];
	return fitRow([seg(text, style.tone, style.bold ? {bold: true} : {})], columns);
}

function stateText(tail: LogTail | undefined): Segment {
	if (!tail || tail.state === 'idle') return seg(' · not followed yet', 'dim');
	if (tail.state === 'connecting') return seg(' · connecting…', 'warn');
	if (tail.state === 'failed') return seg(` · ✗ ${tail.error ?? 'failed'} (retrying)`, 'bad');
	if (tail.state === 'ended') return seg(` · ended${tail.error ? `: ${tail.error}` : ''}`, 'warn');
	return seg('');
}

/** Header + `height - 1` lines. */
export function logsPanel(input: LogsInput, height: number, columns: number): Row[] {
	const t = input.target;
	if (input.unavailable) return [fitRow([seg('Logs', undefined, {bold: true}), seg(` · ${input.unavailable}`, 'dim')], columns)];
	if (!t) return [fitRow([seg('Logs', undefined, {bold: true}), seg(' · select a container (↑↓ or j/k)', 'dim')], columns)];
	const tail = input.tail;
	const body = Math.max(0, height - 1);
	const window = tail ? logWindow(tail, input.view, body) : undefined;
	const header: Row = [seg(`Logs ${t.id}`, undefined, {bold: true})];
	if (input.filtering) header.push(seg(` · filter /${input.view.filter}`, 'accent', {bold: true}), seg('█', 'accent'));
	else if (input.view.filter !== '') header.push(seg(` · filter "${input.view.filter}": ${window?.matched ?? 0} of ${tail?.lines.length ?? 0}`, 'accent'));
	if (!input.view.follow) header.push(seg(` · PAUSED${window && window.below > 0 ? ` (${window.below} newer)` : ''} — f follows`, 'warn', {bold: true}));
	else if (tail?.state === 'following') header.push(seg(' · following', 'ok'));
	header.push(stateText(tail), seg(` · ${t.containerName} on ${t.host}`, 'dim'));
	if (tail?.source) header.push(seg(` · ${tail.source}`, 'dim'));
	const rows = [fitRow(header, columns)];
	if (window && window.lines.length === 0 && body > 0) rows.push(fitRow([seg(input.view.filter !== '' ? 'no line matches the filter' : 'no lines yet', 'dim')], columns));
	for (const line of window?.lines ?? []) rows.push(lineRow(line.text, columns));
	return rows.slice(0, Math.max(1, height));
}
