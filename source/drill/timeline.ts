/**
 * The drill timeline (a pure reducer). A drill opens when an action is sent and then folds in every probe
 * snapshot (the reference clock), Docker event and log line, recording with millisecond timestamps: action sent →
 * container state change → leader gone at each name server → new leader at each name server and by DLedger
 * metadata → the node back (as follower, after a start). Time-to-new-leader is from `sent` to the first snapshot
 * where every reachable name server lists the new leader as brokerId 0.
 */
import type {ClusterSnapshot} from '../probe/types.ts';
import {seconds1} from './format.ts';
import {parseLogEvent} from './logs.ts';
import {brokerSnapshot, groupOf, note, otherSnapshot, recoveryCounts, settleLeaders, since, trackVerdict} from './observe.ts';
import {BRINGS_BACK, targetForContainer} from './target.ts';
import {DEFAULT_DRILL_OPTIONS, type Drill, type DrillInput, type DrillOptions, type DrillPhase, type Recovery} from './types.ts';

export {liveStatus} from './live.ts';
export {leaderOf} from './observe.ts';

type Sent = Extract<DrillInput, {type: 'sent'}>;

export function openDrill(input: Sent): Drill {
	const d: Drill = {
		id: input.id ?? `drill-${input.at}`,
		target: input.target,
		action: input.action,
		sentAt: input.at,
		phase: 'waiting',
		expectElection: false,
		leaderKnown: false,
		nodes: input.nodes ?? [input.target],
		namesrvs: {},
		dledger: {},
		containers: [],
		verdicts: [],
		logs: [],
		snapshots: 0,
		notes: [],
		...(input.before ? {lastSnapshotAt: input.before.at} : {}),
	};
	if (input.before) {
		settleLeaders(d, input.before);
		trackVerdict(d, input.before, groupOf(d, input.before));
	}
	if (input.action === 'restart' || BRINGS_BACK.has(input.action)) d.recovery = {action: input.action as Recovery['action'], sentAt: input.at};
	d.phase = phaseOf(d);
	return d;
}

/** A copy deep enough to change any track without touching the previous state. */
function copy(d: Drill): Drill {
	return {
		...d,
		namesrvs: Object.fromEntries(Object.entries(d.namesrvs).map(([k, v]) => [k, {...v}])),
		dledger: Object.fromEntries(Object.entries(d.dledger).map(([k, v]) => [k, {...v}])),
		containers: [...d.containers],
		verdicts: [...d.verdicts],
		logs: [...d.logs],
		notes: [...d.notes],
		...(d.recovery ? {recovery: {...d.recovery}} : {}),
		...(d.leadersBefore ? {leadersBefore: {...d.leadersBefore}} : {}),
	};
}

/** Something happened to the target after the action: a container change or the probe losing it. */
function targetChangeSeen(d: Drill): boolean {
	return d.unreachableAt !== undefined || d.containers.some(c => c.node === d.target.id && c.state !== 'running');
}

export function phaseOf(d: Drill): DrillPhase {
	if (d.doneAt !== undefined) return 'done';
	if (d.recovery && (d.recovery.action !== 'restart' || !d.expectElection || d.electedAt !== undefined)) return 'recovering';
	// a broker drill knows whether to expect an election once it knows who led; other nodes never lead a group
	if (!d.expectElection) return (d.leaderKnown || d.target.kind !== 'broker') && targetChangeSeen(d) ? 'no-election-expected' : 'waiting';
	if (d.electedAt !== undefined) return 'elected';
	if (d.electingAt !== undefined) return 'electing';
	if (d.leaderLostAt !== undefined) return 'leader-lost';
	return 'waiting';
}

function onSnapshot(d: Drill, s: ClusterSnapshot, options: DrillOptions): Drill {
	if (s.at < d.sentAt || (d.lastSnapshotAt !== undefined && s.at < d.lastSnapshotAt) || d.doneAt !== undefined) return d;
	const n = copy(d);
	if (n.lastSnapshotAt !== undefined) n.maxGapMs = Math.max(n.maxGapMs ?? 0, s.at - n.lastSnapshotAt);
	n.lastSnapshotAt = s.at;
	n.snapshots++;
	if (!n.leaderKnown) settleLeaders(n, s);
	const g = groupOf(n, s);
	trackVerdict(n, s, g);
	if (n.target.kind === 'broker') {
		if (g) brokerSnapshot(n, g, s.at);
	} else otherSnapshot(n, s, s.at);
	finish(n, s.at, options);
	return n;
}

function finish(d: Drill, at: number, options: DrillOptions): void {
	const r = d.recovery;
	if (d.doneAt === undefined && r?.backAt !== undefined && (r.backAs === 'leader' || !d.expectElection || d.electedAt !== undefined)) d.doneAt = r.backAt;
	if (d.doneAt === undefined && at - d.sentAt > options.timeoutMs) {
		d.doneAt = at;
		note(d, `closed ${seconds1(at - d.sentAt)} after the action${d.expectElection && d.electedAt === undefined ? ', no new leader seen' : ''}`);
	}
	d.phase = phaseOf(d);
}

function onContainer(d: Drill, input: Extract<DrillInput, {type: 'container'}>, options: DrillOptions): Drill {
	if (d.doneAt !== undefined || input.at < d.sentAt - options.logSlackMs) return d;
	const node = targetForContainer(d.nodes, input.host, input.name) ?? (input.host === d.target.host && input.name === d.target.containerName ? d.target : undefined);
	const isTarget = node?.id === d.target.id;
	const relevant = isTarget || (node?.kind === 'broker' && d.target.kind === 'broker' && node.group === d.target.group);
	if (!relevant) return d;
	const n = copy(d);
	if (n.containers.length < options.maxEvents) n.containers.push({at: input.at, host: input.host, name: input.name, state: input.state, ...(node ? {node: node.id} : {})});
	if (isTarget) {
		if (input.at < n.sentAt) note(n, `Docker dates the ${input.state} of ${n.target.id} ${seconds1(n.sentAt - input.at)} before the action was sent: the host's clock offset may be off`);
		if (input.state !== 'running' && n.expectElection) n.leaderLostAt ??= Math.max(input.at, n.sentAt);
		const r = n.recovery;
		if (input.state === 'running' && r && input.at >= r.sentAt - options.logSlackMs && recoveryCounts(n)) {
			r.runningAt ??= input.at;
			if (n.target.kind === 'console') r.backAt ??= input.at;
		}
	}
	finish(n, input.at, options);
	return n;
}

function onLog(d: Drill, input: Extract<DrillInput, {type: 'log'}>, options: DrillOptions): Drill {
	const event = parseLogEvent(input.line);
	if (!event) return d;
	const at = input.at ?? event.at;
	// Tails lag and a line's second starts before its event: lines up to logSlackMs past the end still count.
	if (at < d.sentAt - options.logSlackMs || (d.doneAt !== undefined && at > d.doneAt + options.logSlackMs) || d.logs.length >= options.maxEvents) return d;
	const node = targetForContainer(d.nodes, input.host, input.container);
	const t = d.target;
	let relevant = false;
	if (node?.kind === 'broker') relevant = t.kind === 'broker' ? node.group === t.group : event.kind === 'elected' || event.kind === 'heartbeat-timeout';
	else if (node?.kind === 'namesrv' && t.kind === 'broker') {
		const members = d.nodes.filter(x => x.kind === 'broker' && x.group === t.group).map(x => `${x.ip}:${(x as {listenPort: number}).listenPort}`);
		relevant = event.addr !== undefined && members.includes(event.addr);
	} else relevant = node?.id === t.id;
	if (!relevant) return d;
	const n = copy(d);
	n.logs.push({...event, at, host: input.host, container: input.container, ...(node ? {node: node.id} : {})});
	return n;
}

function onSent(d: Drill, input: Sent): Drill {
	if (d.doneAt !== undefined) return d;
	const n = copy(d);
	const sameTarget = input.target.id === d.target.id;
	if (sameTarget && (BRINGS_BACK.has(input.action) || input.action === 'restart') && (!n.recovery || n.recovery.backAt !== undefined)) {
		n.recovery = {action: input.action as Recovery['action'], sentAt: input.at};
	} else {
		note(n, `meanwhile: ${input.action} ${input.target.id} at ${since(n, input.at)}`);
	}
	n.phase = phaseOf(n);
	return n;
}

/**
 * Fold one input into a drill. Without a drill, a `sent` opens one (other inputs give undefined). Returns the same
 * object when the input changes nothing.
 */
export function drillReducer(drill: Drill, input: DrillInput, options?: DrillOptions): Drill;
export function drillReducer(drill: Drill | undefined, input: DrillInput, options?: DrillOptions): Drill | undefined;
export function drillReducer(drill: Drill | undefined, input: DrillInput, options: DrillOptions = DEFAULT_DRILL_OPTIONS): Drill | undefined {
	if (drill === undefined) return input.type === 'sent' ? openDrill(input) : undefined;
	switch (input.type) {
		case 'sent':
			return onSent(drill, input);
		case 'snapshot':
			return onSnapshot(drill, input.snapshot, options);
		case 'container':
			return onContainer(drill, input, options);
		case 'log':
			return onLog(drill, input, options);
		case 'close': {
			if (drill.doneAt !== undefined) return drill;
			const n = copy(drill);
			n.doneAt = Math.max(input.at, n.sentAt);
			n.phase = phaseOf(n);
			return n;
		}
	}
}

/** A drill has a result worth listing: a new leader, the node's own change with no election expected, or done. */
export function isMeasured(d: Drill): boolean {
	return d.doneAt !== undefined || d.electedAt !== undefined || d.phase === 'no-election-expected' || d.recovery?.backAt !== undefined;
}
