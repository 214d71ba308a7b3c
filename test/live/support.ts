/** Fixtures for the pane's pure tests: the 3-host plan, its pane config and state, containers as Docker lists them. */
import type {ContainerEvent} from '../../source/deploy/host.ts';
import type {ContainerState, ObservedContainer} from '../../source/deploy/observed.ts';
import {initialPane, paneReducer, type PaneConfig, type PaneEvent, type PaneState} from '../../source/live/model.ts';
import {paneTargets} from '../../source/live/nodes.ts';
import type {Plan} from '../../source/plan/types.ts';
import type {PanePolicy} from '../../source/ui/keys.ts';
import {PLAN3, PlanWorld, Snapshots, T0} from '../drill/support.ts';

export {PLAN3, PlanWorld, Snapshots, T0};

export function configOf(plan: Plan = PLAN3, policy: PanePolicy = {}, overrides: Partial<PaneConfig> = {}): PaneConfig {
	return {
		plan,
		targets: paneTargets(plan),
		clusterName: plan.options.name,
		source: 'test',
		policy,
		intervalMs: 250,
		ringLines: 100,
		hosts: plan.hosts.map(h => ({name: h.spec.name, address: `root@${h.spec.ip}:22`})),
		...overrides,
	};
}

export function observed(name: string, state: ContainerState = 'running', startedAt = T0 - 3_600_000, restartCount = 0): ObservedContainer {
	return {
		id: `id-${name}`,
		name,
		image: 'apacherocketmq/rocketmq:4.7.1-alpine',
		imageId: 'sha256:aaa',
		command: [],
		env: [],
		ports: [],
		mounts: [],
		init: true,
		restart: 'no',
		labels: {},
		networks: ['bridge_network'],
		state,
		startedAt: new Date(startedAt).toISOString(),
		restartCount,
	};
}

/** Every planned container of a host, running. */
export const allRunning = (plan: Plan, host: string): ObservedContainer[] => paneTargets(plan).filter(t => t.host === host).map(t => observed(t.containerName));

export const event = (host: string, name: string, action: string, at: number, exitCode?: number): ContainerEvent => ({host, name, action, at, ...(exitCode !== undefined ? {exitCode} : {})});

/** A pane over PLAN3 with every host connected, everything running, leaders RaftNode00 n0 and RaftNode01 n1. */
export class Pane {
	state: PaneState;
	readonly world: PlanWorld;
	private readonly snaps = new Snapshots();

	constructor(policy: PanePolicy = {}, plan: Plan = PLAN3) {
		this.state = initialPane(configOf(plan, policy), T0);
		for (const h of plan.hosts) this.apply({type: 'host-listed', host: h.spec.name, at: T0, containers: allRunning(plan, h.spec.name)});
		this.world = new PlanWorld(plan, {RaftNode00: 'n0', RaftNode01: 'n1'});
		this.snap(0);
	}

	apply(e: PaneEvent): this {
		this.state = paneReducer(this.state, e);
		return this;
	}

	snap(at: number, change: (w: PlanWorld) => unknown = () => undefined): this {
		change(this.world);
		return this.apply({type: 'snapshot', snapshot: this.snaps.next(this.world.world, T0 + at)});
	}
}
