/**
 * Keys → the pane's next state and the effects to carry out (pure). The key table (ui/keys.ts) decides what a key
 * means in each mode, and refuses dangerous keys in read-only mode or without host access; this decides what the
 * meaning does: move, scroll, filter, open the confirmation a drill key asks for (assessAction), and, once
 * confirmed, describe the drill for the controller to send.
 */
import {assessAction, nodeState} from '../drill/guard.ts';
import type {UndoAction} from '../drill/journal.ts';
import type {DrillAction, DrillTarget} from '../drill/target.ts';
import {paneLookup, type DrillKeyAction, type PaneActionId} from '../ui/keys.ts';
import {containerStates} from './hosts.ts';
import {filterView, followView, scrollView} from './log-view.ts';
import {paneMode, selectedTail, selectedTarget, type PaneState} from './model.ts';
import {moveSelection, selectableIds} from './nodes.ts';

export type Effect =
	| {type: 'drill'; target: DrillTarget; action: DrillAction}
	| {type: 'report'}
	| {type: 'undo'; actions: UndoAction[]}
	| {type: 'keep'; actions: UndoAction[]}
	| {type: 'quit'};

export interface KeyResult {
	state: PaneState;
	effects: Effect[];
}

export interface KeyContext {
	/** Lines the log window shows now (a page). */
	logHeight: number;
}

const CONTROL = /[\u0000-\u001F\u007F]/g;

const flash = (s: PaneState, level: 'info' | 'error', text: string): PaneState => ({...s, flash: {level, text, at: s.now}});
const done = (state: PaneState, ...effects: Effect[]): KeyResult => ({state, effects});

/** What a drill key means for the selected node now: `p` pauses, or unpauses a paused container. */
export function drillActionFor(s: PaneState, key: DrillKeyAction, t: DrillTarget): DrillAction {
	if (key !== 'pause') return key;
	return nodeState(t, s.snapshot, {containers: containerStates(s.hosts)}) === 'paused' ? 'unpause' : 'pause';
}

function drillKey(s: PaneState, key: DrillKeyAction): KeyResult {
	const t = selectedTarget(s);
	const plan = s.config.plan;
	if (!t || !plan) return done(flash(s, 'error', 'select a container first (↑↓ or j/k)'));
	const action = drillActionFor(s, key, t);
	const host = s.hosts[t.host];
	if (host && host.status !== 'connected') return done(flash(s, 'error', `✗ cannot ${action} ${t.id}: ${t.host} is ${host.status}${host.error ? ` (${host.error})` : ''}`));
	const assessment = assessAction(plan, s.snapshot, t, action, {containers: containerStates(s.hosts)});
	if (assessment.blocked) return done(flash(s, 'error', `✗ ${assessment.blocked}`));
	const dialog = assessment.requiresTyping !== undefined ? {kind: 'type' as const, target: t, action, assessment, typed: ''} : {kind: 'confirm' as const, target: t, action, assessment};
	return done({...s, dialog});
}

function withoutDialog(s: PaneState): PaneState {
	const {dialog: _d, ...rest} = s;
	return rest;
}

function act(s: PaneState, action: PaneActionId, ctx: KeyContext): KeyResult {
	const page = Math.max(1, ctx.logHeight - 1);
	const tail = selectedTail(s)?.tail;
	switch (action) {
		case 'up':
		case 'down': {
			const ids = selectableIds(s.config.targets, s.snapshot);
			const selected = moveSelection(ids, s.selected, action === 'up' ? -1 : 1);
			return done(selected === s.selected || selected === undefined ? s : {...s, selected, log: followView(s.log)});
		}
		case 'pageUp':
		case 'pageDown':
			if (!tail) return done(s);
			return done({...s, panel: 'logs', log: scrollView(tail, s.log, action === 'pageUp' ? -page : page, ctx.logHeight)});
		case 'follow':
			return done({...s, panel: 'logs', log: followView(s.log)});
		case 'filter':
			return done({...s, panel: 'logs', filtering: true});
		case 'clearFilter':
			return done(s.log.filter === '' ? s : {...s, log: filterView(s.log, '')});
		case 'keepFilter':
			return done({...s, filtering: false});
		case 'cancelFilter':
			return done({...s, filtering: false, log: filterView(s.log, '')});
		case 'drills':
			return done({...s, panel: s.panel === 'logs' ? 'drills' : 'logs'});
		case 'report':
			return done(s, {type: 'report'});
		case 'stop':
		case 'kill':
		case 'pause':
		case 'start':
		case 'restart':
			return drillKey(s, action);
		case 'confirmDrill': {
			const d = s.dialog;
			if (!d) return done(s);
			return done(withoutDialog(s), {type: 'drill', target: d.target, action: d.action});
		}
		case 'cancelDrill':
			return done(flash(withoutDialog(s), 'info', 'nothing sent'));
		case 'submitTyped': {
			const d = s.dialog;
			if (d?.kind !== 'type') return done(s);
			const wanted = d.assessment.requiresTyping ?? '';
			if (d.typed.trim() !== wanted) return done(flash(withoutDialog(s), 'error', `the name did not match ${wanted}: nothing sent`));
			return done(withoutDialog(s), {type: 'drill', target: d.target, action: d.action});
		}
		case 'undoAll':
		case 'keepAll': {
			const actions = s.undo?.actions ?? [];
			const {undo: _u, ...rest} = s;
			return done(rest, {type: action === 'undoAll' ? 'undo' : 'keep', actions});
		}
		case 'undoLater':
			return done(s.undo ? {...s, undo: {...s.undo, dismissed: true}} : s);
		case 'help':
			return done({...s, help: true});
		case 'quit':
			return done(s, {type: 'quit'});
	}
}

/** Printable text typed in a text mode (filter, typed name). */
function typed(s: PaneState, name: string | undefined, input: string): PaneState {
	const text = s.filtering ? s.log.filter : s.dialog?.kind === 'type' ? s.dialog.typed : undefined;
	if (text === undefined) return s;
	let next = text;
	if (name === 'backspace') next = text.slice(0, -1);
	else if (input !== '' && name !== undefined) next = text + (name === 'space' ? ' ' : input.replace(CONTROL, ''));
	else return s;
	if (next === text) return s;
	if (s.filtering) return {...s, log: filterView(s.log, next)};
	return s.dialog?.kind === 'type' ? {...s, dialog: {...s.dialog, typed: next}} : s;
}

/** One key, as keyName() names it (`input`: the raw text, for text modes). */
export function onKey(s: PaneState, name: string | undefined, input: string, ctx: KeyContext): KeyResult {
	if (s.help) return name === 'ctrl+c' ? done(s, {type: 'quit'}) : done({...s, help: false});
	const mode = paneMode(s);
	const binding = paneLookup(mode, name, s.config.policy);
	if (binding) {
		if (binding.disabled) return done(flash(s, 'error', `✗ ${binding.label} is off: ${binding.disabled}`));
		return act(s, binding.action, ctx);
	}
	return done(typed(s, name, input));
}
