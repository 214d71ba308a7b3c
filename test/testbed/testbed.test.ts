// The real-host test harness itself: three hosts with their own IP, OpenSSH and Docker; the RocketMQ test image
// (the simulator at the image's real paths, uid 3000); host-to-host traffic; DLedger election inside containers;
// faults; and that nothing is left behind — after stop(), after an exit without stop(), and after a SIGKILL.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {Client} from 'ssh2';
import {startCommand} from '../../source/render/render.ts';
import {loadTemplates} from '../../source/render/templates.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';
import {need} from '../support/need.ts';
import {waitFor} from '../support/wait.ts';
import {BROKER_IMAGE, CONSOLE_IMAGE, testImages} from './images.ts';
import {acquireTestbedLock, leftovers, sshBanner, startTestbed, tcpConnects, testbedMissing, type Testbed, type TestbedHost} from './testbed.ts';

const here = dirname(fileURLToPath(import.meta.url));

function needTestbed(t: TestContext): boolean {
	const missing = testbedMissing();
	return need(t, missing.join('; '), missing.length === 0);
}

/** ssh2 from node_modules: one connection, strict host key check against the testbed's line for that host. */
function ssh2Connect(bed: Testbed, h: TestbedHost, username: string): Promise<Client> {
	const expected = bed.knownHostsLine(h).split(' ')[2];
	return new Promise((resolve, reject) => {
		const c = new Client();
		c.on('ready', () => resolve(c))
			.on('error', reject)
			.connect({
				host: h.ip,
				port: h.sshPort,
				username,
				privateKey: readFileSync(bed.clientKey),
				hostVerifier: (key: Buffer) => key.toString('base64') === expected,
				readyTimeout: 10_000,
			});
	});
}

function ssh2Exec(c: Client, command: string): Promise<{code: number; out: string}> {
	return new Promise((resolve, reject) => {
		c.exec(command, (err, stream) => {
			if (err) return reject(err);
			let out = '';
			stream.on('data', (d: Buffer) => (out += d.toString()));
			stream.stderr.on('data', (d: Buffer) => (out += d.toString()));
			stream.on('close', (code: number) => resolve({code, out}));
		});
	});
}

/** GET /_ping on the host's Docker socket through the SSH connection (the deploy's path to Docker). */
function pingThroughSsh(c: Client): Promise<string> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				path: '/_ping',
				createConnection: (_opts, cb) => {
					c.openssh_forwardOutStreamLocal('/var/run/docker.sock', (err, stream) => {
						if (err) return cb(err, undefined as never);
						cb(null, stream as never);
					});
					return undefined;
				},
			},
			res => {
				let body = '';
				res.on('data', d => (body += d));
				res.on('end', () => resolve(`${res.statusCode} ${body}`));
			},
		);
		req.on('error', reject);
		req.end();
	});
}

function httpGet(url: string): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		const req = request(url, {timeout: 3_000}, res => {
			let body = '';
			res.on('data', d => (body += d));
			res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
		});
		req.on('error', reject);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.end();
	});
}

test('three real hosts: OpenSSH + Docker each, the RocketMQ test image elects over the wire, faults, nothing left behind', async t => {
	if (!needTestbed(t)) return;
	// the machine's testbed lock for the whole test: no other test's testbed can appear while we check for leftovers
	const lock = await acquireTestbedLock();
	t.after(() => lock.release());
	const tUp = Date.now();
	const imagesBuilt = testImages(); // in parallel with the hosts
	imagesBuilt.catch(() => {}); // awaited below (a failure is reported there, not as an unhandled rejection)
	const bed = await startTestbed({hosts: 3});
	t.after(() => bed.stop());
	const upMs = Date.now() - tUp;
	const [h1, h2, h3] = bed.hosts as [TestbedHost, TestbedHost, TestbedHost];
	assert.deepEqual(bed.hosts.map(h => [h.name, h.ip, h.sshPort]), [['h1', '10.99.0.11', 22], ['h2', '10.99.0.12', 22], ['h3', '10.99.0.13', 22]]);
	const remoting = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 2_000}), timeoutMs: 2_000});
	t.after(() => remoting.close());

	await t.test('the system ssh client logs in to each host with the client key and a strict known_hosts', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-testbed-kh-'));
		try {
			await Promise.all(
				bed.hosts.map(async (h, i) => {
					const kh = join(dir, `kh-${h.name}`);
					writeFileSync(kh, `${bed.knownHostsLine(h)}\n`);
					const ssh = (knownHosts: string, user = 'root') =>
						new Promise<{code: number; out: string}>(resolve => {
							const c = spawn('ssh', ['-F', '/dev/null', '-i', bed.clientKey, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `${user}@${h.ip}`, 'hostname; id -un; cat /etc/hostname'], {stdio: ['ignore', 'pipe', 'pipe']});
							let out = '';
							c.stdout.on('data', d => (out += d));
							c.stderr.on('data', d => (out += d));
							c.on('close', code => resolve({code: code ?? -1, out}));
						});
					const ok = await ssh(kh);
					assert.equal(ok.code, 0, ok.out);
					assert.equal(ok.out, `${h.name}\nroot\n${h.name}\n`);
					const asDeployer = await ssh(kh, 'deployer');
					assert.equal(asDeployer.out, `${h.name}\ndeployer\n${h.name}\n`);
					// every host has its own host key: another host's line is a CHANGED key
					const other = bed.hosts[(i + 1) % bed.hosts.length]!;
					const wrong = join(dir, `wrong-${h.name}`);
					writeFileSync(wrong, `${h.ip} ${other.hostKey}\n`);
					const refused = await ssh(wrong);
					assert.equal(refused.code, 255);
					assert.match(refused.out, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
				}),
			);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	await t.test('ssh2 (node_modules) as root, deployer, sudoer, nosudo: Docker access and sudo as documented', async () => {
		await Promise.all(
			bed.hosts.map(async h => {
				const root = await ssh2Connect(bed, h, 'root');
				try {
					assert.deepEqual(await ssh2Exec(root, "docker version --format '{{.Server.APIVersion}}'"), {code: 0, out: '1.41\n'});
					assert.equal(await pingThroughSsh(root), '200 OK', 'Docker socket forwarded through the SSH connection');
				} finally {
					root.end();
				}
				const deployer = await ssh2Connect(bed, h, 'deployer');
				try {
					assert.equal((await ssh2Exec(deployer, 'docker ps -q && sudo -n true && echo ok')).out, 'ok\n');
				} finally {
					deployer.end();
				}
				const sudoer = await ssh2Connect(bed, h, 'sudoer');
				try {
					const direct = await ssh2Exec(sudoer, 'docker ps -q');
					assert.notEqual(direct.code, 0, 'sudoer is not in the docker group');
					assert.match(direct.out, /permission denied/);
					assert.equal((await ssh2Exec(sudoer, 'sudo -n docker ps -q && echo ok')).out, 'ok\n');
				} finally {
					sudoer.end();
				}
				const nosudo = await ssh2Connect(bed, h, 'nosudo');
				try {
					const r = await ssh2Exec(nosudo, 'sudo -n true');
					assert.notEqual(r.code, 0);
					assert.match(r.out, /a password is required/);
					assert.notEqual((await ssh2Exec(nosudo, 'docker ps -q')).code, 0);
				} finally {
					nosudo.end();
				}
			}),
		);
	});

	await t.test('each host has its own Docker daemon, reachable through its own socket', async () => {
		const infos = await Promise.all(bed.hosts.map(h => bed.dockerOk(h, ['info', '--format', '{{.Name}} {{.ID}} {{.ServerVersion}} {{.CgroupDriver}}'])));
		assert.deepEqual(infos.map(i => i.split(' ')[0]), ['h1', 'h2', 'h3']);
		assert.equal(new Set(infos.map(i => i.split(' ')[1])).size, 3, 'three distinct daemons');
		for (const i of infos) assert.match(i, / 20\.10\.\d+.* cgroupfs$/);
		assert.equal(await bed.execOk(h2, ['hostname']), 'h2');
		assert.equal(await bed.execOk(h2, ['ip', '-4', '-br', 'addr', 'show', 'eth0']).then(s => s.split(/\s+/)[2]), '10.99.0.12/24');
	});

	const images = await imagesBuilt;
	await t.test('the test images load from the docker-save archive; both tags, the archive IDs', async () => {
		await bed.loadImages([h1]);
		for (const img of images.images) {
			assert.equal(await bed.dockerOk(h1, ['image', 'inspect', '-f', '{{.Id}}', img.tag]), img.id);
		}
		assert.notEqual((await bed.docker(h2, ['image', 'inspect', BROKER_IMAGE])).code, 0, 'only h1 got them');
		const who = await bed.dockerOk(h1, ['run', '--rm', '--network', 'none', BROKER_IMAGE, 'sh', '-c', 'id -u; id -g; pwd; echo $ROCKETMQ_HOME; ls ../bin/mqnamesrv ../bin/mqbroker; java -version 2>&1 | head -1']);
		assert.deepEqual(who.split('\n'), ['3000', '3000', '/home/rocketmq/rocketmq-4.7.1/bin', '/home/rocketmq/rocketmq-4.7.1', '../bin/mqbroker', '../bin/mqnamesrv', 'openjdk version "1.8.0_212"']);
	});

	const templates = loadTemplates();
	// the rendered command as docker run takes it (compose's `$$` escapes undone)
	const start = (script: 'mqbroker' | 'mqnamesrv', args: string[] = []) => startCommand(templates, script, args).map(a => a.replaceAll('$$', '$'));
	const run = (name: string, args: string[]) => bed.dockerOk(h1, ['run', '-d', '--name', name, '--init', '--restart', 'unless-stopped', ...args]);

	await t.test('a name server container on h1 answers on 10.99.0.11:9876 from here and from h2; the console answers HTTP', async () => {
		mkdirSync(bed.path(h1, '/data/rmq/namesrv-logs'), {recursive: true});
		chownSync(bed.path(h1, '/data/rmq/namesrv-logs'), 3000, 3000);
		await run('rmqnamesrv', ['-p', '9876:9876', '-v', '/data/rmq/namesrv-logs:/home/rocketmq/logs', BROKER_IMAGE, ...start('mqnamesrv')]);
		const info = await waitFor('the name server on 10.99.0.11:9876', 15_000, () => remoting.clusterInfo(`${h1.ip}:9876`).catch(() => undefined));
		assert.deepEqual(info.brokers, {});
		const fromH2 = await bed.exec(h2, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${h1.ip}/9876`]);
		assert.equal(fromH2.code, 0, `h2 → h1:9876 ${fromH2.stderr}`);
		const comms = await bed.dockerOk(h1, ['exec', 'rmqnamesrv', 'sh', '-c', 'cat /proc/[0-9]*/comm']);
		assert.ok(comms.split('\n').includes('java'), `a process named java: ${comms}`);
		await run('rmqconsole', ['-p', '8080:8080', '-e', `JAVA_OPTS=-Drocketmq.namesrv.addr=${h1.ip}:9876`, CONSOLE_IMAGE]);
		const page = await waitFor('the console on 10.99.0.11:8080', 15_000, () => httpGet(`http://${h1.ip}:8080/`).catch(() => undefined));
		assert.equal(page.status, 200);
		assert.match(page.body, /10\.99\.0\.11:9876/);
	});

	await t.test('three DLedger brokers on h1 (conf, store and logs mounted, ports published) elect a leader', async () => {
		const peers = [0, 1, 2].map(i => `n${i}-${h1.ip}:${40911 + i}`).join(';');
		mkdirSync(bed.path(h1, '/opt/rmq/conf'), {recursive: true});
		for (const i of [0, 1, 2]) {
			writeFileSync(
				bed.path(h1, `/opt/rmq/conf/broker-n${i}.conf`),
				[
					'brokerClusterName=TestbedCluster',
					'brokerName=RaftNode00',
					`brokerIP1=${h1.ip}`,
					`namesrvAddr=${h1.ip}:9876`,
					`listenPort=${10911 + i * 1000}`,
					'enableDLegerCommitLog=true',
					'dLegerGroup=RaftNode00',
					`dLegerPeers=${peers}`,
					`dLegerSelfId=n${i}`,
					'storePathRootDir=/home/rocketmq/store',
					'',
				].join('\n'),
			);
			for (const d of [`/data/rmq/n${i}/store`, `/data/rmq/n${i}/logs`]) {
				mkdirSync(bed.path(h1, d), {recursive: true});
				chownSync(bed.path(h1, d), 3000, 3000);
			}
		}
		await Promise.all(
			[0, 1, 2].map(i => {
				const listen = 10911 + i * 1000;
				return run(`rmqbroker-n${i}`, [
					...[listen - 2, listen, 40911 + i].flatMap(p => ['-p', `${p}:${p}`]),
					'-v', '/opt/rmq/conf:/home/rocketmq/conf:ro',
					'-v', `/data/rmq/n${i}/store:/home/rocketmq/store`,
					'-v', `/data/rmq/n${i}/logs:/home/rocketmq/logs`,
					BROKER_IMAGE,
					...start('mqbroker', ['-c', `/home/rocketmq/conf/broker-n${i}.conf`]),
				]);
			}),
		);
		// settled: the name server's master (brokerId 0) is the member all three name as leader, and it says SYNC_MASTER
		// (under load an election can take another term: wait for agreement rather than trusting the first answer)
		const {self, config} = await waitFor('a leader of RaftNode00 that every member and the name server agree on', 30_000, async () => {
			const info = await remoting.clusterInfo(`${h1.ip}:9876`).catch(() => undefined);
			const addrs = info?.brokers.RaftNode00?.brokerAddrs;
			if (addrs?.[0] === undefined || Object.keys(addrs).length !== 3) return undefined;
			const metas = await Promise.all([0, 1, 2].map(i => remoting.dledgerMetadata(`${h1.ip}:${40911 + i}`, 'RaftNode00', `n${i}`))).catch(() => undefined);
			const leaderId = metas?.[0]?.leaderId;
			if (leaderId === undefined || !metas!.every(m => m.leaderId === leaderId)) return undefined;
			const config = await remoting.brokerConfig(addrs[0]).catch(() => undefined);
			if (config?.get('dLegerSelfId') !== leaderId || config.get('brokerRole') !== 'SYNC_MASTER') return undefined;
			return {self: leaderId, config};
		});
		assert.equal(config.get('brokerIP1'), h1.ip);
		assert.equal(config.get('listenPort'), String(10911 + Number(self.slice(1)) * 1000));
		// the leader's log, in the logs directory mounted from the host
		const logFile = bed.path(h1, `/data/rmq/${self}/logs/rocketmqlogs/broker.log`);
		await waitFor(`"Finish to change to master" in ${logFile}`, 10_000, () => readFileSync(logFile, 'utf8').includes('Finish to change to master brokerName=RaftNode00'));
		assert.ok(readFileSync(bed.path(h1, `/data/rmq/${self}/store/lock`)) !== undefined, 'the store was written as uid 3000');
	});

	await t.test('the image fails as RocketMQ does: a store uid 3000 cannot write → exit 253; a missing conf → 255', async () => {
		mkdirSync(bed.path(h1, '/data/rmq/root-store'), {recursive: true});
		const bad = await bed.docker(h1, ['run', '--rm', '--network', 'none', '-v', '/data/rmq/root-store:/home/rocketmq/store', BROKER_IMAGE, 'sh', 'mqbroker', '-c', '/home/rocketmq/rocketmq-4.7.1/conf/broker.conf']);
		assert.equal(bad.code, 253, bad.stderr);
		assert.match(bad.stderr, /\/home\/rocketmq\/store\/lock \(Permission denied\)/);
		const missing = await bed.docker(h1, ['run', '--rm', '--network', 'none', BROKER_IMAGE, 'sh', 'mqbroker', '-c', '/home/rocketmq/conf/nope.conf']);
		assert.equal(missing.code, 255);
		assert.match(missing.stderr, /FileNotFoundException: \/home\/rocketmq\/conf\/nope.conf/);
	});

	await t.test('docker stop is graceful: the wrapper forwards SIGTERM to the process named java', async () => {
		const t0 = Date.now();
		await bed.dockerOk(h1, ['stop', '-t', '20', 'rmqbroker-n2']);
		assert.ok(Date.now() - t0 < 10_000, `stopped in ${Date.now() - t0} ms, not killed at the timeout`);
		assert.equal(await bed.dockerOk(h1, ['inspect', '-f', '{{.State.ExitCode}}', 'rmqbroker-n2']), '0');
		await bed.dockerOk(h1, ['start', 'rmqbroker-n2']);
	});

	await t.test('the pull path: the testbed registry (Debian docker-registry on 10.99.0.1:5000) is every host\'s Docker Hub mirror', async () => {
		assert.notEqual((await bed.docker(h2, ['pull', 'apacherocketmq/rocketmq:4.7.1-alpine'], {timeoutMs: 30_000})).code, 0, 'nothing to pull yet');
		await bed.pushTestImages();
		const pulled = await bed.docker(h2, ['pull', BROKER_IMAGE], {timeoutMs: 120_000});
		assert.equal(pulled.code, 0, pulled.stderr);
		assert.equal(await bed.dockerOk(h2, ['image', 'inspect', '-f', '{{.Id}}', BROKER_IMAGE]), images.images[0]!.id, 'the same image ID as in the archive');
	});

	await t.test('cut: the host is silent (ssh times out, also from another host); heal: back', async () => {
		await bed.cut(h3);
		const t0 = Date.now();
		const r = await bed.ssh(h3, 'true', {timeoutSec: 2});
		assert.equal(r.code, 255);
		assert.match(r.stderr, /timed out/);
		assert.ok(Date.now() - t0 >= 1_900);
		const fromH1 = await bed.exec(h1, ['timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${h3.ip}/22`]);
		assert.equal(fromH1.code, 124, 'h1 → h3 hangs (no RST, no ICMP)');
		await bed.heal(h3);
		assert.equal((await bed.ssh(h3, 'hostname')).stdout, 'h3\n');
	});

	await t.test('freeze: TCP connects but no SSH banner; thaw: the banner comes', async () => {
		assert.match((await sshBanner(h2.ip)) ?? '', /^SSH-2\.0-OpenSSH/);
		await bed.freeze(h2);
		assert.equal(await tcpConnects(h2.ip, 22), true, 'the kernel still accepts');
		assert.equal(await sshBanner(h2.ip, 1_500), undefined, 'sshd does not answer');
		assert.equal((await bed.status()).find(s => s.name === 'h2')?.frozen, true);
		await bed.thaw(h2);
		assert.match((await sshBanner(h2.ip)) ?? '', /^SSH-2\.0-OpenSSH/);
	});

	await t.test('hostStop (power loss) and hostStart: disk kept, containers with a restart policy come back and re-elect', async () => {
		await bed.hostStop(h1);
		const down = (await bed.status()).find(s => s.name === 'h1')!;
		assert.deepEqual([down.up, down.sshd, down.dockerd, down.processes], [false, false, false, 0]);
		assert.equal(await tcpConnects(h1.ip, 9876, 1_000), false);
		await bed.hostStart(h1);
		assert.equal((await bed.ssh(h1, 'hostname')).stdout, 'h1\n');
		const names = await waitFor('the containers back on h1', 30_000, async () => {
			const out = await bed.dockerOk(h1, ['ps', '--format', '{{.Names}}']);
			const list = out.split('\n').filter(Boolean).sort();
			return list.length === 5 ? list : undefined;
		});
		assert.deepEqual(names, ['rmqbroker-n0', 'rmqbroker-n1', 'rmqbroker-n2', 'rmqconsole', 'rmqnamesrv']);
		await waitFor('a leader again after the power loss', 30_000, async () => {
			const info = await remoting.clusterInfo(`${h1.ip}:9876`).catch(() => undefined);
			return info?.brokers.RaftNode00?.brokerAddrs[0];
		});
	});

	await t.test('stop() leaves nothing: no namespace, link, cgroup, mount, process or file', async () => {
		const t0 = Date.now();
		await bed.stop();
		const downMs = Date.now() - t0;
		assert.deepEqual(leftovers(), []);
		t.diagnostic(`up ${upMs} ms (hosts ${bed.timings.hostsMs} ms), images ${images.built ? 'built' : 'cached'} ${images.ms} ms (${(images.bytes / 1e6).toFixed(1)} MB), teardown ${downMs} ms`);
	});

	await t.test('an owner that exits without stop() (SIGTERM) or is SIGKILLed leaves nothing: exit handler; the next start reaps', async () => {
		const cli = join(here, 'cli.ts');
		const hold = () => {
			const child = spawn(process.execPath, ['--import', 'tsx', cli, 'up', '--hosts', '1', '--hold'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...lock.childEnv}});
			let out = '';
			child.stderr.on('data', d => (out += d));
			const ready = new Promise<void>((resolve, reject) => {
				child.stdout.on('data', d => {
					out += d;
					if (out.includes('READY')) resolve();
				});
				child.on('exit', code => reject(new Error(`cli up --hold exited ${code}: ${out}`)));
			});
			const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
			return {child, ready, exited};
		};
		// SIGTERM: the owner's handler removes everything synchronously on its way out
		const a = hold();
		await a.ready;
		assert.ok(leftovers().some(l => l.startsWith('netns rmqtb-h1')));
		a.child.kill('SIGTERM');
		await a.exited;
		assert.deepEqual(leftovers(), []);
		// SIGKILL: no handler runs; the next startTestbed() reaps what it finds
		const b = hold();
		await b.ready;
		b.child.kill('SIGKILL');
		await b.exited;
		assert.ok(leftovers().some(l => l.startsWith('netns rmqtb-h1')), 'a SIGKILLed owner leaves its testbed');
		const again = await startTestbed({hosts: 1});
		try {
			assert.ok(again.timings.reapMs > 0, 'reaped');
			assert.equal((await again.ssh('h1', 'hostname')).stdout, 'h1\n');
		} finally {
			await again.stop();
		}
		assert.deepEqual(leftovers(), []);
	});
});
