/**
 * From the simulator's leader change to the pane showing it: a group's leader is killed through the pane's drill
 * path; the simulator is watched every millisecond for the moment every name server lists the new leader, the
 * terminal for the first frame that shows it. Target: under one poll interval + one frame. Repeated over both
 * groups (the killed node is started again between runs). Usage:
 *   node --import tsx bench/pane-leader.ts [--runs 6] [--interval 250] [--scale 5]
 */
import {arg, openPane, simCluster, sleep, stats, until} from './pane-harness.ts';

const RUNS = arg('runs', 6);
const INTERVAL = arg('interval', 250);
const SCALE = arg('scale', 5);

const sim = await simCluster(SCALE, 241);
const pane = openPane(sim, {intervalMs: INTERVAL}, {columns: 200, rows: 40});
const {controller, screen} = pane;
const delays: number[] = [];
try {
	await until('the pane', 10_000, () => Object.values(controller.get().hosts).every(h => h.status === 'connected') && controller.get().snapshot?.groups.every(g => g.verdict === 'healthy') === true);
	console.log(`simulator's leader change → pane frame, poll every ${INTERVAL} ms, frames ≤ 20/s, simulated time ×${SCALE} (${RUNS} kills)`);
	for (let run = 0; run < RUNS; run++) {
		const group = run % 2 === 0 ? 'RaftNode00' : 'RaftNode01';
		await until('a healthy cluster', 60_000, () => controller.get().snapshot?.groups.every(g => g.verdict === 'healthy') === true && controller.get().session.open.length === 0);
		const old = sim.world.cluster.groups.find(g => g.name === group)!.leaders()[0]!.selfId;
		const oldAddr = sim.world.cluster.broker(`${group}/${old}`).addr;
		const target = controller.get().config.targets.find(t => t.id === `${group}/${old}`)!;
		let truthAt: number | undefined;
		let leader: string | undefined;
		const watcher = setInterval(() => {
			if (truthAt !== undefined) return;
			const listed = sim.world.cluster.leaderAtNamesrvs(group);
			if (listed.length === 3 && listed.every(a => a !== undefined && a !== oldAddr) && new Set(listed).size === 1) {
				truthAt = performance.now();
				leader = sim.world.cluster.groups.find(g => g.name === group)!.leaders()[0]?.selfId;
			}
		}, 1);
		const shown = new Promise<number>(resolve => {
			const look = () =>
				void screen.next(text => leader !== undefined && new RegExp(`${group}\\S*  \\S*(DEGRADED|HEALTHY)\\S*  \\S*leader ${leader}`).test(text.replace(/\u001B\[[0-9;]*m/g, ''))).then(resolve);
			look();
		});
		await controller.sendDrill(target, 'kill');
		const at = await Promise.race([shown, sleep(30_000).then(() => -1)]);
		clearInterval(watcher);
		if (at < 0 || truthAt === undefined) throw new Error(`run ${run + 1}: the new leader of ${group} was not shown`);
		delays.push(at - truthAt);
		console.log(`  run ${run + 1}: ${group} ${old} → ${leader}: shown ${(at - truthAt).toFixed(0)} ms after the simulator elected it`);
		await controller.sendDrill(target, 'start');
		await until('the drill done', 60_000, () => controller.get().session.open.length === 0);
		await sleep(500);
	}
	const s = stats(delays);
	console.log(`  median ${s.median.toFixed(0)} ms · p95 ${s.p95.toFixed(0)} ms · max ${s.max.toFixed(0)} ms — target < ${INTERVAL + 50} ms (one poll + one frame)`);
} finally {
	await pane.close();
	await sim.close();
}
