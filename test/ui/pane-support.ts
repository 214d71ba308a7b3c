/** The live pane on the simulated seed cluster, for the ink tests: a deployed world, a controller, a render. */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PaneController, type PaneOptions} from '../../source/live/controller.ts';
import {paneMode} from '../../source/live/model.ts';
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

/**
 * Press `j`/`k` until the selection is `id`, each key once the one before has landed (the controller's state is
 * what the pane shows); fails saying where the selection is and in which mode the pane was.
 */
export async function selectNode(controller: PaneController, write: (s: string) => void, id: string, timeoutMs = 20_000): Promise<void> {
	const ids = controller.get().config.targets.map(t => t.id);
	const want = ids.indexOf(id);
	if (want < 0) throw new Error(`no node ${id}`);
	const end = Date.now() + timeoutMs;
	while (controller.get().selected !== id && Date.now() < end) {
		const before = controller.get().selected;
		write(ids.indexOf(before ?? '') < want ? 'j' : 'k');
		while (controller.get().selected === before && Date.now() < end) await new Promise(r => setTimeout(r, 2));
	}
	const s = controller.get();
	if (s.selected !== id) throw new Error(`could not select ${id} within ${timeoutMs} ms: ${s.selected ?? 'nothing'} is selected, the pane is in mode ${paneMode(s)}`);
}

/**
 * The group's leader once the pane's probe has seen it HEALTHY with the same leader in `rounds` snapshots in a row
 * (right after start, or on a CPU-starved machine, the cluster may still be re-electing when a first leader shows).
 */
export async function stableLeader(controller: PaneController, group: string, options: {rounds?: number; timeoutMs?: number} = {}): Promise<string> {
	const rounds = options.rounds ?? 4;
	const timeoutMs = options.timeoutMs ?? 20_000;
	const end = Date.now() + timeoutMs;
	let last: unknown;
	let leader: string | undefined;
	let seen = 0;
	for (;;) {
		const snapshot = controller.get().snapshot;
		if (snapshot && snapshot !== last) {
			last = snapshot;
			const g = snapshot.groups.find(x => x.group === group);
			const now = g?.verdict === 'healthy' ? g.leader : undefined;
			seen = now !== undefined && now === leader ? seen + 1 : now === undefined ? 0 : 1;
			leader = now;
			if (leader !== undefined && seen >= rounds) return leader;
		}
		if (Date.now() > end) {
			const g = snapshot?.groups.find(x => x.group === group);
			throw new Error(`${group} had no leader for ${rounds} probe rounds in a row within ${timeoutMs} ms (last: ${g ? `${g.verdict}, leader ${g.leader ?? 'none'}` : 'no snapshot'})`);
		}
		await new Promise(r => setTimeout(r, 5));
	}
}
