/**
 * `rmq-tui --demo` end to end in a real pseudo-terminal (tmux, the built CLI, 100×30, timers ×5): it starts on the
 * seed's hosts, Enter → n → D → y deploys onto simulated hosts, Enter opens the live pane, K on RaftNode00's
 * leader + y is a kill drill that ends with a new leader and its measured time, q exits 0. Ctrl-C in the pane,
 * SIGTERM in the pane and SIGINT during the deploy end it too. Every time: the process is gone (by its pid), the
 * alternate screen is off, and $TMPDIR (a test-owned dir) is empty again: the demo's temp dir was removed.
 * CI=false: under CI=true Ink renders only the last frame, as it should in a CI log.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {ClusterStore} from '../../source/store/clusters.ts';
import {need, which} from '../support/need.ts';
import {waitFor} from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Demo {
	tmux: (...args: string[]) => string;
	screen: () => string;
	/** Waits until the screen matches; returns it. */
	until: (what: string, pattern: RegExp, ms?: number) => Promise<string>;
	keys: (...keys: string[]) => void;
	pid: number;
	/** The demo's temp dirs under the test's $TMPDIR. */
	tempDirs: () => string[];
	exitCode: (ms?: number) => Promise<string>;
}

const alive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

interface Start {
	/** The CLI's arguments (default: the demo, timers ×5). */
	args?: string;
	/** Save a cluster first, so the wizard opens on the start screen. */
	savedCluster?: boolean;
}

async function withDemo(t: TestContext, name: string, run: (demo: Demo) => Promise<void>, start: Start = {}): Promise<void> {
	if (!need(t, 'tmux', which('tmux') !== undefined)) return;
	if (!need(t, 'a build (npm run build)', existsSync(join(ROOT, 'dist/cli.js')))) return;
	const dir = mkdtempSync(join(tmpdir(), `rmq-tui-pty-demo-${name}-`));
	const [home, tmp] = [join(dir, 'home'), join(dir, 'tmp')];
	mkdirSync(home);
	mkdirSync(tmp);
	const socket = join(dir, 'tmux.sock');
	const exitFile = join(dir, 'exit');
	const pidFile = join(dir, 'pid');
	const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], {encoding: 'utf8'});
	const store = join(home, 'rmq-tui-nodejs');
	if (start.savedCluster) {
		const opened = ClusterStore.open({cwd: store});
		assert.ok(opened.ok);
		opened.store.save('lab', clusterFromHosts(['10.99.0.11', '10.99.0.12', '10.99.0.13']));
	}
	const saved = start.savedCluster ? readFileSync(join(store, 'config.json'), 'utf8') : undefined;
	const inner = `echo $$ > ${pidFile}; exec node dist/cli.js ${start.args ?? '--demo --time-scale 5'}`;
	const env = `PATH=${join(ROOT, 'node_modules/.bin')}:$PATH HOME=${home} XDG_CONFIG_HOME=${home} TMPDIR=${tmp} CI=false CONTINUOUS_INTEGRATION=false`;
	const command = `cd ${ROOT} && ${env} sh -c '${inner}'; echo $? > ${exitFile}; sleep 60`;
	let pid: number | undefined;
	try {
		tmux('new-session', '-d', '-x', '100', '-y', '30', 'sh', '-c', command);
		pid = await waitFor('the demo to start', 10_000, () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) || undefined : undefined));
		const screen = () => tmux('capture-pane', '-p');
		await run({
			tmux,
			screen,
			until: (what, pattern, ms = 15_000) => waitFor(what, ms, () => {
				const s = screen();
				return pattern.test(s) ? s : undefined;
			}).catch((error: Error) => {
				throw new Error(`${error.message}; the screen was:\n${screen()}`);
			}),
			keys: (...keys) => void tmux('send-keys', ...keys),
			pid,
			tempDirs: () => readdirSync(tmp),
			exitCode: ms => waitFor('rmq-tui to exit', ms ?? 20_000, () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : undefined)),
		});
		await waitFor(`the demo process (pid ${pid}) to be gone`, 10_000, () => !alive(pid!));
		assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'the terminal is back on its normal screen');
		assert.equal(tmux('display', '-p', '#{cursor_flag}').trim(), '1', 'the cursor is shown again');
		assert.deepEqual(readdirSync(tmp), [], "the demo's temp dir is removed");
		if (saved === undefined) assert.deepEqual(readdirSync(home), [], 'nothing written under HOME');
		else assert.equal(readFileSync(join(store, 'config.json'), 'utf8'), saved, 'the saved clusters are untouched');
	} finally {
		if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
		try {
			tmux('kill-server');
		} catch {
			// already gone
		}
		rmSync(dir, {recursive: true, force: true});
	}
}

/** From the first frame to the live pane: Enter (hosts → options), n (→ review), D (check, preview), y, Enter. */
async function toThePane(demo: Demo): Promise<string> {
	let screen = await demo.until('the wizard on the seed hosts', /Step 1\/3/);
	assert.match(screen, /rmq-tui · demo on simulated hosts · new cluster/);
	assert.match(screen, /1 {2}192\.168\.1\.71 /);
	assert.equal(demo.tempDirs().length, 1, 'the demo made its temp dir under $TMPDIR');
	demo.keys('Enter');
	await demo.until('the cluster options', /Step 2\/3/);
	demo.keys('n');
	await demo.until('the review', /Step 3\/3/);
	demo.keys('D');
	screen = await demo.until('the preview', /this is what will change/);
	assert.match(screen, /deploy RaftCluster to 3 hosts \(simulated hosts\)/);
	demo.keys('y');
	screen = await demo.until('the deploy to finish', /✓ deployed in [\d.]+ s — RaftNode00: leader n\d, RaftNode01: leader n\d/, 30_000);
	demo.keys('Enter');
	screen = await demo.until('the pane with both groups', /RaftNode00 {2}HEALTHY {2}leader n\d[\s\S]*RaftNode01 {2}HEALTHY {2}leader n\d/, 20_000);
	assert.equal(demo.tmux('display', '-p', '#{alternate_on}').trim(), '1', 'the pane is on the alternate screen');
	return screen;
}

test('--demo in a pty: wizard → deploy → pane, a kill drill on a leader gets a new leader, q exits 0 and leaves nothing', async t => {
	await withDemo(t, 'journey', async demo => {
		const started = Date.now();
		let screen = await toThePane(demo);
		t.diagnostic(`pane up after ${Date.now() - started} ms (keys, deploy and election included)`);
		const old = /RaftNode00 {2}HEALTHY {2}leader (n\d)/.exec(screen)![1]!;
		const target = `RaftNode00/${old}`;
		const selected = () => /^Logs (\S+)/m.exec(demo.screen())?.[1];
		for (let i = 0; i < 20 && selected() !== target; i++) {
			const before = selected();
			demo.keys('j');
			await waitFor('the selection to move', 5000, () => selected() !== before);
		}
		assert.equal(selected(), target, `${target} (the leader) is selected`);
		demo.keys('K');
		screen = await demo.until('the confirmation', /Confirm[\s\S]*kill RaftNode00\/n\d \(leader\)/);
		demo.keys('y');
		screen = await demo.until('the new leader', /drill-1 kill RaftNode00\/n\d: RaftNode00: new leader (n\d) after (\d+\.\d) s/, 30_000);
		const [, leader, seconds] = /new leader (n\d) after (\d+\.\d) s/.exec(screen)!;
		assert.notEqual(leader, old, 'another replica leads');
		assert.ok(Number(seconds) > 0, `time to new leader ${seconds} s`);
		demo.keys('q');
		assert.equal(await demo.exitCode(), '0');
	});
});

test('--demo in a pty: Ctrl-C in the pane quits, the screen is restored and the temp dir removed', async t => {
	await withDemo(t, 'ctrl-c', async demo => {
		await toThePane(demo);
		demo.keys('C-c');
		assert.equal(await demo.exitCode(), '0');
	});
});

test('--demo in a pty: SIGTERM in the pane ends it, the screen is restored and the temp dir removed', async t => {
	await withDemo(t, 'sigterm', async demo => {
		await toThePane(demo);
		process.kill(demo.pid, 'SIGTERM');
		assert.equal(await demo.exitCode(), '143');
	});
});

test('--demo in a pty: SIGINT during the deploy ends it and removes the temp dir', async t => {
	await withDemo(t, 'sigint', async demo => {
		await demo.until('the wizard', /Step 1\/3/);
		demo.keys('Enter');
		await demo.until('the cluster options', /Step 2\/3/);
		demo.keys('n');
		await demo.until('the review', /Step 3\/3/);
		demo.keys('D');
		await demo.until('the preview', /this is what will change/);
		demo.keys('y');
		await demo.until('the deploy under way', /applying/);
		assert.equal(demo.tempDirs().length, 1, 'the temp dir is there until the signal');
		process.kill(demo.pid, 'SIGINT');
		assert.equal(await demo.exitCode(), '130');
	});
});

test('the start screen\'s demo row hands over to the demo (real timers); Ctrl-C quits it and leaves nothing', async t => {
	await withDemo(
		t,
		'start',
		async demo => {
			let screen = await demo.until('the start screen', /Try the demo — a simulated cluster, no servers/);
			assert.match(screen, /> lab +3/);
			assert.deepEqual(demo.tempDirs(), [], 'no temp dir before the demo is picked');
			demo.keys('Up');
			await demo.until('the demo row selected', /> Try the demo/);
			demo.keys('Enter');
			screen = await demo.until('the demo wizard', /rmq-tui · demo on simulated hosts · new cluster[\s\S]*Step 1\/3/);
			assert.match(screen, /1 {2}192\.168\.1\.71 /);
			assert.equal(demo.tempDirs().length, 1);
			demo.keys('C-c');
			assert.equal(await demo.exitCode(), '0');
		},
		{args: '', savedCluster: true},
	);
});
