/**
 * End to end with the REAL renderer: the seed cluster's files for its first host, written under a temp base dir,
 * brought up with Debian's docker-compose (v1) on a private dockerd, the RocketMQ image replaced by a stand-in of the
 * same process shape (test/support/standin-image.ts). Checks that every broker runs the conf it was rendered with,
 * as uid 3000, with writable logs/store, the conf digest label, and that `docker-compose stop` shuts every broker
 * down CLEANLY (SIGTERM reached the JVM and its shutdown hook finished) and quickly.
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, chownSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {parse} from 'yaml';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';
import {compose, composeConfig, composeOk} from '../support/compose.ts';
import {startDockerd} from '../support/dockerd.ts';
import {loadWithJava} from '../support/java-properties.ts';
import {needAll} from '../support/need.ts';
import {ensureStandinImage} from '../support/standin-image.ts';
import {waitFor, portFree, connects} from '../support/wait.ts';

const SEED_IPS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
/** How long the stand-in JVM's shutdown hook takes (a real broker's takes seconds: it flushes and unregisters). */
const HOOK_SECONDS = 1;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Render the seed for baseDir with its ports shifted (the first set free on this machine): the simulated clusters of
 * other tests (monitor --sim, --demo) hold the seed's own ports on 127.0.0.x, which Docker's 0.0.0.0 binding needs.
 */
async function renderSeed(baseDir: string): Promise<{plan: Plan; files: RenderedFile[]; host: string}> {
	for (let shift = 3_000; shift <= 20_000; shift += 1_000) {
		const options = {
			baseDir,
			ports: {namesrv: 9876 + shift, listen: 10911 + shift, dledger: 20911 + shift},
			console: {port: 19876 + shift},
		};
		const planned = buildPlan(clusterFromHosts(SEED_IPS, options));
		if (!planned.ok) throw new Error(`seed plan failed: ${JSON.stringify(planned.errors)}`);
		const host = planned.plan.hosts[0]!;
		const free = await Promise.all(host.ports.map(p => portFree(p.port)));
		if (free.every(Boolean)) return {plan: planned.plan, files: renderCluster(planned.plan), host: host.spec.name};
	}
	throw new Error('no free port set for the seed host');
}

interface BrokerService {
	service: string;
	container: string;
	command: string[];
	environment: Record<string, string>;
	ports: string[];
	volumes: string[];
	labels: Record<string, string>;
	init?: boolean;
}

/** Fields of a "KEY value" line of the stand-in's broker.log. */
function logField(log: string, key: string): string | undefined {
	const line = log.split('\n').find(l => l.startsWith(`${key} `) || l.startsWith(`${key}=`));
	return line?.slice(key.length + 1);
}

test('the seed host\'s rendered compose files come up and stop cleanly (docker-compose v1, stand-in image)', {timeout: 120_000}, async (t: TestContext) => {
	if (!needAll(t, ['root', 'dockerd', 'busybox', 'docker-compose', 'java'])) return;
	const d = await startDockerd();
	t.after(() => d.stop());
	await ensureStandinImage(d);

	const baseDir = join(d.dir, 'deploy', 'rocketmq');
	const {plan, files, host} = await renderSeed(baseDir);
	const hostPlan = plan.hosts.find(h => h.spec.name === host)!;
	const mine = files.filter(f => f.host === host);
	const byKind = (k: RenderedFile['kind']) => mine.filter(f => f.kind === k);
	assert.equal(byKind('broker-compose').length, 1);
	assert.equal(byKind('namesrv-compose').length, 1);
	assert.equal(byKind('broker-conf').length, hostPlan.brokers.length);

	// write the files as the deployer would: only under baseDir; then the writable dirs, owned by uid/gid 3000
	for (const f of mine) {
		assert.ok(f.path.startsWith(`${baseDir}/`), `${f.path} is under the base dir`);
		mkdirSync(dirname(f.path), {recursive: true});
		writeFileSync(f.path, f.content, {mode: 0o644});
	}
	for (const dir of hostPlan.writableDirs) {
		mkdirSync(dir, {recursive: true});
		chownSync(dir, 3000, 3000);
	}
	const brokerCompose = byKind('broker-compose')[0]!;
	const composeFiles = [byKind('namesrv-compose')[0]!, brokerCompose, ...byKind('console-compose')];

	await t.test('docker-compose (v1) accepts every rendered compose file', async () => {
		for (const f of composeFiles) {
			const r = await composeConfig(f.path);
			assert.ok(r.ok, `docker-compose config ${f.path}:\n${r.stderr}`);
		}
	});

	await t.test('java.util.Properties reads each conf as planned', async () => {
		const confs = byKind('broker-conf');
		const props = await loadWithJava(confs.map(f => f.path));
		for (const b of hostPlan.brokers) {
			const p = props[b.confHostPath];
			assert.ok(p, `conf of ${b.group}/${b.selfId} at ${b.confHostPath}`);
			assert.equal(p.brokerName, b.group);
			assert.equal(p.dLegerGroup, b.group);
			assert.equal(p.dLegerSelfId, b.selfId);
			assert.equal(p.dLegerPeers, b.peers);
			assert.equal(p.listenPort, String(b.listenPort));
			assert.equal(p.enableDLegerCommitLog, 'true');
			assert.equal(p.brokerIP1, b.ip);
			for (const [k, v] of Object.entries(p)) assert.equal(v, v.trim(), `${k} has no surrounding white space`);
		}
	});

	// a test-only override: the stand-in JVM's shutdown hook takes HOOK_SECONDS, like a real broker's
	const parsed = parse(brokerCompose.content) as {services: Record<string, Record<string, unknown>>};
	const services: BrokerService[] = Object.entries(parsed.services).map(([service, s]) => ({
		service,
		container: String(s.container_name ?? service),
		command: s.command as string[],
		environment: Object.fromEntries(Object.entries((s.environment ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
		ports: (s.ports ?? []) as string[],
		volumes: (s.volumes ?? []) as string[],
		labels: (s.labels ?? {}) as Record<string, string>,
		...(typeof s.init === 'boolean' ? {init: s.init} : {}),
	}));
	assert.equal(services.length, hostPlan.brokers.length);
	const overrideDir = join(d.dir, 'override');
	mkdirSync(overrideDir);
	const override = join(overrideDir, 'broker-test-override.yml');
	writeFileSync(override, `services:\n${services.map(s => `  ${s.service}:\n    environment:\n      STANDIN_SHUTDOWN_SECONDS: "${HOOK_SECONDS}"\n`).join('')}`);
	const brokerOpts = {overrides: [override]};

	await d.dockerOk(['network', 'create', 'bridge_network']);
	for (const f of composeFiles) {
		await composeOk(d, f.path, ['up', '-d'], f === brokerCompose ? brokerOpts : {});
	}

	await t.test('every broker runs the conf it was given, as uid 3000, with writable logs and store', async () => {
		for (const s of services) {
			const conf = s.command[s.command.lastIndexOf('-c') + 1];
			assert.ok(conf?.startsWith('/'), `${s.service}: absolute -c (${conf})`);
			const rendered = mine.find(f => f.kind === 'broker-conf' && basename(f.path) === basename(conf!));
			assert.ok(rendered, `${s.service}: a rendered conf named ${basename(conf!)}`);
			const broker = hostPlan.brokers.find(b => b.containerName === s.container);
			assert.ok(broker, `${s.service}: a planned broker`);

			const brokerLog = join(broker.logsDir, 'rocketmqlogs', 'broker.log');
			const log = await waitFor(`${s.container} to boot`, 20_000, async () => {
				if (existsSync(brokerLog)) {
					const text = readFileSync(brokerLog, 'utf8');
					if (text.includes('BOOT_OK')) return text;
				}
				const state = (await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', s.container])).stdout.trim();
				if (state !== '' && !state.startsWith('running')) {
					throw new Error(`${s.container} is ${state}:\n${(await d.docker(['logs', s.container])).stderr}\n${existsSync(brokerLog) ? readFileSync(brokerLog, 'utf8') : ''}`);
				}
				return false;
			});

			// the conf the broker read is byte for byte the rendered one, at the path -c named
			assert.equal(logField(log, 'CONF_FILE'), conf);
			assert.equal(Buffer.from(logField(log, 'CONF_BASE64') ?? '', 'base64').toString('utf8'), rendered.content);
			assert.equal(logField(log, 'CONF_SHA256'), sha256(rendered.content));
			assert.equal(readFileSync(broker.confHostPath, 'utf8'), rendered.content);
			assert.match(log, /^STANDIN START role=broker pid=\d+ uid=3000 gid=3000 /m);
			assert.equal(logField(log, 'JAVA_OPT_EXT'), s.environment.JAVA_OPT_EXT);

			const info = JSON.parse(await d.dockerOk(['inspect', s.container]))[0];
			assert.equal(info.State.Running, true);
			assert.equal(info.Config.Labels['io.rmq-tui.conf-sha256'], sha256(rendered.content), 'conf digest label');
			for (const [k, v] of Object.entries(s.labels)) assert.equal(info.Config.Labels[k], String(v), `label ${k}`);
			for (const [k, v] of Object.entries(s.environment)) assert.ok(info.Config.Env.includes(`${k}=${v}`), `env ${k}=${v}`);
			if (s.init !== undefined) assert.equal(info.HostConfig.Init, s.init, 'init as the compose file says');
			const confMount = info.Mounts.find((m: {Destination: string}) => m.Destination === dirname(conf!));
			assert.ok(confMount, `the conf directory is mounted at ${dirname(conf!)}`);
			assert.equal(confMount.RW, false, 'conf mounted read-only');
			assert.equal(confMount.Source, dirname(broker.confHostPath));

			// hostPort == containerPort, published on the machine (docker-proxy accepts)
			for (const p of s.ports) {
				const [hostPort, containerPort] = p.split(':').slice(-2);
				assert.equal(hostPort, containerPort, `published ${p} keeps the port number`);
				const bound = info.NetworkSettings.Ports[`${containerPort}/tcp`] as Array<{HostPort: string}> | null;
				assert.equal(bound?.[0]?.HostPort, hostPort);
				assert.ok(await connects(Number(hostPort)), `port ${hostPort} is published`);
			}

			// the store the broker created as uid 3000 in the host dir (DLedger's dledger-<selfId>/ and the abort file)
			assert.ok(statSync(join(broker.storeDir, `dledger-${broker.selfId}`)).isDirectory(), 'dledger dir created in the store');
			assert.equal(statSync(join(broker.storeDir, 'abort')).uid, 3000, 'the store is written by uid 3000');
			assert.equal(statSync(brokerLog).uid, 3000, 'the logs are written by uid 3000');
		}
	});

	await t.test('the name server and the console run', async () => {
		const ns = hostPlan.namesrv!;
		const log = await waitFor('the name server to boot', 20_000, () => {
			const f = join(ns.logsDir, 'rocketmqlogs', 'namesrv.log');
			return existsSync(f) && readFileSync(f, 'utf8').includes('BOOT_OK') && readFileSync(f, 'utf8');
		});
		assert.match(log, /^STANDIN START role=namesrv pid=\d+ uid=3000 gid=3000 /m);
		if (hostPlan.console) {
			const c = hostPlan.console;
			const out = await waitFor('the console to start', 20_000, async () => {
				const r = await d.docker(['exec', c.containerName, 'cat', '/tmp/rocketmq-console.log']);
				return r.code === 0 && r.stdout.includes('BOOT_OK') && r.stdout;
			});
			assert.ok(out.includes(`-Drocketmq.namesrv.addr=${plan.namesrvAddr}`), 'the console is given every name server');
		}
	});

	await t.test('docker-compose stop: every broker gets SIGTERM in its JVM, finishes its shutdown hook, quickly', async (st) => {
		const t0 = performance.now();
		const r = await compose(d, brokerCompose.path, ['stop', '-t', '20'], brokerOpts);
		const ms = Math.round(performance.now() - t0);
		assert.ok(r.ok, r.stderr);
		st.diagnostic(`docker-compose stop of ${services.length} brokers took ${ms} ms (shutdown hook ${HOOK_SECONDS} s)`);
		const problems: string[] = [];
		for (const s of services) {
			const broker = hostPlan.brokers.find(b => b.containerName === s.container)!;
			const file = join(broker.logsDir, 'rocketmqlogs', 'shutdown.log');
			const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(l => l !== '') : [];
			const exitCode = Number(await d.dockerOk(['inspect', '-f', '{{.State.ExitCode}}', s.container]));
			st.diagnostic(`${s.container}: exit ${exitCode}, shutdown.log ${JSON.stringify(lines)}`);
			if (!lines.some(l => /^TERM \d+$/.test(l))) problems.push(`${s.container}: the JVM never got SIGTERM`);
			else if (!lines.some(l => /^DONE \d+$/.test(l))) {
				problems.push(`${s.container}: the JVM got SIGTERM but was killed before its ${HOOK_SECONDS} s shutdown hook finished`);
			}
			if (existsSync(join(broker.storeDir, 'abort'))) problems.push(`${s.container}: unclean shutdown (the store's abort file remains)`);
			if (exitCode !== 143) problems.push(`${s.container}: exit code ${exitCode}, expected 143 (JVM ended by SIGTERM)`);
		}
		assert.deepEqual(problems, [], `unclean broker shutdown (see test/render/process-shape.test.ts (b) and (d)):\n${problems.join('\n')}`);
		assert.ok(ms < 10_000, `stop took ${ms} ms: the brokers did not exit on SIGTERM`);
	});

	for (const f of composeFiles) await compose(d, f.path, ['down'], f === brokerCompose ? brokerOpts : {});
});
