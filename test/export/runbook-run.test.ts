/**
 * The issue's "Done when": an operator can start a host with its RUNBOOK.md WITHOUT EDITING A SINGLE VALUE.
 *
 * The seed cluster is exported through the real CLI (in-process), then 192.168.1.71's RUNBOOK.md is executed: its
 * ```sh blocks, in order, LITERALLY, by one bash process (so `$COMPOSE` carries over from block to block), with
 * DOCKER_HOST pointing at a private dockerd and Debian's docker client (/usr/bin/docker, the daemon's version) first
 * in PATH. The RocketMQ and console images are the stand-ins of test/support/standin-image.ts (same process shape,
 * they record the conf they were started with, the uid, and their shutdown hook).
 *
 * Only two things are not run as written, both because this machine is not a RocketMQ host reached over SSH:
 *   - step 1 (ssh/scp from the operator's machine): replaced by the equivalent local copy;
 *   - the `docker exec … sh mqadmin clusterList` line of the Check block: the stand-in has no mqadmin/JVM to answer it.
 * Everything else (mkdir/chown/chmod, network, images, compose detection, the three `up -d`, docker ps, tail, and the
 * Stop block) runs as printed, each block under `set -e`.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, type WriteStream} from 'node:fs';
import {networkInterfaces, tmpdir} from 'node:os';
import {dirname, join, posix} from 'node:path';
import {test, type TestContext} from 'node:test';
import {parse} from 'yaml';
import {mirrorPath} from '../../source/export/tree.ts';
import {shellQuote} from '../../source/util/shell.ts';
import {run as runCli, SEED_HOSTS} from '../cli/helpers.ts';
import {dockerCli, startDockerd, type Dockerd} from '../support/dockerd.ts';
import {needAll} from '../support/need.ts';
import {BROKER_IMAGE, CONSOLE_IMAGE, ensureStandinImage} from '../support/standin-image.ts';
import {waitFor, portFree, connects, tick} from '../support/wait.ts';

const HOST = '192.168.1.71';
/** Ports shifted away from the seed's so that this file never collides with test/render/compose-up.test.ts. */
const PORT_FLAGS = ['--namesrv-port', '19877', '--listen-port', '31911', '--dledger-port', '41911', '--console-port', '29876'];
const NETWORK = 'bridge_network';
const CONTAINERS = ['rocketmq-namesrv', 'rocketmq-raftnode00-n0', 'rocketmq-raftnode01-n0', 'rocketmq-console'];
const BROKER_CONTAINERS = CONTAINERS.filter(c => c.includes('raftnode'));
/**
 * The stand-in JVM's shutdown hook duration. STANDIN_SHUTDOWN_SECONDS is read from the container's environment; the
 * compose files and the runbook must stay untouched, so it is baked into the stand-in IMAGE (ENV), which every
 * container started from the runbook inherits. With the default (0) a DONE marker would only prove that SIGTERM
 * reached the JVM; with 1 s it also proves that `down` waits for the hook to finish.
 */
const HOOK_SECONDS = 1;
const STEP_TIMEOUT_MS = 60_000;

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

// ------------------------------------------------------------------ the runbook's ```sh blocks

interface Block {
	/** The `## …` heading the block is under. */
	heading: string;
	lines: string[];
}

function shBlocks(markdown: string): Block[] {
	const blocks: Block[] = [];
	let heading = '';
	let current: string[] | undefined;
	for (const line of markdown.split('\n')) {
		if (current !== undefined) {
			if (line.trim() === '```') {
				blocks.push({heading, lines: current});
				current = undefined;
			} else current.push(line);
		} else if (line.startsWith('## ')) heading = line;
		else if (line.trim() === '```sh') current = [];
	}
	assert.equal(current, undefined, 'every ```sh block of the runbook is closed');
	return blocks;
}

// ------------------------------------------------------------------ one bash process for the whole runbook

/**
 * bash reading its script from a FIFO, fed one block at a time (stdin is /dev/null, so no command can swallow the
 * script). A block runs under `set -e`: a failing command ends bash, and the error names the block. After each block a
 * marker on stdout and stderr tells where its output ends.
 */
class HostShell {
	private readonly child: ChildProcess;
	private readonly script: WriteStream;
	private out = '';
	private err = '';
	private outAt = 0;
	private errAt = 0;
	private n = 0;
	exit: number | undefined;

	constructor(fifo: string, cwd: string, env: NodeJS.ProcessEnv) {
		spawnSync('mkfifo', [fifo]);
		this.child = spawn('bash', ['--noprofile', '--norc', fifo], {cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true});
		this.child.stdout!.on('data', (b: Buffer) => void (this.out += b.toString()));
		this.child.stderr!.on('data', (b: Buffer) => void (this.err += b.toString()));
		this.child.on('close', (code, signal) => void (this.exit = code ?? (signal ? 128 : 1)));
		this.script = createWriteStream(fifo);
		this.script.on('error', () => {}); // EPIPE once bash is gone: the exit code tells
	}

	async run(what: string, lines: readonly string[], timeoutMs = STEP_TIMEOUT_MS): Promise<{stdout: string; stderr: string; ms: number}> {
		const marker = `__RMQ_TUI_RUNBOOK_BLOCK_${++this.n}_DONE__`;
		const t0 = performance.now();
		this.script.write(['set -e', ...lines, 'set +e', `echo ${marker}`, `echo ${marker} >&2`, ''].join('\n'));
		const end = Date.now() + timeoutMs;
		while (!(this.out.includes(`${marker}\n`) && this.err.includes(`${marker}\n`))) {
			if (this.exit !== undefined || Date.now() > end) {
				await tick(100); // let the last output arrive
				throw new Error(
					`${what}: ${this.exit !== undefined ? `bash exited with code ${this.exit} (set -e: a command failed)` : `no end after ${timeoutMs} ms`}\n` +
						`--- block ---\n${lines.join('\n')}\n--- stdout ---\n${this.out.slice(this.outAt)}\n--- stderr ---\n${this.err.slice(this.errAt)}`,
				);
			}
			await tick();
		}
		const oEnd = this.out.indexOf(`${marker}\n`, this.outAt);
		const eEnd = this.err.indexOf(`${marker}\n`, this.errAt);
		const result = {stdout: this.out.slice(this.outAt, oEnd), stderr: this.err.slice(this.errAt, eEnd), ms: Math.round(performance.now() - t0)};
		this.outAt = oEnd + marker.length + 1;
		this.errAt = eEnd + marker.length + 1;
		return result;
	}

	async close(): Promise<void> {
		this.script.end('exit 0\n');
		const end = Date.now() + 5_000;
		while (this.exit === undefined && Date.now() < end) await tick();
		this.kill();
	}

	kill(): void {
		if (this.exit !== undefined || this.child.pid === undefined) return;
		try {
			process.kill(-this.child.pid, 'SIGKILL'); // bash and whatever it started (its own process group)
		} catch {}
		this.script.destroy();
	}
}

// ------------------------------------------------------------------ what the exported compose files say

interface BrokerInfo {
	container: string;
	/** -c of its command (a path inside the container). */
	confPath: string;
	/** The conf on the host, and its copy in the export tree. */
	hostConf: string;
	exportedConf: string;
	logsDir: string;
	storeDir: string;
	selfId: string;
}

function volumeSource(volumes: readonly string[], target: string): string {
	const v = volumes.map(s => s.split(':')).find(p => p[1] === target);
	assert.ok(v, `a volume mounted at ${target} in ${JSON.stringify(volumes)}`);
	return v[0]!;
}

function brokersOf(exportDir: string, baseDir: string): BrokerInfo[] {
	const file = join(exportDir, mirrorPath(HOST, `${baseDir}/broker/docker-compose.yml`));
	const doc = parse(readFileSync(file, 'utf8')) as {services: Record<string, {container_name: string; command: string[]; volumes: string[]}>};
	return Object.values(doc.services).map(s => {
		const confPath = s.command[s.command.lastIndexOf('-c') + 1]!;
		assert.ok(confPath.startsWith('/'), `${s.container_name}: absolute -c (${confPath})`);
		const hostConf = join(volumeSource(s.volumes, posix.dirname(confPath)), posix.basename(confPath));
		const exportedConf = join(exportDir, mirrorPath(HOST, hostConf));
		const selfId = /^\s*dLegerSelfId\s*=\s*(\S+)/m.exec(readFileSync(exportedConf, 'utf8'))?.[1];
		assert.ok(selfId, `${exportedConf} names its dLegerSelfId`);
		return {
			container: s.container_name,
			confPath,
			hostConf,
			exportedConf,
			logsDir: volumeSource(s.volumes, '/home/rocketmq/logs'),
			storeDir: volumeSource(s.volumes, '/home/rocketmq/store'),
			selfId,
		};
	});
}

const readIf = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const logField = (log: string, key: string) => log.split('\n').find(l => l.startsWith(`${key} `))?.slice(key.length + 1);

async function containerState(d: Dockerd, name: string): Promise<string> {
	return (await d.docker(['inspect', '-f', '{{.State.Status}} exit={{.State.ExitCode}}', name])).stdout.trim();
}

/** The stand-in images, plus ENV STANDIN_SHUTDOWN_SECONDS in the broker/name server one (see HOOK_SECONDS). */
async function standinImages(d: Dockerd): Promise<void> {
	await ensureStandinImage(d);
	await d.dockerOk(['build', '-q', '-t', BROKER_IMAGE, '-'], {
		input: `FROM ${BROKER_IMAGE}\nENV STANDIN_SHUTDOWN_SECONDS=${HOOK_SECONDS}\n`,
		env: {DOCKER_BUILDKIT: '0'},
		timeoutMs: 60_000,
	});
	const cfg = JSON.parse(await d.dockerOk(['image', 'inspect', '-f', '{{json .Config}}', BROKER_IMAGE])) as {
		Env: string[];
		User: string;
		Cmd: string[] | null;
		Entrypoint: string[] | null;
		WorkingDir: string;
	};
	assert.ok(cfg.Env.includes(`STANDIN_SHUTDOWN_SECONDS=${HOOK_SECONDS}`));
	// still the real image's shape: uid 3000, no ENTRYPOINT/CMD, WORKDIR $ROCKETMQ_HOME/bin
	assert.equal(cfg.User, '3000:3000');
	assert.equal(cfg.Cmd, null);
	assert.equal(cfg.Entrypoint, null);
	assert.equal(cfg.WorkingDir, '/home/rocketmq/rocketmq-4.7.1/bin');
}

test(`${HOST}'s RUNBOOK.md starts and stops the host as written, without editing a value (private dockerd, stand-in images)`, {timeout: 120_000}, async (t: TestContext) => {
	if (!needAll(t, ['root', 'dockerd', 'busybox', 'docker-compose'])) return;
	const timings: string[] = [];
	const t0 = performance.now();
	const lap = (what: string, since: number) => timings.push(`${what} ${Math.round(performance.now() - since)} ms`);

	const work = mkdtempSync(join(tmpdir(), 'rmq-tui-runbook-'));
	let d: Dockerd | undefined;
	let shell: HostShell | undefined;
	try {
		const exportDir = join(work, 'export');
		const baseDir = join(work, 'srv', 'rocketmq');
		const flags = ['--hosts', SEED_HOSTS, '--base-dir', baseDir, ...PORT_FLAGS];

		// ---- 1. export (the CLI, in-process), once every port of the host is free on this machine
		let ts = performance.now();
		const planned = await runCli([...flags, '--json']);
		assert.equal(planned.code, 0, planned.err);
		const hostPlan = (JSON.parse(planned.out) as {hosts: Array<{spec: {name: string}; ports: Array<{port: number}>}>}).hosts.find(h => h.spec.name === HOST);
		assert.ok(hostPlan, `${HOST} in the plan`);
		const ports = hostPlan.ports.map(p => p.port);
		await waitFor(`ports ${ports.join(', ')} to be free`, 60_000, async () => (await Promise.all(ports.map(portFree))).every(Boolean));
		const exported = await runCli(['--export', exportDir, ...flags]);
		assert.equal(exported.code, 0, exported.err);
		lap('export', ts);

		const runbook = readFileSync(join(exportDir, HOST, 'RUNBOOK.md'), 'utf8');
		const blocks = shBlocks(runbook);
		const copyIdx = blocks.findIndex(b => /^## 1\. Copy the files/.test(b.heading));
		const checkIdx = blocks.findIndex(b => /^## \d+\. Check/.test(b.heading));
		const stopIdx = blocks.findIndex(b => /^## Stop/.test(b.heading));
		assert.equal(copyIdx, 0, 'the first block copies the files');
		assert.ok(checkIdx > copyIdx && stopIdx === blocks.length - 1 && checkIdx === stopIdx - 1, `blocks: ${blocks.map(b => b.heading).join(' | ')}`);
		assert.ok(runbook.includes(`## 3. The Docker network \`${NETWORK}\``), 'the runbook creates the network the compose files use');

		// step 1 is what the operator runs on THEIR machine (ssh/scp to the host). Check its paths against the export
		// tree, then replace ONLY this block by the equivalent local copy: no SSH target here.
		const copy = blocks[copyIdx]!.lines;
		const parent = dirname(baseDir);
		assert.deepEqual(copy, [
			`ssh root@${HOST} ${shellQuote(`mkdir -p ${shellQuote(parent)}`)}`,
			`scp -r ${HOST}${baseDir} root@${HOST}:${parent}/`,
			`ssh root@${HOST}`,
		]);
		const scpSource = join(exportDir, `${HOST}${baseDir}`); // scp's source is relative to the export directory
		assert.ok(statSync(scpSource).isDirectory(), `scp's source ${HOST}${baseDir} exists in the export directory`);
		const localCopy = [`mkdir -p ${shellQuote(baseDir)}`, `cp -a ${shellQuote(`${scpSource}/.`)} ${shellQuote(`${baseDir}/`)}`];

		// the Check block's clusterList needs a real RocketMQ (mqadmin, a JVM): filter out exactly that line
		const brokers = brokersOf(exportDir, baseDir);
		assert.deepEqual(brokers.map(b => b.container).sort(), [...BROKER_CONTAINERS].sort());
		const namesrvAddr = ['192.168.1.71', '192.168.1.76', '192.168.1.77'].map(ip => `${ip}:19877`).join(';');
		const clusterList = `docker exec ${BROKER_CONTAINERS[0]} sh mqadmin clusterList -n '${namesrvAddr}'`;
		const check = blocks[checkIdx]!.lines;
		assert.equal(check.filter(l => l === clusterList).length, 1, `the Check block has: ${clusterList}\n${check.join('\n')}`);
		const checkRun = check.filter(l => l !== clusterList);
		assert.deepEqual(checkRun.filter(l => l.startsWith('tail ')), brokers.map(b => `tail -n 20 ${shellQuote(`${b.logsDir}/rocketmqlogs/broker.log`)} || echo 'no broker.log yet: ${b.container} is still starting'`), 'Check tails each broker\'s log');

		// ---- 2. the private daemon, the stand-in images, and bash with Debian's docker first in PATH
		ts = performance.now();
		d = await startDockerd();
		lap('dockerd start', ts);
		ts = performance.now();
		await standinImages(d);
		lap('stand-in images', ts);
		assert.notEqual((await d.docker(['network', 'inspect', NETWORK])).code, 0, 'no network before the runbook');
		assert.equal(existsSync(baseDir), false, 'nothing on the "host" before the runbook');

		const bin = join(work, 'bin');
		mkdirSync(bin);
		symlinkSync(dockerCli(), join(bin, 'docker'));
		const hostHome = join(work, 'host-home'); // an empty cwd: nothing may depend on where the operator stands
		mkdirSync(hostHome);
		const env: NodeJS.ProcessEnv = {...d.env, PATH: `${bin}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`};
		delete env.BASH_ENV;
		delete env.ENV;
		shell = new HostShell(join(work, 'runbook.fifo'), hostHome, env);

		// ---- 3. every block up to Check, as written (step 1: the local copy)
		ts = performance.now();
		await shell.run(`step 1 (local copy instead of ssh/scp)`, localCopy);
		for (let i = copyIdx + 1; i < checkIdx; i++) {
			const b = blocks[i]!;
			const r = await shell.run(`block ${i + 1} under "${b.heading}"`, b.lines);
			timings.push(`  ${b.lines[0]!.slice(0, 70)} ${r.ms} ms`);
			if (r.stderr.trim() !== '') t.diagnostic(`stderr of "${b.lines[0]}":\n${r.stderr.trimEnd()}`);
			if (b.lines[0]!.startsWith('if docker compose version')) {
				// which Compose the runbook picked (Debian's docker 20.10 client has no compose plugin here: v1)
				const which = await shell.run('echo $COMPOSE', ['echo "$COMPOSE"']);
				t.diagnostic(`runbook picked COMPOSE=${which.stdout.trim()}`);
			}
		}
		lap('runbook up to Check', ts);

		// an operator reads step 7's output before typing step 8; a JVM writes broker.log only once it has started:
		// wait (deadline) until every container has booted, failing at once on one that exited
		ts = performance.now();
		for (const b of brokers) {
			await waitFor(`${b.container} to boot`, 20_000, async () => {
				if (readIf(join(b.logsDir, 'rocketmqlogs', 'broker.log')).includes('BOOT_OK')) return true;
				const state = await containerState(d!, b.container);
				if (state !== '' && !state.startsWith('running') && !state.startsWith('created')) {
					throw new Error(`${b.container} is ${state}:\n${(await d!.docker(['logs', b.container])).stderr}\n${readIf(join(b.logsDir, 'rocketmqlogs', 'broker.log'))}`);
				}
				return false;
			});
		}
		const namesrvLogs = join(baseDir, 'namesrv', 'logs');
		await waitFor('the name server to boot', 20_000, () => readIf(join(namesrvLogs, 'rocketmqlogs', 'namesrv.log')).includes('BOOT_OK'));
		await waitFor('the console to boot', 20_000, async () => (await d!.docker(['exec', 'rocketmq-console', 'cat', '/tmp/rocketmq-console.log'])).stdout.includes('BOOT_OK'));
		lap('boot wait', ts);

		const checked = await shell.run(`the Check block (without clusterList)`, checkRun);
		t.diagnostic(`Check output:\n${checked.stdout}`);

		await t.test('the runbook created the network, and the four containers run', async () => {
			assert.equal(await d!.dockerOk(['network', 'inspect', '-f', '{{.Name}}', NETWORK]), NETWORK);
			for (const c of CONTAINERS) {
				assert.equal((await containerState(d!, c)).split(' ')[0], 'running', `${c} runs`);
				assert.equal(await d!.dockerOk(['inspect', '-f', `{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}`, c]), NETWORK, `${c} is on ${NETWORK}`);
			}
		});

		await t.test('the Check block lists every container (docker ps) and shows the brokers booted (tail)', () => {
			const psLines = checked.stdout.split('\n');
			assert.match(psLines[0] ?? '', /^NAMES\s+STATUS\s+PORTS/, 'docker ps table header first');
			for (const c of CONTAINERS) assert.ok(psLines.some(l => l.startsWith(`${c} `) && /\bUp\b/.test(l)), `docker ps lists ${c} as Up:\n${checked.stdout}`);
			assert.equal(checked.stdout.split('\n').filter(l => l === 'BOOT_OK').length, brokers.length, 'each tail shows its broker\'s boot');
		});

		await t.test('each broker ran the conf at its -c path, byte for byte the exported one, as uid 3000', () => {
			for (const b of brokers) {
				const log = readFileSync(join(b.logsDir, 'rocketmqlogs', 'broker.log'), 'utf8');
				const exported = readFileSync(b.exportedConf);
				assert.equal(logField(log, 'CONF_FILE'), b.confPath, `${b.container}: the conf read is the -c one`);
				assert.equal(logField(log, 'CONF_SHA256'), sha256(exported), `${b.container}: the conf read is the exported one`);
				assert.equal(readFileSync(b.hostConf, 'utf8'), exported.toString('utf8'), `${b.container}: ${b.hostConf} unchanged on the host`);
				assert.match(log, /^STANDIN START role=broker pid=\d+ uid=3000 gid=3000 /m, `${b.container} runs as uid/gid 3000`);
				assert.ok(statSync(join(b.storeDir, `dledger-${b.selfId}`)).isDirectory(), `${b.container}: its DLedger store was created`);
				assert.equal(statSync(join(b.storeDir, 'abort')).uid, 3000, `${b.container}: the store is written by uid 3000`);
			}
			assert.match(readFileSync(join(namesrvLogs, 'rocketmqlogs', 'namesrv.log'), 'utf8'), /^STANDIN START role=namesrv pid=\d+ uid=3000 gid=3000 /m);
		});

		await t.test('the name server answers on its published port; the console is published on 127.0.0.1 only', async () => {
			const nsPorts = JSON.parse(await d!.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'rocketmq-namesrv'])) as Record<string, Array<{HostIp: string; HostPort: string}> | null>;
			// on every interface (other hosts dial it): 0.0.0.0, and [::] when the daemon has IPv6
			assert.deepEqual([...new Set(nsPorts['9876/tcp']?.map(p => `${p.HostIp}:${p.HostPort}`))].filter(a => !a.startsWith('::')), ['0.0.0.0:19877'], 'the name server (9876 inside) is published on 19877 on all interfaces');
			assert.ok(await connects(19877), 'TCP connect to the name server\'s published port');

			const cPorts = JSON.parse(await d!.dockerOk(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'rocketmq-console'])) as Record<string, Array<{HostIp: string; HostPort: string}> | null>;
			assert.deepEqual(cPorts['8080/tcp'], [{HostIp: '127.0.0.1', HostPort: '29876'}], 'the console: loopback only');
			assert.ok(await connects(29876, '127.0.0.1'), 'the console answers on 127.0.0.1:29876');
			const other = Object.values(networkInterfaces()).flat().find(a => a && a.family === 'IPv4' && !a.internal);
			if (other) assert.equal(await connects(29876, other.address), false, `the console does not answer on ${other.address}:29876`);
		});

		// ---- 4. the Stop block, as written
		ts = performance.now();
		const stopped = await shell.run('the Stop block', blocks[stopIdx]!.lines);
		lap('Stop block', ts);
		if (stopped.stderr.trim() !== '') t.diagnostic(`stderr of the Stop block:\n${stopped.stderr.trimEnd()}`);
		t.diagnostic(`Stop block took ${stopped.ms} ms (stand-in shutdown hook ${HOOK_SECONDS} s)`);

		await t.test('Stop: every JVM finished its shutdown hook, the containers are gone, the data stays', async () => {
			const problems: string[] = [];
			const shutdownLog = (logsDir: string) => readIf(join(logsDir, 'rocketmqlogs', 'shutdown.log')).split('\n').filter(Boolean);
			for (const [name, logsDir] of [...brokers.map(b => [b.container, b.logsDir] as const), ['rocketmq-namesrv', namesrvLogs] as const]) {
				const lines = shutdownLog(logsDir);
				t.diagnostic(`${name}: shutdown.log ${JSON.stringify(lines)}`);
				if (!lines.some(l => /^TERM \d+$/.test(l))) problems.push(`${name}: the JVM never got SIGTERM`);
				else if (!lines.some(l => /^DONE \d+$/.test(l))) problems.push(`${name}: the JVM was killed before its ${HOOK_SECONDS} s shutdown hook finished`);
			}
			for (const b of brokers) if (existsSync(join(b.storeDir, 'abort'))) problems.push(`${b.container}: unclean shutdown (the store's abort file remains)`);
			assert.deepEqual(problems, []);

			const left = (await d!.dockerOk(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter(Boolean);
			assert.deepEqual(left.filter(n => CONTAINERS.includes(n)), [], 'no container left');

			for (const b of brokers) {
				assert.ok(statSync(join(b.storeDir, `dledger-${b.selfId}`)).isDirectory(), `${b.container}: the store stays`);
				assert.ok(readFileSync(join(b.logsDir, 'rocketmqlogs', 'broker.log'), 'utf8').includes('BOOT_OK'), `${b.container}: the logs stay`);
				assert.equal(readFileSync(b.hostConf, 'utf8'), readFileSync(b.exportedConf, 'utf8'), `${b.container}: the conf stays`);
			}
			assert.ok(existsSync(join(namesrvLogs, 'rocketmqlogs', 'namesrv.log')), 'the name server\'s logs stay');
		});
		await shell.close();
	} finally {
		shell?.kill();
		if (d) await d.stop();
		rmSync(work, {recursive: true, force: true});
		lap('total', t0);
		t.diagnostic(`timings: ${timings.join('; ')}`);
	}
});
