/**
 * Keystroke-to-frame latency of the live pane: from a key (j/k, moving the selection) to the first terminal write
 * that shows it, side by side without and with a broker logging 5,000 lines/s into the log the pane follows (the
 * flood goes through the simulated host's `tail -F`, the ring buffer and the throttled renderer).
 * Usage: node --import tsx bench/pane-latency.ts [--keys 100] [--rate 5000]
 */
import {arg, flood, openPane, simCluster, sleep, stats, until} from './pane-harness.ts';

const KEYS = arg('keys', 100);
const RATE = arg('rate', 5000);

const sim = await simCluster(5, 221);
const pane = openPane(sim, {intervalMs: 250});
const {controller, screen, keys} = pane;

async function measure(label: string): Promise<void> {
	const ids = ['RaftNode00/n0', 'RaftNode01/n0'];
	const latencies: number[] = [];
	for (let i = 0; i < KEYS; i++) {
		const next = controller.get().selected === ids[0] ? ids[1]! : ids[0]!;
		const seen = screen.next(text => text.includes(`Logs ${next}`));
		const sent = performance.now();
		keys.write(next === ids[1] ? 'j' : 'k');
		latencies.push((await seen) - sent);
		await sleep(20 + Math.random() * 60);
	}
	const s = stats(latencies);
	console.log(`  ${label.padEnd(36)} median ${s.median.toFixed(1).padStart(6)} ms   p95 ${s.p95.toFixed(1).padStart(6)} ms   max ${s.max.toFixed(1).padStart(6)} ms   (${s.n} keys)`);
}

try {
	await until('the pane', 10_000, () => Object.values(controller.get().hosts).every(h => h.status === 'connected') && controller.get().snapshot !== undefined);
	keys.write('j');
	await until('RaftNode00/n0 selected', 2000, () => controller.get().selected === 'RaftNode00/n0');
	console.log(`keystroke → frame on a 120×40 pane (Ink interactive; data frames ≤ 20/s, a key's frame at once), seed cluster simulated ×5 in the same process`);
	await measure('quiet logs');
	const f = flood(sim, 'RaftNode00/n0', RATE);
	await sleep(1000);
	const before = f.written();
	const t0 = performance.now();
	await measure(`while n0 logs ${RATE} lines/s`);
	const rate = ((f.written() - before) / (performance.now() - t0)) * 1000;
	const w0 = screen.frames;
	await sleep(3000);
	const fps = (screen.frames - w0) / 3;
	f.stop();
	const tail = controller.get().logs['192.168.1.71/rocketmq-raftnode00-n0']!;
	console.log(`  flood: ${rate.toFixed(0)} lines/s delivered; ${fps.toFixed(1)} frames/s drawn with no key pressed; ring holds ${tail.lines.length} of ${tail.total} lines`);
} finally {
	await pane.close();
	await sim.close();
}
