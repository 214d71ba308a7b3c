/**
 * Memory of the live pane under a sustained log flood: a broker logs 5,000 lines/s into the log the pane follows
 * for `--minutes` (default 10); heap (after a GC when run with --expose-gc) and RSS are sampled every 30 s. Flat
 * means the ring buffers and the renderer hold on to nothing. Usage:
 *   node --expose-gc --import tsx bench/pane-memory.ts [--minutes 10] [--rate 5000]
 */
import {arg, flood, mb, openPane, simCluster, sleep, until} from './pane-harness.ts';

const MINUTES = arg('minutes', 10);
const RATE = arg('rate', 5000);
const gc = (globalThis as {gc?: () => void}).gc;

const sim = await simCluster(5, 231);
const pane = openPane(sim, {intervalMs: 250});
try {
	await until('the pane', 10_000, () => Object.values(pane.controller.get().hosts).every(h => h.status === 'connected'));
	pane.keys.write('j');
	const f = flood(sim, 'RaftNode00/n0', RATE);
	console.log(`memory while RaftNode00/n0 logs ${RATE} lines/s for ${MINUTES} min (selected, followed, drawn)${gc ? '' : ' — run with --expose-gc for heap after GC'}`);
	const samples: Array<{t: number; heap: number; rss: number}> = [];
	const t0 = performance.now();
	for (;;) {
		await sleep(Math.min(30_000, MINUTES * 60_000));
		gc?.();
		const m = process.memoryUsage();
		const t = (performance.now() - t0) / 1000;
		samples.push({t, heap: m.heapUsed, rss: m.rss});
		console.log(`  ${`${t.toFixed(0)} s`.padStart(6)}  heap ${mb(m.heapUsed).padStart(9)}  RSS ${mb(m.rss).padStart(9)}  lines ${f.written()}`);
		if (t >= MINUTES * 60) break;
	}
	f.stop();
	const first = samples[0]!;
	const last = samples.at(-1)!;
	console.log(`  heap first → last: ${mb(first.heap)} → ${mb(last.heap)} (${((last.heap / first.heap - 1) * 100).toFixed(1)} %); RSS ${mb(first.rss)} → ${mb(last.rss)}`);
	const tail = pane.controller.get().logs['192.168.1.71/rocketmq-raftnode00-n0']!;
	console.log(`  ring: ${tail.lines.length} lines kept of ${tail.total} received`);
} finally {
	await pane.close();
	await sim.close();
}
