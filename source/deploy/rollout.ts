/**
 * The order containers change in (pure), Raft-aware.
 *
 * Name servers first, then brokers, then the console. A group that is new everywhere starts all its replicas at
 * once (they need a majority to elect). A group that runs already changes ONE replica at a time — followers first,
 * the leader last — and the next one only once the probe sees the previous back as a follower: never two replicas
 * of one group down together. Each leader restart costs that group a new election (a few seconds without writes).
 */
import type {ContainerAction} from './diff.ts';

/** What the executor waits for after a step, before the next. */
export type StepWait =
	/** The containers run and their published ports accept connections. */
	| 'answering'
	/** Every group of this step has a leader that each name server names. */
	| 'elected'
	/** The changed replica is back as a follower of an elected leader. */
	| 'back-as-follower';

export interface RolloutStep {
	/** The actions of this step run in parallel (they are on different hosts or independent). */
	actions: ContainerAction[];
	wait: StepWait;
	/** A human title: `name servers`, `RaftNode00/n1 (follower)`, … */
	title: string;
	/** Set when this step restarts a running group's leader. */
	leaderRestart?: {group: string; selfId: string};
}

const changes = (a: ContainerAction): boolean => a.kind !== 'keep';
const disrupts = (a: ContainerAction): boolean => a.kind === 'recreate' || a.kind === 'conflict';

/**
 * Steps for a set of actions. `leaderOf(group)` is the selfId the probe sees as leader now (undefined when the
 * group is not running or has no leader).
 */
export function rolloutSteps(actions: readonly ContainerAction[], leaderOf: (group: string) => string | undefined): RolloutStep[] {
	const steps: RolloutStep[] = [];
	const namesrvs = actions.filter(a => a.spec.role === 'namesrv' && changes(a));
	// Replacing name servers one at a time keeps the others answering; first starts go together.
	const [freshNs, rollNs] = partition(namesrvs, a => !disrupts(a));
	if (freshNs.length > 0) steps.push({actions: freshNs, wait: 'answering', title: 'name servers'});
	for (const a of rollNs) steps.push({actions: [a], wait: 'answering', title: `name server on ${a.spec.host}`});

	const brokers = actions.filter(a => a.spec.role === 'broker');
	const groups = [...new Set(brokers.map(a => a.spec.group!))];
	const fresh: ContainerAction[] = [];
	const rolling: RolloutStep[] = [];
	for (const group of groups) {
		const members = brokers.filter(a => a.spec.group === group);
		const running = members.filter(a => a.kind !== 'create' && a.kind !== 'conflict' && 'observed' in a && a.observed.state === 'running');
		const changing = members.filter(changes);
		if (changing.length === 0) continue;
		if (running.length === 0) {
			fresh.push(...changing);
			continue;
		}
		// Non-disruptive ones (create a missing replica, start a stopped one) first and together.
		const [gentle, disruptive] = partition(changing, a => !disrupts(a));
		if (gentle.length > 0) {
			rolling.push({actions: gentle, wait: 'back-as-follower', title: `${group}: ${gentle.map(a => a.spec.selfId).join(', ')} (start)`});
		}
		const leader = leaderOf(group);
		const ordered = [...disruptive].sort((a, b) => Number(a.spec.selfId === leader) - Number(b.spec.selfId === leader) || a.spec.selfId!.localeCompare(b.spec.selfId!));
		for (const a of ordered) {
			const isLeader = a.spec.selfId === leader;
			rolling.push({
				actions: [a],
				wait: 'back-as-follower',
				title: `${group}/${a.spec.selfId} (${isLeader ? 'leader, last' : 'follower'})`,
				...(isLeader ? {leaderRestart: {group, selfId: a.spec.selfId!}} : {}),
			});
		}
	}
	if (fresh.length > 0) steps.push({actions: fresh, wait: 'elected', title: `brokers of ${[...new Set(fresh.map(a => a.spec.group))].join(', ')}`});
	steps.push(...rolling);

	const consoles = actions.filter(a => a.spec.role === 'console' && changes(a));
	if (consoles.length > 0) steps.push({actions: consoles, wait: 'answering', title: 'console'});
	return steps;
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
	const yes: T[] = [];
	const no: T[] = [];
	for (const item of items) (test(item) ? yes : no).push(item);
	return [yes, no];
}

/** Dry-run warnings: one per leader restart. */
export function rolloutWarnings(steps: readonly RolloutStep[]): string[] {
	return steps
		.filter(s => s.leaderRestart)
		.map(s => `${s.leaderRestart!.group}: recreating its leader ${s.leaderRestart!.selfId} forces an election; writes to that group pause for a few seconds (about 5 s on 4.7.1 defaults).`);
}
