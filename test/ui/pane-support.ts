/** The live pane on the simulated seed cluster, for the ink tests: a deployed world, a controller, a render. */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PaneController, type PaneOptions} from '../../source/live/controller.ts';
import {openSimPane, type SimPane} from '../../source/live/sim.ts';

export const SCALE = 5;
/** Real ms between probe rounds: 250 simulated ms at ×5, the default drill resolution. */
export const INTERVAL = 50;

export async function simPane(firstIp: number): Promise<SimPane> {
	return openSimPane({scale: SCALE, placement: [0, 1, 2].map(i => ({ip: `127.0.0.${firstIp + i}`, shift: 0}))});
}

export function controllerFor(sim: SimPane, options: PaneOptions = {}): PaneController {
	return new PaneController(sim.sources, {intervalMs: INTERVAL, now: sim.now, operator: 'tester@ci (pid 1)', backoff: {initialMs: 100, maxMs: 400}, ...options});
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'rmq-tui-pane-'));

/** Press `j`/`k` until the selection is `id` (the controller's state says where it is). */
export async function selectNode(controller: PaneController, write: (s: string) => void, id: string): Promise<void> {
	const ids = controller.get().config.targets.map(t => t.id);
	const want = ids.indexOf(id);
	if (want < 0) throw new Error(`no node ${id}`);
	for (let tries = 0; tries < 50 && controller.get().selected !== id; tries++) {
		const before = controller.get().selected;
		const at = ids.indexOf(before ?? '');
		write(at < want ? 'j' : 'k');
		for (let i = 0; i < 500 && controller.get().selected === before; i++) await new Promise(r => setTimeout(r, 2));
	}
	if (controller.get().selected !== id) throw new Error(`could not select ${id}`);
}
