/**
 * What `docker stop` does to a RocketMQ 4.7.1 broker container, proved with real containers on a private dockerd and
 * a stand-in image of the same process shape as apacherocketmq/rocketmq:4.7.1-alpine:
 *
 *   PID 1 `sh mqbroker -c F` → `sh runbroker.sh …` (no exec) → "java" (no exec), java's TERM trap = the JVM's
 *   shutdown hook: writes `TERM <pid>` to rocketmqlogs/shutdown.log at once, `DONE <pid>` when the hook finished
 *   (after STANDIN_SHUTDOWN_SECONDS), then exits 143.
 *
 * (a) no init (the seed):                      sh is PID 1 and ignores SIGTERM → SIGKILL after -t; java never hears TERM.
 * (b) --init + TINI_KILL_PROCESS_GROUP=1:      the whole group gets TERM, but the two sh wrappers die AT ONCE, tini then
 *                                              exits and the kernel SIGKILLs the rest of the container: java's hook
 *                                              is cut short (its first line is written only sometimes; a hook that
 *                                              needs 1 s never completes).
 * (c) --init alone:                            tini signals only `sh mqbroker`; it dies, tini exits, java is SIGKILLed
 *                                              without ever getting TERM.
 * (d) --init + a wrapper that sends TERM only to the java process and waits for it: the hook runs to completion.
 */
import assert from 'node:assert/strict';
import {chownSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {startDockerd, type Dockerd} from '../support/dockerd.ts';
import {needDocker} from '../support/need.ts';
import {BROKER_IMAGE, ensureStandinImage} from '../support/standin-image.ts';
import {waitFor} from '../support/wait.ts';

const CONF = '/home/rocketmq/conf/RaftNode00-n0.conf';

/** Poll fn until it returns a value other than undefined/false, or fail after ms. */

interface Started {
	name: string;
	logs: string;
}

interface Stopped {
	ms: number;
	exitCode: number;
	/** Lines of rocketmqlogs/shutdown.log ([] when absent or empty). */
	shutdownLog: string[];
}

let seq = 0;

/** docker run -d the stand-in broker as the seed does (sh mqbroker -c CONF) plus extra docker-run args. */
async function runBroker(d: Dockerd, work: string, extra: string[], cmd: string[] = ['sh', 'mqbroker', '-c', CONF]): Promise<Started> {
	const name = `shape-${++seq}`;
	const dir = join(work, name);
	const logs = join(dir, 'logs');
	mkdirSync(logs, {recursive: true});
	mkdirSync(join(dir, 'conf'));
	mkdirSync(join(dir, 'store'));
	chownSync(logs, 3000, 3000);
	chownSync(join(dir, 'store'), 3000, 3000);
	writeFileSync(join(dir, 'conf', 'RaftNode00-n0.conf'), 'brokerName=RaftNode00\nenableDLegerCommitLog=true\ndLegerSelfId=n0\n');
	await d.dockerOk([
		'run', '-d', '--name', name, '--network', 'none', ...extra,
		'-v', `${join(dir, 'conf')}:/home/rocketmq/conf:ro`,
		'-v', `${logs}:/home/rocketmq/logs`,
		'-v', `${join(dir, 'store')}:/home/rocketmq/store`,
		BROKER_IMAGE, ...cmd,
	]);
	const brokerLog = join(logs, 'rocketmqlogs', 'broker.log');
	await waitFor(`${name} to boot`, 15_000, async () => {
		if (existsSync(brokerLog) && readFileSync(brokerLog, 'utf8').includes('BOOT_OK')) return true;
		const state = await d.dockerOk(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', name]);
		if (!state.startsWith('running')) throw new Error(`${name} is ${state}: ${(await d.docker(['logs', name])).stderr}`);
		return false;
	});
	return {name, logs};
}

async function stopBroker(d: Dockerd, b: Started, timeoutSeconds: number): Promise<Stopped> {
	const t0 = performance.now();
	await d.dockerOk(['stop', '-t', String(timeoutSeconds), b.name]);
	const ms = Math.round(performance.now() - t0);
	const exitCode = Number(await d.dockerOk(['inspect', '-f', '{{.State.ExitCode}}', b.name]));
	const file = join(b.logs, 'rocketmqlogs', 'shutdown.log');
	const shutdownLog = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(l => l !== '') : [];
	return {ms, exitCode, shutdownLog};
}

/** `ps` inside the container: pid, ppid, comm, args. */
async function processes(d: Dockerd, name: string): Promise<Array<{pid: number; ppid: number; comm: string; args: string}>> {
	const out = await d.dockerOk(['exec', name, 'ps', '-o', 'pid,ppid,comm,args']);
	return out.split('\n').slice(1).map(l => {
		const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l);
		assert.ok(m, `unparsable ps line: ${l}`);
		return {pid: Number(m[1]), ppid: Number(m[2]), comm: m[3]!, args: m[4]!};
	});
}

const marker = (s: Stopped) => s.shutdownLog.find(l => /^TERM \d+$/.test(l));
const done = (s: Stopped) => s.shutdownLog.find(l => /^DONE \d+$/.test(l));

test('docker stop vs the RocketMQ image process shape (SIGTERM facts)', {timeout: 120_000}, async (t: TestContext) => {
	if (!needDocker(t)) return;
	const d = await startDockerd();
	t.after(() => d.stop());
	await ensureStandinImage(d, BROKER_IMAGE, {consoleTag: false});
	const work = join(d.dir, 'shape');

	await t.test('the stand-in has the image\'s process shape: java is a grandchild of PID 1, nobody execs', async st => {
		const b = await runBroker(d, work, []);
		const ps = await processes(d, b.name);
		const pid1 = ps.find(p => p.pid === 1);
		assert.equal(pid1?.args, `sh mqbroker -c ${CONF}`);
		const runbroker = ps.find(p => p.args.includes('runbroker.sh'));
		assert.equal(runbroker?.ppid, 1, 'runbroker.sh runs under sh mqbroker');
		const java = ps.find(p => p.comm === 'java');
		assert.equal(java?.ppid, runbroker?.pid, 'java runs under runbroker.sh');
		assert.match(java!.args, /org\.apache\.rocketmq\.broker\.BrokerStartup -c \/home\/rocketmq\/conf\/RaftNode00-n0\.conf$/);
		await d.dockerOk(['rm', '-f', b.name]);
	});

	await t.test('(a) no init (the seed): SIGTERM is lost on sh as PID 1, SIGKILL after the timeout', async st => {
		const b = await runBroker(d, work, []);
		const s = await stopBroker(d, b, 3);
		st.diagnostic(`(a) no init: stop took ${s.ms} ms, exit ${s.exitCode}, shutdown.log ${JSON.stringify(s.shutdownLog)}`);
		assert.equal(marker(s), undefined, 'java never got SIGTERM');
		assert.equal(s.exitCode, 137, 'killed by SIGKILL');
		assert.ok(s.ms >= 2_900, `docker stop waited the full 3 s timeout (took ${s.ms} ms)`);
	});

	await t.test('(b) --init + TINI_KILL_PROCESS_GROUP=1: fast stop, but the JVM shutdown hook is cut short', async st => {
		// instant hook: the group gets TERM; whether java writes even its first line is a race against tini's exit
		const trials: Stopped[] = [];
		for (let i = 0; i < 3; i++) {
			trials.push(await stopBroker(d, await runBroker(d, work, ['--init', '-e', 'TINI_KILL_PROCESS_GROUP=1']), 3));
		}
		for (const s of trials) {
			st.diagnostic(`(b) init+group, instant hook: stop ${s.ms} ms, exit ${s.exitCode}, shutdown.log ${JSON.stringify(s.shutdownLog)}`);
			assert.equal(s.exitCode, 143, 'tini exits with sh mqbroker\'s status: killed by SIGTERM');
			assert.ok(s.ms < 1_500, `stop returned well before the 3 s timeout (took ${s.ms} ms)`);
		}
		st.diagnostic(`(b) TERM marker written in ${trials.filter(s => marker(s) !== undefined).length}/${trials.length} trials (a race)`);
		// a hook that needs 1 s (a JVM's does: broker shutdown, unregistering, flushing) never completes
		const s = await stopBroker(d, await runBroker(d, work, ['--init', '-e', 'TINI_KILL_PROCESS_GROUP=1', '-e', 'STANDIN_SHUTDOWN_SECONDS=1']), 3);
		st.diagnostic(`(b) init+group, 1 s hook: stop ${s.ms} ms, exit ${s.exitCode}, shutdown.log ${JSON.stringify(s.shutdownLog)}`);
		assert.equal(done(s), undefined, 'the 1 s shutdown hook was killed before it finished');
		assert.ok(s.ms < 1_000, `the container was gone before the hook could finish (took ${s.ms} ms)`);
		assert.equal(s.exitCode, 143);
	});

	await t.test('(c) --init without TINI_KILL_PROCESS_GROUP: only sh mqbroker gets TERM; java is SIGKILLed unaware', async st => {
		for (let i = 0; i < 2; i++) {
			const s = await stopBroker(d, await runBroker(d, work, ['--init']), 3);
			st.diagnostic(`(c) init only: stop ${s.ms} ms, exit ${s.exitCode}, shutdown.log ${JSON.stringify(s.shutdownLog)}`);
			assert.equal(marker(s), undefined, 'java never got SIGTERM');
			assert.equal(s.exitCode, 143, 'tini exits with sh mqbroker\'s status: killed by SIGTERM');
			assert.ok(s.ms < 1_500, `stop returned well before the timeout (took ${s.ms} ms)`);
		}
	});

	await t.test('(d) --init + a wrapper that TERMs only java and waits: the shutdown hook completes', async st => {
		// Busybox pkill/pgrep match argv0 (for the stand-in: /bin/sh), so find java by /proc/PID/comm, which is
		// "java" for the real JVM and for the stand-in script alike. In a compose file every $ must be written $$.
		const wrapper = [
			'term() { stopping=1; for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = java ] && kill -TERM ${p#/proc/}; done; }',
			'trap term TERM INT',
			`sh mqbroker -c ${CONF} &`,
			'pid=$!',
			'wait $pid; rc=$?',
			'while [ -n "$stopping" ] && kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done',
			'exit $rc',
		].join('\n');
		const b = await runBroker(d, work, ['--init', '-e', 'STANDIN_SHUTDOWN_SECONDS=1'], ['sh', '-c', wrapper]);
		const s = await stopBroker(d, b, 10);
		st.diagnostic(`(d) init + java-only TERM wrapper, 1 s hook: stop ${s.ms} ms, exit ${s.exitCode}, shutdown.log ${JSON.stringify(s.shutdownLog)}`);
		assert.ok(marker(s), 'java got SIGTERM');
		assert.ok(done(s), 'the shutdown hook ran to completion');
		assert.equal(s.exitCode, 143, 'the JVM\'s exit status (143) propagates through both sh wrappers');
		assert.ok(s.ms >= 1_000 && s.ms < 5_000, `stop waited for the 1 s hook, not for the timeout (took ${s.ms} ms)`);
		assert.ok(!existsSync(join(work, b.name, 'store', 'abort')), 'clean shutdown removed the store\'s abort file');
	});
});
