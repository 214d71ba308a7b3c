/**
 * The drill journal kept ON THE HOST (pure part): one JSON object per line, appended for every drill action on a
 * container of that host, so that if rmq-tui dies or loses SSH mid-drill, the next start can offer to undo what is
 * still stopped or paused. Write a take-down (stop, kill, pause, restart) BEFORE sending it and a bring-back (start,
 * unpause) AFTER it succeeded: a crash in between then errs on the side of offering an undo. `keep` records that
 * the operator chose to leave a node as it is.
 */
import {containerKey, type DrillAction} from './target.ts';
import type {ContainerState} from '../deploy/observed.ts';

export const JOURNAL_VERSION = 1;
/** Under the cluster's base dir on every host. */
export const JOURNAL_FILE = 'rmq-tui-drills.jsonl';

export type JournalAction = DrillAction | 'keep';

export interface JournalRecord {
	v: typeof JOURNAL_VERSION;
	/** Epoch ms (rmq-tui's clock). */
	at: number;
	action: JournalAction;
	host: string;
	container: string;
	/** The node (`RaftNode00/n0`, `namesrv@h0`, `console@h0`). */
	target: string;
	/** Who sent it: `user@machine (pid N)`. */
	by: string;
	/** The drill it belongs to. */
	drill?: string;
}

export interface UndoAction {
	action: 'start' | 'unpause';
	host: string;
	container: string;
	target: string;
	/** When it was taken down, and by whom. */
	since: number;
	by: string;
	/** What the journal says was done: `kill`, `pause`, … */
	cause: JournalAction;
	drill?: string;
}

const ACTIONS: ReadonlySet<string> = new Set(['stop', 'kill', 'pause', 'unpause', 'start', 'restart', 'keep']);

export function journalPath(baseDir: string): string {
	return `${baseDir.replace(/\/+$/, '')}/${JOURNAL_FILE}`;
}

/** One line to append (with its newline). Keys in a fixed order. */
export function journalLine(record: Omit<JournalRecord, 'v'>): string {
	const r: JournalRecord = {v: JOURNAL_VERSION, at: record.at, action: record.action, host: record.host, container: record.container, target: record.target, by: record.by, ...(record.drill !== undefined ? {drill: record.drill} : {})};
	return `${JSON.stringify(r)}\n`;
}

function isRecord(value: unknown): value is JournalRecord {
	if (!value || typeof value !== 'object') return false;
	const r = value as Record<string, unknown>;
	return (
		r.v === JOURNAL_VERSION &&
		typeof r.at === 'number' &&
		Number.isFinite(r.at) &&
		typeof r.action === 'string' &&
		ACTIONS.has(r.action) &&
		typeof r.host === 'string' &&
		typeof r.container === 'string' &&
		r.container.length > 0 &&
		typeof r.target === 'string' &&
		typeof r.by === 'string' &&
		(r.drill === undefined || typeof r.drill === 'string')
	);
}

/** Records in file order; unreadable lines (a torn last write, another version) are reported, not fatal. */
export function parseJournal(text: string | readonly string[]): {records: JournalRecord[]; problems: string[]} {
	const lines = typeof text === 'string' ? text.split('\n') : text;
	const records: JournalRecord[] = [];
	const problems: string[] = [];
	lines.forEach((line, i) => {
		if (line.trim() === '') return;
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			problems.push(`line ${i + 1}: not JSON`);
			return;
		}
		if (isRecord(parsed)) records.push(parsed);
		else problems.push(`line ${i + 1}: not a drill journal record`);
	});
	return {records, problems};
}

/** The record that left each container stopped or paused (none: it is running, or the operator kept it so). */
function outstanding(records: readonly JournalRecord[]): Map<string, {record: JournalRecord; state: 'stopped' | 'paused'}> {
	const open = new Map<string, {record: JournalRecord; state: 'stopped' | 'paused'}>();
	for (const r of records) {
		const key = containerKey(r.host, r.container);
		if (r.action === 'stop' || r.action === 'kill') open.set(key, {record: r, state: 'stopped'});
		else if (r.action === 'pause') open.set(key, {record: r, state: 'paused'});
		else open.delete(key); // start, unpause, restart (ends running), keep
	}
	return open;
}

/**
 * What to offer to undo: a stop/kill not followed by a start → start; a pause not followed by an unpause → unpause.
 * With the containers' current states (by containerKey), what is already undone is left out.
 */
export function pendingUndo(lines: string | readonly string[], states?: Readonly<Record<string, ContainerState>>): UndoAction[] {
	const out: UndoAction[] = [];
	for (const [key, {record, state}] of outstanding(parseJournal(lines).records)) {
		const now = states?.[key];
		if (state === 'stopped' && now === 'running') continue;
		if (state === 'paused' && now !== undefined && now !== 'paused') continue;
		out.push({
			action: state === 'stopped' ? 'start' : 'unpause',
			host: record.host,
			container: record.container,
			target: record.target,
			since: record.at,
			by: record.by,
			cause: record.action,
			...(record.drill !== undefined ? {drill: record.drill} : {}),
		});
	}
	return out.sort((a, b) => a.since - b.since);
}

/** The journal reduced to what still matters (one line per container left down), to rewrite the file small. */
export function compactJournal(lines: string | readonly string[]): string {
	const keep = [...outstanding(parseJournal(lines).records).values()].map(o => o.record).sort((a, b) => a.at - b.at);
	return keep.map(r => journalLine(r)).join('');
}
