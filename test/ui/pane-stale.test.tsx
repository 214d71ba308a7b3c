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
import {plain, press, waitFrame} from './drive.ts';
import {controllerFor, selectNode, simPane} from './pane-support.ts';

let sim: SimPane;
before(async () => {
	sim = await simPane(111);
});
after(async () => {
	await sim.close();
});

const leaderOf = (frame: string, group: string) => new RegExp(`${group} {2}HEALTHY {2}leader (n\\d)`).exec(frame)?.[1];

test('p on a leader freezes it: the group shows STALE while name servers list it, then the new leader; p again thaws it', async () => {
	const controller = controllerFor(sim);
	const ui = render(<Pane controller={controller} rows={34} columns={200} />);
	const group = 'RaftNode01';
	try {
		await waitFrame(ui, f => leaderOf(f, group) !== undefined && f.includes('hosts 3/3'), 10_000);
		const old = leaderOf(plain(ui.lastFrame()), group)!;
		await selectNode(controller, s => ui.stdin.write(s), `${group}/${old}`);
		let frame = await press(ui, 'p', 'Confirm');
		assert.match(frame, new RegExp(`pause ${group}/${old} \\(leader\\) .*name servers keep listing the frozen ${old} until it is replaced`));
		await press(ui, 'y', 'pause sent');
		frame = await waitFrame(ui, new RegExp(`${group} {2}STALE`), 15_000);
		assert.match(frame, new RegExp(`name server [\\d.:]+ still lists ${old} as leader`));
		assert.match(frame, new RegExp(`01/${old}‖`), 'the container is paused (Docker)');
		assert.match(frame, new RegExp(`${old} +192\\.168\\.1\\.\\d+ +\\S+ +down \\(paused\\)`));
		frame = await waitFrame(ui, new RegExp(`▶ drill-1 pause ${group}/${old}: ${group}: new leader (n\\d) after \\d+\\.\\d s`), 20_000);
		assert.match(frame, new RegExp(`${group} {2}(DEGRADED|HEALTHY) {2}leader n\\d`));
		frame = await press(ui, 'p', 'Confirm');
		assert.match(frame, new RegExp(`unpause ${group}/${old}`));
		await press(ui, 'y', 'unpause sent');
		frame = await waitFrame(ui, new RegExp(`✓ drill-1 pause ${group}/${old}: .*${old} back as follower`), 20_000);
		const drill = controller.get().session.finished[0]!;
		assert.ok(drill.verdicts.some(v => v.verdict === 'stale'), drill.verdicts.map(v => v.verdict).join(' → '));
	} finally {
		ui.unmount();
		await controller.close();
	}
});

test('a host that drops: unreachable with the error and when it was last seen, retried, and back; the rest lives on', async () => {
	const controller = controllerFor(sim);
	const ui = render(<Pane controller={controller} rows={50} columns={140} />);
	try {
		await waitFrame(ui, f => f.includes('hosts 3/3') && f.includes('✓ connected'), 10_000);
		const host = sim.world.hosts.get('192.168.1.76')!;
		host.cut('the connection was lost (simulated)');
		let frame = await waitFrame(ui, /192\.168\.1\.76 {2}✗ unreachable: .*the connection was lost \(simulated\) · last seen \d\d:\d\d:\d\d/, 10_000);
		assert.match(frame, /hosts 2\/3/);
		assert.match(frame, /192\.168\.1\.71 {2}✓ connected/);
		assert.match(frame, /192\.168\.1\.77 {2}✓ connected/);
		await selectNode(controller, s => ui.stdin.write(s), 'RaftNode00/n1');
		frame = await press(ui, 'K', /cannot kill RaftNode00\/n1: 192\.168\.1\.76 is (unreachable|connecting)/);
		host.heal();
		frame = await waitFrame(ui, f => /192\.168\.1\.76 {2}✓ connected/.test(f) && f.includes('hosts 3/3'), 10_000);
		assert.match(frame, /Logs RaftNode00\/n1 · following/);
	} finally {
		ui.unmount();
		await controller.close();
	}
});
