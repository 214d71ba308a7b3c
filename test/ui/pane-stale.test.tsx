/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The live pane on the simulated seed cluster (timers ×5): pausing a leader (a frozen JVM) shows the name servers
 * listing a stale leader — the group goes STALE until the new leader overwrites it — and unpausing brings it back
 * as a follower; a host that drops is shown unreachable with why, while the rest lives on, and comes back.
 */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {render} from 'ink-testing-library';
import type {SimPane} from '../../source/live/sim.ts';
import {Pane} from '../../source/ui/pane/Pane.tsx';
import type {PaneController} from '../../source/live/controller.ts';
import {plain, press, waitFrame} from './drive.ts';
import {controllerFor, selectNode, simPane, stableLeader} from './pane-support.ts';

let sim: SimPane;
before(async () => {
	sim = await simPane(111);
});
after(async () => {
	await sim.close();
});

/**
 * The simulator's own record while `frozen` (the paused leader) is replaced: the longest time every name server
 * listed it while no live member of its group followed it (what STALE means), and the longest gap between two of
 * the pane's probe rounds meanwhile — both in simulated ms, watched every millisecond.
 */
function watchStale(controller: PaneController, group: string, frozen: string) {
	const cluster = sim.world.cluster;
	const id = `${group}/${frozen}`;
	const addr = cluster.broker(id).addr;
	const live = cluster.brokers.filter(b => b.id.startsWith(`${group}/`) && b.id !== id);
	let since: number | undefined;
	let longest = 0;
	let lastRound: number | undefined;
	let roundGap = 0;
	const timer = setInterval(() => {
		const now = sim.now();
		const listed = cluster.leaderAtNamesrvs(group);
		const stale = listed.length > 0 && listed.every(a => a === addr) && live.every(b => b.member.leaderId !== frozen);
		if (stale) since ??= now;
		else if (since !== undefined) {
			longest = Math.max(longest, now - since);
			since = undefined;
		}
		const round = controller.get().snapshot?.at;
		if (round !== undefined && round !== lastRound) {
			if (lastRound !== undefined) roundGap = Math.max(roundGap, round - lastRound);
			lastRound = round;
		}
	}, 1);
	return () => {
		clearInterval(timer);
		return {staleMs: Math.max(longest, since !== undefined ? sim.now() - since : 0), roundGapMs: roundGap};
	};
}

const MAX_ATTEMPTS = 6;

test('p on a leader freezes it: the group shows STALE while name servers list it, then the new leader; p again thaws it', async t => {
	const controller = controllerFor(sim);
	const ui = render(<Pane controller={controller} rows={34} columns={200} />);
	const write = (s: string) => ui.stdin.write(s);
	const group = 'RaftNode01';
	let paused: {host: string; container: string} | undefined;
	try {
		await waitFrame(ui, 'hosts 3/3', 20_000);
		// How long the name servers keep listing a frozen leader depends on the election that replaces it: a split
		// vote takes seconds, a first vote that wins at once leaves less than one probe round. The pane must show
		// STALE whenever the simulator's own record says it lasted two probe rounds or more; pausing again until
		// that happens.
		for (let attempt = 1; ; attempt++) {
			const old = await stableLeader(controller, group);
			const target = controller.get().config.targets.find(x => x.id === `${group}/${old}`)!;
			await selectNode(controller, write, target.id);
			let frame = await press(ui, 'p', 'Confirm');
			assert.match(frame, new RegExp(`pause ${group}/${old} \\(leader\\) .*name servers keep listing the frozen ${old} until it is replaced`));
			const from = ui.frames.length;
			const truth = watchStale(controller, group, old);
			await press(ui, 'y', 'pause sent');
			paused = {host: target.host, container: target.containerName};
			frame = await waitFrame(ui, new RegExp(`▶ drill-${attempt} pause ${group}/${old}: ${group}: new leader (n\\d) after \\d+\\.\\d s`), 30_000);
			const {staleMs, roundGapMs} = truth();
			assert.match(frame, new RegExp(`${group} {2}(DEGRADED|HEALTHY) {2}leader n\\d`));
			const stale = ui.frames.slice(from).map(plain).find(f => new RegExp(`${group} {2}STALE`).test(f));
			t.diagnostic(`attempt ${attempt}: name servers listed the frozen ${old} for ${staleMs} ms (simulated), probe rounds ≤ ${roundGapMs} ms apart; STALE ${stale ? 'shown' : 'not shown'}`);
			if (stale) {
				assert.match(stale, new RegExp(`name server [\\d.:]+ still lists ${old} as leader`));
				assert.match(stale, new RegExp(`01/${old}‖`), 'the container is paused (Docker)');
				assert.match(stale, new RegExp(`${old} +192\\.168\\.1\\.\\d+ +\\S+ +down \\(paused\\)`));
			} else assert.ok(staleMs < 2 * roundGapMs, `STALE for ${staleMs} ms (≥ two probe rounds of ${roundGapMs} ms) but never shown`);

			frame = await press(ui, 'p', 'Confirm');
			assert.match(frame, new RegExp(`unpause ${group}/${old}`));
			await press(ui, 'y', 'unpause sent');
			await waitFrame(ui, new RegExp(`✓ drill-${attempt} pause ${group}/${old}: .*${old} back as follower`), 30_000);
			paused = undefined;
			if (stale) {
				const drill = controller.get().session.finished.at(-1)!;
				assert.ok(drill.verdicts.some(v => v.verdict === 'stale'), drill.verdicts.map(v => v.verdict).join(' → '));
				break;
			}
			assert.ok(attempt < MAX_ATTEMPTS, `${MAX_ATTEMPTS} elections in a row were over within two probe rounds`);
		}
	} finally {
		ui.unmount();
		await controller.close();
		if (paused) await sim.world.hosts.get(paused.host)!.unpauseContainer(paused.container).catch(() => undefined);
	}
});

test('a host that drops: unreachable with the error and when it was last seen, retried, and back; the rest lives on', async () => {
	const controller = controllerFor(sim);
	const ui = render(<Pane controller={controller} rows={50} columns={140} />);
	const host = sim.world.hosts.get('192.168.1.76')!;
	try {
		await waitFrame(ui, f => f.includes('hosts 3/3') && f.includes('✓ connected'), 20_000);
		host.cut('the connection was lost (simulated)');
		let frame = await waitFrame(ui, /192\.168\.1\.76 {2}✗ unreachable: .*the connection was lost \(simulated\) · last seen \d\d:\d\d:\d\d/, 20_000);
		assert.match(frame, /hosts 2\/3/);
		assert.match(frame, /192\.168\.1\.71 {2}✓ connected/);
		assert.match(frame, /192\.168\.1\.77 {2}✓ connected/);
		await selectNode(controller, s => ui.stdin.write(s), 'RaftNode00/n1');
		frame = await press(ui, 'K', /cannot kill RaftNode00\/n1: 192\.168\.1\.76 is (unreachable|connecting)/);
		host.heal();
		await waitFrame(ui, f => /192\.168\.1\.76 {2}✓ connected/.test(f) && f.includes('hosts 3/3'), 20_000);
		await waitFrame(ui, /Logs RaftNode00\/n1 · following/, 20_000);
	} finally {
		host.heal();
		ui.unmount();
		await controller.close();
	}
});
