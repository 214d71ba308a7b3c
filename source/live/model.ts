/**
 * The live pane's state and its reducer (pure): probe snapshots, hosts and their containers (from one listing,
 * then Docker events), ring-buffered log tails, the selection, the log view (follow, scroll, filter), the drill
 * session fed with all of it, and the question on screen. Keys are folded in by keys.ts (onKey); side effects are
 * only described there (Effect) and carried out by the controller.
 */
import type {ContainerEvent} from '../deploy/host.ts';
import type {ObservedContainer} from '../deploy/observed.ts';
import type {Assessment} from '../drill/guard.ts';
import type {UndoAction} from '../drill/journal.ts';
import {parseLogEvent} from '../drill/logs.ts';
import {createSession, sessionReducer, type DrillSession} from '../drill/session.ts';
import {containerKey, targetForContainer, type DrillAction, type DrillTarget} from '../drill/target.ts';
import type {Plan} from '../plan/types.ts';
import type {ClusterSnapshot} from '../probe/types.ts';
import type {PanePolicy, PaneMode} from '../ui/keys.ts';
import {hostConnecting, hostDown, hostEvent, hostListed, newHost, type HostView} from './hosts.ts';
import {FOLLOW, type LogView} from './log-view.ts';
import {selectableIds} from './nodes.ts';
import {appendLines, emptyTail, freshLines, restartTail, withState, type LogTail, type TailState} from './ring.ts';

export interface PaneConfig {
	/** The cluster's plan; without one (`--namesrv`) there are no hosts, logs or drill keys. */
	plan?: Plan;
	/** Every node, grouped by host (paneTargets). */
	targets: readonly DrillTarget[];
	clusterName: string;
	/** Where the cluster is: `simulated`, `SSH`, `name servers only`. */
	source: string;
	policy: PanePolicy;
	intervalMs: number;
	ringLines: number;
	/** Hosts as the plan lists them (name, address), when there is host access. */
	hosts: ReadonlyArray<{name: string; address: string}>;
}

export type Dialog =
	| {kind: 'confirm'; target: DrillTarget; action: DrillAction; assessment: Assessment}
	| {kind: 'type'; target: DrillTarget; action: DrillAction; assessment: Assessment; typed: string};

export interface Flash {
	level: 'info' | 'error';
	text: string;
	at: number;
}

export interface PaneState {
	config: PaneConfig;
	/** The reference clock at the last event (the probe's clock). */
	now: number;
	snapshot?: ClusterSnapshot;
	probeError?: string;
	hosts: Record<string, HostView>;
	/** Log tails by containerKey(host, container). */
	logs: Record<string, LogTail>;
	/** Selected node id. */
	selected?: string;
	panel: 'logs' | 'drills';
	log: LogView;
	/** Typing a filter (mode pane.filter). */
	filtering: boolean;
	dialog?: Dialog;
	/** Stops/pauses an earlier run left behind (from the hosts' journals). */
	undo?: {actions: UndoAction[]; dismissed: boolean};
	help: boolean;
	flash?: Flash;
	session: DrillSession;
}

export type PaneEvent =
	| {type: 'tick'; now: number}
	| {type: 'snapshot'; snapshot: ClusterSnapshot}
	| {type: 'probe-failed'; now: number; error: string}
	| {type: 'host-connecting'; host: string}
	| {type: 'host-listed'; host: string; at: number; containers: readonly ObservedContainer[]; offsetMs?: number}
	| {type: 'host-event'; event: ContainerEvent}
	| {type: 'host-down'; host: string; now: number; error: string; retryAt?: number}
	| {type: 'log-lines'; batches: ReadonlyArray<{host: string; container: string; lines: readonly string[]}>}
	| {type: 'log-state'; host: string; container: string; state: TailState; error?: string; source?: string}
	/** A new follow of the container starts with its own tail: the ring starts over (ring.ts restartTail). */
	| {type: 'log-reset'; host: string; container: string}
	| {type: 'sent'; at: number; target: DrillTarget; action: DrillAction}
	| {type: 'send-failed'; at: number; target: DrillTarget; action: DrillAction; error: string; drillId?: string}
	| {type: 'flash'; level: Flash['level']; text: string; now: number}
	/** The flash has been up long enough (the controller times it in real time): clear it if it is still this one. */
	| {type: 'flash-clear'; flash: Flash}
	| {type: 'undo-offer'; actions: readonly UndoAction[]};

export function initialPane(config: PaneConfig, now: number): PaneState {
	const hosts: Record<string, HostView> = {};
	for (const h of config.hosts) {
		const planned = config.targets.filter(t => t.host === h.name).map(t => t.containerName);
		hosts[h.name] = newHost(h.name, h.address, planned);
	}
	const first = config.targets[0]?.id;
	return {
		config,
		now,
		hosts,
		logs: {},
		...(first !== undefined ? {selected: first} : {}),
		panel: 'logs',
		log: FOLLOW,
		filtering: false,
		help: false,
		session: createSession(config.targets),
	};
}

export function paneMode(s: PaneState): PaneMode {
	if (s.dialog?.kind === 'confirm') return 'pane.confirm';
	if (s.dialog?.kind === 'type') return 'pane.type';
	if (s.filtering) return 'pane.filter';
	if (s.undo && !s.undo.dismissed && s.undo.actions.length > 0) return 'pane.undo';
	return 'pane';
}

export const selectedTarget = (s: PaneState): DrillTarget | undefined => s.config.targets.find(t => t.id === s.selected);

/** The log tail of the selected node's container, if it has one. */
export function selectedTail(s: PaneState): {key: string; tail: LogTail} | undefined {
	const t = selectedTarget(s);
	if (!t) return undefined;
	const key = containerKey(t.host, t.containerName);
	return {key, tail: s.logs[key] ?? emptyTail()};
}

function withHost(s: PaneState, name: string, change: (h: HostView) => HostView): PaneState {
	const h = s.hosts[name];
	if (!h) return s;
	const next = change(h);
	return next === h ? s : {...s, hosts: {...s.hosts, [name]: next}};
}

const isLogEvent = (line: string): boolean => parseLogEvent(line) !== undefined;

/**
 * Broker and name-server lines that record a failover step, fed to the drills while one is open; a line an earlier
 * follow of the container delivered (replayed by a new follow's first tail) is not fed again.
 */
function feedLogs(session: DrillSession, logs: PaneState['logs'], batches: Extract<PaneEvent, {type: 'log-lines'}>['batches']): DrillSession {
	if (session.open.length === 0) return session;
	let next = session;
	for (const b of batches) {
		const node = targetForContainer(session.nodes, b.host, b.container);
		if (!node || node.kind === 'console') continue;
		for (const line of freshLines(logs[containerKey(b.host, b.container)], b.lines)) {
			if (isLogEvent(line)) next = sessionReducer(next, {type: 'log', host: b.host, container: b.container, line});
		}
	}
	return next;
}

export function paneReducer(s: PaneState, e: PaneEvent): PaneState {
	switch (e.type) {
		case 'tick':
			return e.now === s.now ? s : {...s, now: Math.max(s.now, e.now)};
		case 'snapshot': {
			const ids = selectableIds(s.config.targets, e.snapshot);
			const selected = s.selected !== undefined && ids.includes(s.selected) ? s.selected : ids[0];
			const {probeError: _p, ...rest} = s;
			return {
				...rest,
				now: Math.max(s.now, e.snapshot.at),
				snapshot: e.snapshot,
				session: sessionReducer(s.session, {type: 'snapshot', snapshot: e.snapshot}),
				...(selected !== undefined ? {selected} : {}),
			};
		}
		case 'probe-failed':
			return {...s, now: Math.max(s.now, e.now), probeError: e.error};
		case 'host-connecting':
			return withHost(s, e.host, hostConnecting);
		case 'host-listed':
			return withHost(s, e.host, h => hostListed(h, e.at, e.containers, e.offsetMs));
		case 'host-event': {
			const h = s.hosts[e.event.host];
			if (!h) return s;
			const {host, changed} = hostEvent(h, e.event);
			const next = {...s, hosts: {...s.hosts, [host.name]: host}};
			if (changed === undefined) return next;
			return {...next, session: sessionReducer(s.session, {type: 'container', at: e.event.at, host: e.event.host, name: e.event.name, state: changed})};
		}
		case 'host-down':
			return withHost({...s, now: Math.max(s.now, e.now)}, e.host, h => hostDown(h, e.error, e.retryAt));
		case 'log-lines': {
			if (e.batches.length === 0) return s;
			const logs = {...s.logs};
			for (const b of e.batches) {
				const key = containerKey(b.host, b.container);
				logs[key] = appendLines(logs[key] ?? emptyTail(), b.lines, s.config.ringLines);
			}
			return {...s, logs, session: feedLogs(s.session, s.logs, e.batches)};
		}
		case 'log-state': {
			const key = containerKey(e.host, e.container);
			const tail = s.logs[key] ?? emptyTail(e.source);
			const next = withState(e.source !== undefined && tail.source !== e.source ? {...tail, source: e.source} : tail, e.state, e.error);
			return next === s.logs[key] ? s : {...s, logs: {...s.logs, [key]: next}};
		}
		case 'log-reset': {
			const key = containerKey(e.host, e.container);
			const tail = s.logs[key];
			if (!tail || (tail.total === 0 && tail.state === 'idle')) return s;
			return {...s, logs: {...s.logs, [key]: restartTail(tail, isLogEvent, s.config.ringLines)}};
		}
		case 'sent':
			return {
				...s,
				now: Math.max(s.now, e.at),
				session: sessionReducer(s.session, {type: 'sent', at: e.at, target: e.target, action: e.action}),
				flash: {level: 'info', text: `${e.action} sent to ${e.target.id} (${e.target.containerName} on ${e.target.host})`, at: e.at},
			};
		case 'send-failed': {
			const open = e.drillId === undefined ? s.session.open : s.session.open.filter(d => d.id !== e.drillId);
			return {
				...s,
				session: open === s.session.open ? s.session : {...s.session, open},
				flash: {level: 'error', text: `✗ ${e.action} ${e.target.id} failed: ${e.error}`, at: e.at},
			};
		}
		case 'flash':
			return {...s, flash: {level: e.level, text: e.text, at: e.now}};
		case 'flash-clear': {
			if (s.flash !== e.flash) return s;
			const {flash: _f, ...rest} = s;
			return rest;
		}
		case 'undo-offer': {
			const known = new Map((s.undo?.actions ?? []).map(a => [containerKey(a.host, a.container), a]));
			const fresh = e.actions.filter(a => !known.has(containerKey(a.host, a.container)));
			if (fresh.length === 0) return s;
			return {...s, undo: {actions: [...known.values(), ...fresh].sort((a, b) => a.since - b.since), dismissed: false}};
		}
	}
}
