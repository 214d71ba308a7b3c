/**
 * The confirmation a drill key shows (pure): what the action will do in one line, what to worry about, whether
 * the operator must type a name (the action leaves a group without a majority, or the cluster without a name
 * server), or why it makes no sense at all. Replicas already down or paused count.
 */
import type {ContainerState} from '../deploy/observed.ts';
import type {Plan} from '../plan/types.ts';
import {DEFAULT_SNAPSHOT_OPTIONS} from '../probe/snapshot.ts';
import type {ClusterSnapshot, GroupSnapshot, ReplicaSnapshot} from '../probe/types.ts';
import {EXPECT, majority} from './facts.ts';
import {formatBytes} from './format.ts';
import {
	containerKey,
	drillTargets,
	targetLabel,
	TAKES_DOWN,
	whereText,
	type BrokerTarget,
	type DrillAction,
	type DrillTarget,
	type NamesrvTarget,
} from './target.ts';

export interface Assessment {
	/** What will happen, one line. */
	summary: string;
	warnings: string[];
	/** The name the operator must type to go ahead (a group name, or the cluster name). */
	requiresTyping?: string;
	/** Why the action cannot be sent. */
	blocked?: string;
}

export interface AssessContext {
	/** Container states by `containerKey(host, name)`, from Docker events, when known. */
	containers?: Readonly<Record<string, ContainerState>>;
	/** Warn about replicas lagging at least this far behind the leader (default: the probe's degraded threshold). */
	lagWarnBytes?: number;
}

/** What is known of a node: from Docker when known, else from the probe ('down': does not answer, cause unknown). */
export type NodeState = 'running' | 'paused' | 'stopped' | 'down' | 'unknown';

function containerState(t: DrillTarget, context: AssessContext): NodeState | undefined {
	const s = context.containers?.[containerKey(t.host, t.containerName)];
	if (s === undefined) return undefined;
	if (s === 'running') return 'running';
	if (s === 'paused') return 'paused';
	return 'stopped';
}

/** The agreed leader, else the one most live DLedger nodes follow (name servers may list a stale one). */
function currentLeader(g: GroupSnapshot): string | undefined {
	if (g.leader !== undefined) return g.leader;
	const counts = new Map<string, number>();
	for (const v of Object.values(g.leaderByDledger)) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

const replicaOf = (g: GroupSnapshot | undefined, selfId: string): ReplicaSnapshot | undefined => g?.replicas.find(r => r.selfId === selfId);

export function nodeState(t: DrillTarget, snapshot: ClusterSnapshot | undefined, context: AssessContext = {}): NodeState {
	const fromDocker = containerState(t, context);
	if (fromDocker !== undefined) return fromDocker;
	if (t.kind === 'broker') {
		const r = replicaOf(snapshot?.groups.find(g => g.group === t.group), t.selfId);
		return r === undefined ? 'unknown' : r.reachable ? 'running' : 'down';
	}
	if (t.kind === 'namesrv') {
		const ns = snapshot?.namesrvs.find(n => n.addr === t.addr);
		return ns === undefined ? 'unknown' : ns.reachable ? 'running' : 'down';
	}
	return 'unknown';
}

/** Whether a node takes part (votes, answers): down if Docker or the probe says so; unknown counts as up. */
function alive(t: DrillTarget, snapshot: ClusterSnapshot | undefined, context: AssessContext): boolean {
	const fromDocker = containerState(t, context);
	if (fromDocker !== undefined && fromDocker !== 'running') return false;
	if (t.kind === 'broker') return replicaOf(snapshot?.groups.find(g => g.group === t.group), t.selfId)?.reachable ?? true;
	if (t.kind === 'namesrv') return snapshot?.namesrvs.find(n => n.addr === t.addr)?.reachable ?? true;
	return true;
}

function blockedReason(action: DrillAction, state: NodeState): string | undefined {
	switch (action) {
		case 'stop':
		case 'kill':
			return state === 'stopped' ? 'it is already stopped' : undefined;
		case 'pause':
			if (state === 'paused') return 'it is already paused';
			return state === 'stopped' ? 'it is not running (stopped)' : undefined;
		case 'unpause':
			if (state === 'running') return 'it is not paused (it is running)';
			return state === 'stopped' ? 'it is not paused (it is stopped: start it instead)' : undefined;
		case 'start':
			if (state === 'running') return 'it is already running';
			return state === 'paused' ? 'it is paused: unpause it instead' : undefined;
		case 'restart':
			return undefined;
	}
}

/** A node that does not take part: 'paused', 'stopped', or 'down' (running by Docker, silent to the probe). */
const downText = (s: NodeState): string => (s === 'paused' || s === 'stopped' ? s : 'down');

function roleTag(t: BrokerTarget, snapshot: ClusterSnapshot | undefined, state: NodeState): string {
	if (state === 'paused' || state === 'stopped' || state === 'down') return ` (${state})`;
	const g = snapshot?.groups.find(x => x.group === t.group);
	const role = replicaOf(g, t.selfId)?.role;
	if (role === 'leader' || role === 'follower' || role === 'candidate') return ` (${role})`;
	if (g?.leader === t.selfId) return ' (leader)';
	return '';
}

function assessBroker(plan: Plan, snapshot: ClusterSnapshot | undefined, t: BrokerTarget, action: DrillAction, context: AssessContext, head: string): Assessment {
	const warnings: string[] = [];
	const targets = drillTargets(plan).filter((x): x is BrokerTarget => x.kind === 'broker' && x.group === t.group);
	const g = snapshot?.groups.find(x => x.group === t.group);
	if (!g) warnings.push(`no probe result for ${t.group} yet: replicas that are down cannot be counted`);
	const n = targets.length;
	const need = majority(n);
	const aliveBefore = targets.filter(x => alive(x, snapshot, context)).length;
	const targetAlive = alive(t, snapshot, context);
	const leader = g ? currentLeader(g) : undefined;
	const isLeader = leader === t.selfId || replicaOf(g, t.selfId)?.role === 'leader';

	for (const other of targets) {
		if (other.selfId === t.selfId) continue;
		const s = nodeState(other, snapshot, context);
		if (!alive(other, snapshot, context)) warnings.push(`${other.selfId} is already ${downText(s)}`);
		const lag = replicaOf(g, other.selfId)?.lagBytes;
		const threshold = context.lagWarnBytes ?? DEFAULT_SNAPSHOT_OPTIONS.lagThresholdBytes;
		if (lag !== undefined && lag >= threshold) warnings.push(`follower ${other.selfId} lags ${formatBytes(lag)}`);
	}
	if (g && g.verdict !== 'healthy' && g.verdict !== 'degraded') {
		warnings.push(`${t.group} is ${g.verdict} right now: what the drill measures will not be a clean failover`);
	}

	if (TAKES_DOWN.has(action)) {
		const left = aliveBefore - (targetAlive ? 1 : 0);
		const during = action === 'restart' ? ' while it restarts' : '';
		if (left < need) {
			const effect = isLeader
				? `no new leader can be elected until a replica is back`
				: leader !== undefined
					? `leader ${leader} steps down: ${t.group} takes no writes until a replica is back`
					: `no leader can be elected until a replica is back`;
			return {summary: `${head}: ${t.group} LOSES quorum: ${left} of ${n} left${during}, a majority needs ${need}; ${effect}`, warnings, requiresTyping: t.group};
		}
		const quorum = `${t.group} keeps quorum: ${left} of ${n} left${during}`;
		let effect: string;
		if (!targetAlive) effect = `${t.selfId} does not take part now anyway`;
		else if (isLeader && action === 'pause') effect = `a new leader is expected in ${EXPECT.newLeader}; name servers keep listing the frozen ${t.selfId} until it is replaced (${EXPECT.staleLeader})`;
		else if (isLeader && action === 'restart') effect = `a new leader is expected in ${EXPECT.newLeader}, then ${t.selfId} rejoins as a follower`;
		else if (isLeader) effect = `a new leader is expected in ${EXPECT.newLeader}`;
		else if (action === 'restart') effect = `${leader ? `leader ${leader} stays` : 'no election expected'}; ${t.selfId} rejoins as a follower in ${EXPECT.rejoin}`;
		else effect = leader ? `leader ${leader} stays, no election expected` : 'no election expected';
		return {summary: `${head}: ${quorum}; ${effect}`, warnings};
	}

	// start / unpause
	const after = aliveBefore + (targetAlive ? 0 : 1);
	const count = `${t.group}: ${after} of ${n} up after it`;
	let effect: string;
	if (aliveBefore < need && after >= need) effect = `${t.group} regains quorum; a leader is expected in ${EXPECT.newLeader}`;
	else if (action === 'unpause' && leader === t.selfId) effect = `it resumes as leader (nobody has replaced it yet)`;
	else if (action === 'unpause' && leader !== undefined) effect = `it resumes and steps down to follower of ${leader}`;
	else if (after < need) effect = `${t.group} still has no majority (needs ${need})`;
	else effect = `it should rejoin as a follower in ${EXPECT.rejoin}`;
	return {summary: `${head}: ${effect}; ${count}`, warnings};
}

function assessNamesrv(plan: Plan, snapshot: ClusterSnapshot | undefined, t: NamesrvTarget, action: DrillAction, context: AssessContext, head: string): Assessment {
	const warnings: string[] = [];
	const all = drillTargets(plan).filter((x): x is NamesrvTarget => x.kind === 'namesrv');
	const aliveBefore = all.filter(x => alive(x, snapshot, context)).length;
	const targetAlive = alive(t, snapshot, context);
	for (const other of all) {
		if (other.id !== t.id && !alive(other, snapshot, context)) warnings.push(`the name server ${other.addr} is already ${downText(nodeState(other, snapshot, context))}`);
	}
	if (TAKES_DOWN.has(action)) {
		const left = aliveBefore - (targetAlive ? 1 : 0);
		const during = action === 'restart' ? ' while it restarts' : '';
		if (left === 0) {
			return {
				summary: `${head}: NO name server left${during}: clients cannot find any broker and brokers cannot register`,
				warnings,
				requiresTyping: plan.options.name,
			};
		}
		const effect =
			action === 'pause'
				? 'a frozen name server keeps its connections open: clients wait for their timeout before trying another'
				: action === 'restart'
					? `it comes back with an empty table; brokers re-register with it within ${EXPECT.reregister}`
					: 'brokers and clients use the others';
		return {summary: `${head}: ${left} of ${all.length} name servers left${during}; ${effect}`, warnings};
	}
	const after = aliveBefore + (targetAlive ? 0 : 1);
	const effect = action === 'unpause' ? 'it answers again with the table it had' : `brokers register with it within ${EXPECT.reregister}`;
	return {summary: `${head}: ${effect}; ${after} of ${all.length} name servers up after it`, warnings};
}

export function assessAction(plan: Plan, snapshot: ClusterSnapshot | undefined, target: DrillTarget, action: DrillAction, context: AssessContext = {}): Assessment {
	const state = nodeState(target, snapshot, context);
	const tag = target.kind === 'broker' ? roleTag(target, snapshot, state) : '';
	const head = `${action} ${targetLabel(target)}${tag} on ${whereText(target)}`;
	const blocked = blockedReason(action, state);
	if (blocked) return {summary: `${head}: not possible, ${blocked}`, warnings: [], blocked: `${action} ${targetLabel(target)}: ${blocked}`};
	if (target.kind === 'broker') return assessBroker(plan, snapshot, target, action, context, head);
	if (target.kind === 'namesrv') return assessNamesrv(plan, snapshot, target, action, context, head);
	const effect = TAKES_DOWN.has(action)
		? action === 'restart'
			? 'the web console is away for a few seconds; brokers and name servers are not affected'
			: 'the web console goes away; brokers and name servers are not affected'
		: 'the web console comes back';
	return {summary: `${head}: ${effect}`, warnings: []};
}
