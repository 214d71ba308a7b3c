/**
 * Idle cost of the live pane: CPU (% of one core) and RSS over a window on the simulated seed cluster, side by side
 * with the same process running (1) the simulated cluster alone and (2) the cluster plus the bare probe every 250 ms
 * (the simulator shares the process and answers the probe, so the pane's own cost is the difference to (2)). The
 * pane draws through Ink (interactive) into an in-memory 120×40 terminal.
 * Usage: node --import tsx bench/pane-idle.ts [--seconds 60]
 */
import {arg, mb, openPane, simCluster, sleep} from './pane-harness.ts';

const SECONDS = arg('seconds', 60);

async function window(label: string, seconds: number): Promise<{cpu: number; rss: number; rssMax: number}> {
	const start = process.cpuUsage();
	const t0 = performance.now();
	let rssMax = 0;
	for (let i = 0; i < seconds * 4; i++) {
		await sleep(250);
		rssMax = Math.max(rssMax, process.memoryUsage().rss);
	}
	const used = process.cpuUsage(start);
	const wall = performance.now() - t0;
	const cpu = ((used.user + used.system) / 1000 / wall) * 100;
	const rss = process.memoryUsage().rss;
	console.log(`  ${label.padEnd(34)} CPU ${cpu.toFixed(2).padStart(6)} % of one core   RSS ${mb(rss).padStart(9)} (max ${mb(rssMax)})`);
	return {cpu, rss, rssMax};
}

const sim = await simCluster(1, 211);
try {
	console.log(`idle cost over ${SECONDS} s each, seed cluster simulated in the same process (real timers), Node ${process.version}`);
	await sleep(2000);
	const alone = await window('simulated cluster alone', SECONDS);
	let probing = true;
	const loop = (async () => {
		while (probing) {
			const t0 = performance.now();
			await sim.sources.observe();
			await sleep(Math.max(0, 250 - (performance.now() - t0)));
		}
	})();
	const probe = await window('+ the probe every 250 ms', SECONDS);
	probing = false;
	await loop;
	const pane = openPane(sim, {intervalMs: 250});
	await sleep(2000);
	const both = await window('+ the live pane (probe included)', SECONDS);
	console.log(`  ${'the pane without the probe'.padEnd(34)} CPU ${(both.cpu - probe.cpu).toFixed(2).padStart(6)} % of one core   RSS ${mb(both.rss - probe.rss).padStart(9)}`);
	console.log(`  frames drawn while idle: ${(pane.screen.frames / (SECONDS + 2)).toFixed(1)}/s, ${mb(pane.screen.bytes)} to the terminal in all (a frame whose text did not change is not drawn)`);
	await pane.close();
} finally {
	await sim.close();
}
