/**
 * Time to first frame of `rmq-tui` (process start → the wizard's first frame on a real 80×24 pty, tmux), median of
 * several runs, side by side with `rmq-tui --version` (the same process start and Node, no Ink) in the same run.
 * Usage: node --import tsx bench/first-frame.ts [--runs 9]
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const PATH = `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spin = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One run in a fresh tmux server: ms from launch until `ready(screen)`. */
function timeToScreen(args: string, ready: (screen: string) => boolean): number {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-bench-'));
	const socket = join(dir, 'sock');
	const tmux = (...a: string[]) => execFileSync('tmux', ['-S', socket, ...a], {encoding: 'utf8'});
	try {
		const start = performance.now();
		tmux('new-session', '-d', '-x', '80', '-y', '24', 'sh', '-c', `cd ${ROOT} && PATH=${PATH} HOME=${dir} CI=false CONTINUOUS_INTEGRATION=false node dist/cli.js ${args}; sleep 30`);
		for (;;) {
			if (ready(tmux('capture-pane', '-p'))) return performance.now() - start;
			if (performance.now() - start > 20_000) throw new Error(`no frame for "${args}" within 20 s`);
			spin(2);
		}
	} finally {
		try {
			tmux('kill-server');
		} catch {
			// gone
		}
		rmSync(dir, {recursive: true, force: true});
	}
}

if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('build first: npm run build');
const wizard: number[] = [];
const version: number[] = [];
for (let i = 0; i < RUNS; i++) {
	// interleaved, so both see the same machine load
	wizard.push(timeToScreen('', s => s.includes('Step 1/3')));
	version.push(timeToScreen('--version', s => /^\d+\.\d+\.\d+$/m.test(s)));
}
const w = median(wizard);
const v = median(version);
console.log(`time to first frame on an 80×24 pty (tmux), median of ${RUNS} interleaved runs, Node from node_modules/.bin`);
console.log(`  rmq-tui (wizard first frame)   ${w.toFixed(0)} ms   [${wizard.map(x => x.toFixed(0)).join(', ')}]`);
console.log(`  rmq-tui --version (no Ink)     ${v.toFixed(0)} ms   [${version.map(x => x.toFixed(0)).join(', ')}]`);
console.log(`  ratio wizard ÷ --version       ${(w / v).toFixed(2)}×  (Ink, React and the first render cost ${(w - v).toFixed(0)} ms)`);
