/**
 * Deploy wall time to the three real test hosts (test/testbed: OpenSSH + Docker each), hosts prepared in parallel
 * (the default) vs one after another (hostConcurrency 1), measured side by side: the runs alternate, and before
 * each one the hosts are wiped (containers, images, files) so every run uploads the image archive and starts the
 * cluster from nothing. Prints each run, the medians and the ratio. Needs root.
 *
 *   node --import tsx bench/deploy-parallel.ts [--runs 3]
 */
import type {DeployOptions} from '../source/deploy/execute.ts';
import {deployTo, testCluster, wipeHosts} from '../test/hosts/support.ts';
import {buildTestImages} from '../test/testbed/images.ts';
import {startTestbed, testbedMissing, type Testbed} from '../test/testbed/testbed.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3);

async function once(bed: Testbed, archive: string, options: DeployOptions): Promise<{total: number; prep: number}> {
	const t0 = performance.now();
	let prepEnd = 0;
	const {result} = await deployTo(bed, testCluster(bed), {imageArchive: archive, timeoutMs: 120_000, ...options}, {
		onEvent: e => {
			if (e.type === 'rollout' && prepEnd === 0) prepEnd = performance.now();
		},
	});
	if (!result.ok) throw new Error(result.failures.map(f => f.message).join('; '));
	return {total: performance.now() - t0, prep: prepEnd - t0};
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
	const missing = testbedMissing();
	if (missing.length > 0) throw new Error(`the test hosts need: ${missing.join('; ')}`);
	const archive = await buildTestImages();
	const bed = await startTestbed({hosts: 3});
	const parallel: number[] = [];
	const serial: number[] = [];
	const prepParallel: number[] = [];
	const prepSerial: number[] = [];
	try {
		for (let i = 0; i < runs; i++) {
			for (const [label, list, preps, options] of [['parallel', parallel, prepParallel, {}], ['one after another', serial, prepSerial, {hostConcurrency: 1}]] as const) {
				await wipeHosts(bed);
				const {total, prep} = await once(bed, archive, options);
				list.push(total);
				preps.push(prep);
				console.log(`run ${i + 1} ${label.padEnd(18)} ${(total / 1000).toFixed(2)} s (host preparation ${(prep / 1000).toFixed(2)} s)`);
			}
		}
	} finally {
		await bed.stop();
	}
	const p = median(parallel);
	const s = median(serial);
	console.log(`\nfresh deploy of 3 hosts × 2 groups (image archive uploaded to each host), median of ${runs}:`);
	console.log(`  hosts in parallel:      ${(p / 1000).toFixed(2)} s`);
	console.log(`  one host after another: ${(s / 1000).toFixed(2)} s`);
	console.log(`  ratio (serial / parallel): ×${(s / p).toFixed(2)}`);
	const pp = median(prepParallel);
	const ps = median(prepSerial);
	console.log(`  of which host preparation (connect, preflight, dirs, files, image upload + load): ${(pp / 1000).toFixed(2)} s vs ${(ps / 1000).toFixed(2)} s, ×${(ps / pp).toFixed(2)}`);
	console.log('  (the rest is the rollout: containers started in Raft order and the elections, the same in both modes;');
	console.log('   the three test hosts share this machine\'s 2 cores and disk, so parallel image loads compete here)');
}

await main();
