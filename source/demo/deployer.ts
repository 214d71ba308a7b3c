/**
 * The demo's Deployer: each deploy screen gets a fresh simulated world for the reviewed plan (the protocol simulator
 * on free loopback addresses; the hosts start without the images, so the image step shows its progress), deployed
 * by the real executor as `rmq-tui deploy` would. The world of a finished deploy is found again from the fleet the
 * wizard hands over, to open the live pane on it.
 */
import type {Operator} from '../deploy/execute.ts';
import type {Fleet} from '../deploy/fleet.ts';
import {defaultOperator} from '../deploy/operator.ts';
import {simWorld, type SimWorld} from '../deploy/sim-world.ts';
import {SIM_DEPLOY_OPTIONS} from '../live/sim.ts';
import type {Plan} from '../plan/types.ts';
import type {Deployer} from '../ui/deploy/run.ts';
import {freeLoopbackPlacement} from './placement.ts';

/** Simulated seconds each image takes to arrive: the image step shows its progress, the deploy stays short. */
export const DEMO_IMAGE_SECONDS = 3;
/** Simulated time each host operation takes, so the host grid visibly moves step by step. */
export const DEMO_OP_MS = 20;

export interface SimDeployerOptions {
	/** Speed-up of simulated time (default 1: the real DLedger timers). */
	scale?: number;
	imageSeconds?: number;
	opMs?: number;
	/** Where the hosts of a plan listen (default: free loopback addresses). */
	placement?: (plan: Plan) => Promise<ReadonlyArray<{ip: string; shift: number}>>;
	operator?: Operator;
}

export interface SimDeployer {
	deployer: Deployer;
	/** The world behind a fleet this deployer made (undefined once that fleet is closed). */
	worldOf(fleet: Fleet): SimWorld | undefined;
	/** Closes every world still open. */
	close(): Promise<void>;
}

export function simDeployer(options: SimDeployerOptions = {}): SimDeployer {
	const worlds = new Map<Fleet, SimWorld>();
	const placementFor = options.placement ?? freeLoopbackPlacement;
	return {
		deployer: {
			label: 'simulated hosts',
			operator: options.operator ?? defaultOperator(),
			options: SIM_DEPLOY_OPTIONS,
			fleet: async plan => {
				const world = await simWorld(plan, {
					scale: options.scale ?? 1,
					imageSeconds: options.imageSeconds ?? DEMO_IMAGE_SECONDS,
					opMs: options.opMs ?? DEMO_OP_MS,
					placement: await placementFor(plan),
				});
				const fleet: Fleet = {
					hosts: world.hosts,
					observe: world.observe,
					close: async () => {
						worlds.delete(fleet);
						await world.close();
					},
				};
				worlds.set(fleet, world);
				return fleet;
			},
		},
		worldOf: fleet => worlds.get(fleet),
		close: async () => {
			await Promise.allSettled([...worlds.keys()].map(fleet => fleet.close()));
		},
	};
}
