/**
 * `rmq-tui --demo`, without the terminal: a temp dir that holds everything the demo writes (saved clusters,
 * exports, drill reports), the wizard's inputs (the seed's three hosts, every option at its default, deploying onto
 * simulated hosts) and the live pane on the cluster a finished deploy hands over, with the probe on the
 * simulator's clock. close() closes every simulated world and removes the temp dir.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve, sep} from 'node:path';
import {operatorLabel} from '../deploy/operator.ts';
import type {TreeEntry} from '../export/tree.ts';
import {writeTreeAtomically} from '../export/write-tree.ts';
import {PaneController} from '../live/controller.ts';
import {SIM_SEED_HOSTS, simPaneSources} from '../live/sim.ts';
import {ClusterStore, type OpenedStore} from '../store/clusters.ts';
import type {Deployer, Handover} from '../ui/deploy/run.ts';
import {initialState, type WizardState} from '../wizard/model.ts';
import {simDeployer, type SimDeployerOptions} from './deployer.ts';

/** The wizard's title while in the demo. */
export const DEMO_LABEL = 'demo on simulated hosts';
export const DEMO_DIR_PREFIX = 'rmq-tui-demo-';

export interface DemoOptions extends SimDeployerOptions {
	/** Where the temp dir is made (default the system's temp dir, $TMPDIR). */
	parent?: string;
	/** The pane's probe interval in real ms (default the pane's, 250). */
	intervalMs?: number;
}

/** What the wizard is given in the demo. */
export interface DemoWizard {
	initial: WizardState;
	store: OpenedStore;
	exportTo: (dir: string, tree: readonly TreeEntry[]) => Promise<string>;
	deployer: Deployer;
	label: string;
}

export interface DemoPane {
	controller: PaneController;
	/** Stops the pane's streams and probe, and the simulated cluster under it. */
	close(): Promise<void>;
}

export interface Demo {
	/** The temp dir: the only place the demo writes. */
	dir: string;
	wizard: DemoWizard;
	/** The live pane on the simulated cluster a finished deploy handed over. */
	paneFor(handover: Handover): DemoPane;
	/** Closes every simulated world and removes the temp dir (idempotent). */
	close(): Promise<void>;
}

/** A directory as typed in the demo, inside `root`: relative to it, a leading `/` or `~/` too; `..` cannot leave it. */
export function insideDir(root: string, typed: string): string {
	const path = resolve(root, typed.trim().replace(/^~(?=\/|$)/, '').replace(/^\/+/, ''));
	if (path !== root && !path.startsWith(root + sep)) {
		throw Object.assign(new Error(`"${typed}" leaves the demo's temp dir`), {fix: 'the demo writes only inside its temp dir: type a plain name such as out'});
	}
	return path;
}

export function openDemo(options: DemoOptions = {}): Demo {
	const dir = mkdtempSync(join(options.parent ?? tmpdir(), DEMO_DIR_PREFIX));
	const exports = join(dir, 'exports');
	const sim = simDeployer(options);
	let closed = false;
	return {
		dir,
		wizard: {
			initial: initialState(SIM_SEED_HOSTS),
			store: ClusterStore.open({cwd: join(dir, 'saved-clusters')}),
			exportTo: async (typed, tree) => writeTreeAtomically(insideDir(exports, typed), tree, {force: false}),
			deployer: sim.deployer,
			label: DEMO_LABEL,
		},
		paneFor: ({fleet}) => {
			const world = sim.worldOf(fleet);
			if (!world) throw new Error('the demo was handed a cluster it did not deploy (or one already closed)');
			const pane = simPaneSources(world, {scale: options.scale ?? 1});
			const controller = new PaneController(
				pane.sources,
				{
					now: pane.now,
					operator: operatorLabel(sim.deployer.operator),
					cwd: dir,
					...(options.intervalMs !== undefined ? {intervalMs: options.intervalMs} : {}),
				},
			);
			return {
				controller,
				close: async () => {
					await controller.close();
					await pane.close();
					await fleet.close();
				},
			};
		},
		close: async () => {
			if (closed) return;
			closed = true;
			await sim.close();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
