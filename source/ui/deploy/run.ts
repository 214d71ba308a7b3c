/**
 * One deploy from the wizard, as an external store the deploy screen renders: check (a dry run: connect, preflight,
 * what would change) → preview → apply on the operator's yes → done or failed. The same executor as
 * `rmq-tui deploy`, on whatever fleet the wizard was given (real SSH hosts, or simulated ones in the demo).
 */
import {isNoop} from '../../deploy/changes.ts';
import type {DeployFailure, DeployEvent} from '../../deploy/events.ts';
import {deploy, type DeployOptions, type DeployResult, type Operator} from '../../deploy/execute.ts';
import type {Fleet} from '../../deploy/fleet.ts';
import {initialProgress, progressReducer, type DeployProgress} from '../../deploy/progress.ts';
import type {Plan} from '../../plan/types.ts';
import type {ClusterSnapshot} from '../../probe/types.ts';
import type {RenderedFile} from '../../render/render.ts';
import type {QuestionBridge} from './questions.ts';

/** What the wizard needs to deploy: a fleet for a plan (questions go to the screen) and who is deploying. */
export interface Deployer {
	/** Made once per deploy screen; may take a moment (simulated hosts open their loopback addresses first). */
	fleet(plan: Plan, questions: QuestionBridge): Fleet | Promise<Fleet>;
	operator: Operator;
	options?: DeployOptions;
	/** Shown on the screen, e.g. "simulated hosts" in the demo. */
	label?: string;
}

/** What a finished deploy hands to the live pane: the plan and the still-open fleet (its SSH sessions). */
export interface Handover {
	plan: Plan;
	fleet: Fleet;
}

export type RunPhase = 'checking' | 'blocked' | 'preview' | 'noop' | 'applying' | 'done' | 'failed' | 'cancelled';

export interface RunState {
	phase: RunPhase;
	progress: DeployProgress;
	preview?: string;
	failures: DeployFailure[];
	/** The last probe after a successful deploy. */
	snapshot?: ClusterSnapshot;
	startedAt?: number;
	endedAt?: number;
}

export class DeployRun {
	private state: RunState;
	private readonly listeners = new Set<() => void>();
	private fleet: Promise<Fleet> | undefined;

	constructor(
		private readonly deployer: Deployer,
		private readonly plan: Plan,
		private readonly files: readonly RenderedFile[],
		private readonly questions: QuestionBridge,
		private readonly now: () => number = Date.now,
	) {
		this.state = {phase: 'checking', progress: initialProgress(plan.hosts.map(h => h.spec.name)), failures: []};
	}

	get = (): RunState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	private set(change: Partial<RunState>): void {
		this.state = {...this.state, ...change};
		for (const l of this.listeners) l();
	}

	private onEvent = (event: DeployEvent): void => this.set({progress: progressReducer(this.state.progress, event, this.now())});

	private async request(dryRun: boolean) {
		this.fleet ??= Promise.resolve().then(() => this.deployer.fleet(this.plan, this.questions));
		const fleet = await this.fleet;
		return {
			plan: this.plan,
			files: this.files,
			hosts: fleet.hosts,
			observe: fleet.observe,
			operator: this.deployer.operator,
			emit: this.onEvent,
			options: {...this.deployer.options, dryRun},
		};
	}

	/** The dry run: connect, preflight, what would change. */
	async check(): Promise<void> {
		let result: DeployResult;
		try {
			result = await deploy(await this.request(true));
		} catch (error) {
			this.set({phase: 'blocked', failures: [{step: 'connect', message: (error as Error).message}]});
			return;
		}
		if (this.state.phase === 'cancelled') return;
		if (!result.ok || !result.changes) this.set({phase: 'blocked', failures: result.failures});
		else this.set({phase: isNoop(result.changes) ? 'noop' : 'preview', preview: result.dryRun ?? ''});
	}

	async apply(): Promise<void> {
		if (this.state.phase !== 'preview') return;
		this.set({phase: 'applying', progress: initialProgress(this.plan.hosts.map(h => h.spec.name)), startedAt: this.now()});
		let result: DeployResult;
		try {
			result = await deploy(await this.request(false));
		} catch (error) {
			result = {ok: false, checks: new Map(), failures: [{step: 'rollout', message: (error as Error).message}]};
		}
		const snapshot = result.ok ? await (await this.fleet!).observe().catch(() => undefined) : undefined;
		this.set({phase: result.ok ? 'done' : 'failed', failures: result.failures, endedAt: this.now(), ...(snapshot ? {snapshot} : {})});
	}

	/** Leaves the screen: open questions are declined; the fleet is closed unless it is handed on. */
	async close(keepFleet = false): Promise<Fleet | undefined> {
		if (this.state.phase === 'checking' || this.state.phase === 'preview') this.set({phase: 'cancelled'});
		this.questions.cancelAll();
		const fleet = await this.fleet?.catch(() => undefined);
		if (keepFleet) return fleet;
		this.fleet = undefined;
		await fleet?.close();
		return undefined;
	}
}
