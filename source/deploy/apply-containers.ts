/**
 * Carrying out the rollout: each step's container actions in parallel, then its wait. Before taking down a
 * replica of a running group the group must be whole (every replica up, one leader): otherwise the restart could
 * leave it without a majority, and the rollout stops instead.
 */
import type {ClusterSnapshot} from '../probe/types.ts';
import type {ContainerAction} from './diff.ts';
import type {DeployListener} from './events.ts';
import type {Host} from './host.ts';
import type {RolloutStep} from './rollout.ts';
import {backAsFollower, groupsSettled, waitUntil, type Sleep} from './waits.ts';

export interface RolloutContext {
	hosts: ReadonlyMap<string, Host>;
	observe: () => Promise<ClusterSnapshot>;
	emit: DeployListener;
	/** Replace containers of the same name that rmq-tui did not create (a deployment made by hand). */
	adopt: boolean;
	/** Hosts whose own Compose creates the containers (the others: the Docker API). */
	compose: ReadonlyMap<string, 'v1' | 'v2'>;
	timeoutMs: number;
	pollMs: number;
	sleep: Sleep;
	now: () => number;
}

export async function applyAction(host: Host, action: ContainerAction, adopt: boolean, compose?: 'v1' | 'v2'): Promise<void> {
	const {spec} = action;
	switch (action.kind) {
		case 'keep':
			return;
		case 'start':
			if (action.observed.state === 'paused') await host.unpauseContainer(spec.name);
			else await host.startContainer(spec.name);
			return;
		case 'conflict':
			if (!adopt) throw new Error(`${action.reason}; run deploy with --adopt to replace it (its data dirs stay, and are not reused by another replica)`);
			await host.stopContainer(spec.name, spec.stopTimeoutSeconds);
			await host.removeContainer(spec.name);
			break;
		case 'recreate':
			if (compose) break; // compose up --force-recreate stops and removes it with the file's stop_grace_period
			await host.stopContainer(spec.name, spec.stopTimeoutSeconds);
			await host.removeContainer(spec.name);
			break;
		case 'create':
			break;
	}
	if (compose) {
		await host.composeUp(spec, compose);
		return;
	}
	await host.createContainer(spec);
	await host.startContainer(spec.name);
}

const disruptive = (a: ContainerAction): boolean => a.kind === 'recreate' || a.kind === 'conflict';

async function answering(ctx: RolloutContext, action: ContainerAction): Promise<{ok: boolean; why: string}> {
	const host = ctx.hosts.get(action.spec.host)!;
	if (action.spec.role === 'console') {
		const port = action.spec.ports[0]?.hostPort;
		const status = port === undefined ? undefined : await host.httpStatus(port, 2000);
		return status !== undefined && status < 500 ? {ok: true, why: ''} : {ok: false, why: `console on ${host.name}:${port} gives ${status ?? 'no answer'}`};
	}
	for (const p of action.spec.ports) {
		if (!(await host.portAnswers(p.hostPort, 2000))) return {ok: false, why: `${action.spec.name}: port ${p.hostPort} on ${host.name} does not answer yet`};
	}
	return {ok: true, why: ''};
}

async function waitAfter(ctx: RolloutContext, step: RolloutStep): Promise<void> {
	const timing = {timeoutMs: ctx.timeoutMs, pollMs: ctx.pollMs, sleep: ctx.sleep, now: ctx.now};
	const all = async (checks: Array<() => Promise<{ok: boolean; why: string}>>) => {
		for (const check of checks) {
			const r = await check();
			if (!r.ok) return r;
		}
		return {ok: true, why: ''};
	};
	await waitUntil('the containers answer', () => all(step.actions.map(a => () => answering(ctx, a))), timing);
	if (step.wait === 'elected') {
		const groups = [...new Set(step.actions.map(a => a.spec.group!))];
		await waitUntil(`${groups.join(', ')} elect a leader that every name server names`, async () => groupsSettled(await ctx.observe(), groups), timing);
	}
	if (step.wait === 'back-as-follower') {
		for (const a of step.actions) {
			await waitUntil(`${a.spec.group}/${a.spec.selfId} is back in its group`, async () => backAsFollower(await ctx.observe(), a.spec.group!, a.spec.selfId!), timing);
		}
	}
}

/** Before a disruptive broker step: the group must be whole, or the step could cost it its majority. */
async function guardQuorum(ctx: RolloutContext, step: RolloutStep): Promise<void> {
	const groups = [...new Set(step.actions.filter(a => disruptive(a) && a.spec.role === 'broker').map(a => a.spec.group!))];
	if (groups.length === 0) return;
	const snapshot = await ctx.observe();
	const result = groupsSettled(snapshot, groups);
	if (!result.ok) {
		throw new Error(`not restarting ${step.title}: its group is not whole (${result.why}); taking a replica down now could leave it without a majority. Bring the group back first, then run deploy again.`);
	}
}

export async function runRollout(ctx: RolloutContext, steps: readonly RolloutStep[]): Promise<void> {
	for (const [index, step] of steps.entries()) {
		const report = (state: 'running' | 'ok' | 'failed', detail?: string) =>
			ctx.emit({type: 'rollout', index, total: steps.length, title: step.title, state, ...(detail ? {detail} : {})});
		report('running');
		try {
			await guardQuorum(ctx, step);
			await Promise.all(step.actions.map(a => applyAction(ctx.hosts.get(a.spec.host)!, a, ctx.adopt, ctx.compose.get(a.spec.host))));
			await waitAfter(ctx, step);
			report('ok');
		} catch (error) {
			report('failed', (error as Error).message);
			throw error;
		}
	}
}
