/**
 * Docker API latency over SSH: 50 sequential `listContainers` through the SHARED ssh connection (source/remote:
 * streamlocal channels to the socket behind a keep-alive agent, Nagle off) against dockerode's own `protocol: 'ssh'`
 * mode (a NEW ssh connection and `docker system dial-stdio` for every request). Prints the median and p90 of each
 * and the ratio.
 *
 *   node --import tsx bench/docker-over-ssh.ts [--calls 50] [--warmup 5]
 *
 * Needs root: it starts a private dockerd (test/support/dockerd.ts) and a real sshd on 127.0.0.1
 * (test/support/sshd.ts) with a test user whose login shell is /bin/sh (so no shell start-up files slow down either
 * side). `SetEnv DOCKER_HOST=unix://<private socket>` in that sshd makes the remote `docker system dial-stdio`
 * reach the private daemon; its directory and socket are opened to the test user for the run.
 */
import {chmodSync, chownSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import Docker from 'dockerode';
import {remoteDocker} from '../source/remote/docker.ts';
import {knownHostsFiles} from '../source/remote/known-hosts-file.ts';
import {SshSession} from '../source/remote/session.ts';
import {startDockerd} from '../test/support/dockerd.ts';
import {startSshd} from '../test/support/sshd.ts';

const {values: args} = parseArgs({options: {calls: {type: 'string', default: '50'}, warmup: {type: 'string', default: '5'}}});
const CALLS = Number(args.calls);
const WARMUP = Number(args.warmup);

if (process.getuid?.() !== 0) {
	console.error('bench/docker-over-ssh.ts needs root (it starts a private dockerd and an sshd)');
	process.exit(1);
}

interface Stats {
	median: number;
	p90: number;
	mean: number;
}

async function measure(label: string, call: () => Promise<unknown>): Promise<Stats> {
	for (let i = 0; i < WARMUP; i++) await call();
	const times: number[] = [];
	for (let i = 0; i < CALLS; i++) {
		const started = performance.now();
		await call();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	const stats = {
		median: times[Math.floor(times.length / 2)]!,
		p90: times[Math.min(times.length - 1, Math.floor(times.length * 0.9))]!,
		mean: times.reduce((a, b) => a + b, 0) / times.length,
	};
	console.log(`${label.padEnd(58)} median ${stats.median.toFixed(2).padStart(7)} ms   p90 ${stats.p90.toFixed(2).padStart(7)} ms   mean ${stats.mean.toFixed(2).padStart(7)} ms`);
	return stats;
}

const dockerd = await startDockerd();
const sshd = await startSshd({users: [{}], setEnv: {DOCKER_HOST: dockerd.host}});
const knownHostsFile = join(tmpdir(), `rmq-tui-bench-kh-${process.pid}`);
try {
	const user = sshd.users[0]!;
	// let the test user reach the private daemon's socket (directory traversable, socket owned by its group)
	chmodSync(dockerd.dir, 0o711);
	chownSync(dockerd.socket, 0, user.gid);
	chmodSync(dockerd.socket, 0o660);
	writeFileSync(knownHostsFile, `${sshd.knownHostsLine}\n`);
	const hostKey = Buffer.from(sshd.hostKeys.ed25519.pub.split(' ')[1]!, 'base64');

	console.log(`Docker API over SSH: ${CALLS} sequential listContainers (after ${WARMUP} warm-up calls), user ${user.name} on 127.0.0.1:${sshd.port}, dockerd ${(await dockerd.dockerOk(['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']))}\n`);

	const connectStarted = performance.now();
	const session = new SshSession({
		target: {host: sshd.host, port: sshd.port, user: user.name, identity: sshd.keys.ed25519.path},
		ask: async () => undefined,
		confirmUnknownHost: async () => false,
		knownHosts: knownHostsFiles({user: [knownHostsFile], global: []}),
		agent: null,
		defaultIdentities: [],
	});
	const shared = await remoteDocker(session, {socketPath: dockerd.socket});
	const setupMs = performance.now() - connectStarted;
	console.log(`shared connection set up once (connect + auth + transport check + version): ${setupMs.toFixed(0)} ms, transport ${shared.transport}`);

	process.noDeprecation = true; // docker-modem's ssh mode builds an "ssh:host:port" URL Node warns about
	const perCall = new Docker({
		protocol: 'ssh',
		host: sshd.host,
		port: sshd.port,
		username: user.name,
		sshOptions: {privateKey: readFileSync(sshd.keys.ed25519.path), hostVerifier: (key: Buffer) => key.equals(hostKey)},
	});

	const a = await measure('shared ssh connection (streamlocal, keep-alive agent)', () => shared.docker.listContainers({all: true}));
	const b = await measure("dockerode protocol 'ssh' (new connection + dial-stdio per call)", () => perCall.listContainers({all: true}));
	console.log(`\nratio (dockerode ssh ÷ shared): median ×${(b.median / a.median).toFixed(1)}, mean ×${(b.mean / a.mean).toFixed(1)}`);
	shared.close();
	await session.close();
} finally {
	rmSync(knownHostsFile, {force: true});
	await sshd.stop();
	await dockerd.stop();
}
