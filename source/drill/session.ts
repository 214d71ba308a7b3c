/**
 * Every drill of a pane session (a pure reducer around drillReducer): the last snapshot (so a new drill knows who
 * led), the drills under way, and the finished ones. A start/unpause/restart of a node an open drill took down
 * continues that drill (its recovery); any other action opens a new drill.
 */
import type {ClusterSnapshot} from '../probe/types.ts';
import {BRINGS_BACK, type DrillTarget} from './target.ts';
import {drillReducer, isMeasured, openDrill} from './timeline.ts';
import {DEFAULT_DRILL_OPTIONS, type Drill, type DrillInput, type DrillOptions} from './types.ts';

export interface DrillSession {
	nodes: readonly DrillTarget[];
	last?: ClusterSnapshot;
	open: Drill[];
	/** Oldest first, at most `maxFinished`. */
	finished: Drill[];
	seq: number;
}

export type SessionInput =
	| Exclude<DrillInput, {type: 'sent'} | {type: 'close'}>
	| {type: 'sent'; at: number; target: DrillTarget; action: Extract<DrillInput, {type: 'sent'}>['action']}
	/** Close one drill (by id) or all open ones. */
	| {type: 'close'; at: number; id?: string};

export const MAX_FINISHED = 100;

export function createSession(nodes: readonly DrillTarget[]): DrillSession {
	return {nodes, open: [], finished: [], seq: 0};
}

function settle(s: DrillSession, open: Drill[]): DrillSession {
	const done = open.filter(d => d.phase === 'done');
	if (done.length === 0 && open.length === s.open.length && open.every((d, i) => d === s.open[i])) return s;
	return {...s, open: open.filter(d => d.phase !== 'done'), finished: [...s.finished, ...done].slice(-MAX_FINISHED)};
}

export function sessionReducer(s: DrillSession, input: SessionInput, options: DrillOptions = DEFAULT_DRILL_OPTIONS): DrillSession {
	switch (input.type) {
		case 'snapshot': {
			const next = {...s, last: input.snapshot};
			return settle(next, s.open.map(d => drillReducer(d, input, options)));
		}
		case 'sent': {
			const bringsBack = BRINGS_BACK.has(input.action) || input.action === 'restart';
			const owner = bringsBack ? s.open.find(d => d.target.id === input.target.id && !d.recovery) : undefined;
			if (owner) return settle(s, s.open.map(d => drillReducer(d, input, options)));
			const seq = s.seq + 1;
			const drill = openDrill({...input, id: `drill-${seq}`, nodes: s.nodes, ...(s.last ? {before: s.last} : {})});
			const others = s.open.map(d => drillReducer(d, input, options));
			return settle({...s, seq}, [...others, drill]);
		}
		case 'close': {
			const open = s.open.map(d => (input.id === undefined || d.id === input.id ? drillReducer(d, {type: 'close', at: input.at}, options) : d));
			return settle(s, open);
		}
		default:
			return settle(s, s.open.map(d => drillReducer(d, input, options)));
	}
}

/** Drills worth reporting: the finished ones and those under way with a result already (e.g. a new leader). */
export function reportableDrills(s: DrillSession): Drill[] {
	return [...s.finished, ...s.open.filter(isMeasured)].sort((a, b) => a.sentAt - b.sentAt);
}
