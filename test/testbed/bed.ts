// The Testbed object over a state: running things inside and against the hosts, images, status, the faults
// (faults.ts), the registry (registry.ts) and stop().
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {cgroupMemory, cgroupPids, isFrozen} from '../support/cgroups.ts';
import {dockerCli, dockerEnv, privateClientConfig} from '../support/docker-client.ts';
import {dockerPing} from '../support/net.ts';
import {SYS_PATH} from '../support/processes.ts';
import {run} from '../support/run.ts';
import {CG_PREFIX, PRIVATE_DIRS, REGISTRY, ROOT} from './constants.ts';
import {bedContext} from './context.ts';
import {faults} from './faults.ts';
import {daemonsAlive} from './host-daemons.ts';
import {hostCommand} from './host-ns.ts';
import {IMAGE_LABEL, testImages, type TestImages} from './images.ts';
import {releaseAfterStop} from './lock.ts';
import {reapAllSync} from './reap.ts';
import {pushToRegistry, startRegistry, stopRegistry} from './registry.ts';
import type {State} from './state.ts';
import type {HostStatus, Testbed, TestbedHost, TestbedTimings} from './types.ts';

export interface Ownership {
	persistent: boolean;
	/** This bed took the lock itself (release it on stop). */
	ownLock: boolean;
	/** Made by attachTestbed() (the CLI): stop() is `down`. */
	attached?: boolean;
	/** Lets the next startTestbed() of this process go. */
	done?: () => void;
}

export function makeTestbed(state: State, timings: TestbedTimings, own: Ownership): Testbed & {images: TestImages | undefined} {
	const ctx = bedContext(state);
	const {host, isDown, assertUp} = ctx;
	let stopping: Promise<void> | undefined;
	const clientConfig = privateClientConfig(join(ROOT, 'client', 'docker-config'));
	const envOf = (h: TestbedHost) => dockerEnv(h.dockerSocket, clientConfig);

	const status = async (h: TestbedHost): Promise<HostStatus> => {
		const up = !isDown(h);
		const daemons = daemonsAlive(h);
		const ping = up && (await dockerPing(h.dockerSocket));
		let containers: number | undefined;
		if (ping) {
			const r = await bed.docker(h, ['ps', '-q'], {timeoutMs: 10_000}).catch(() => undefined);
			containers = r?.code === 0 ? r.stdout.split('\n').filter(l => l !== '').length : undefined;
		}
		return {
			name: h.name,
			ip: h.ip,
			up,
			sshd: up && daemons.sshd,
			dockerd: up && daemons.dockerd && ping,
			frozen: up && isFrozen(h.cgroup),
			cut: state.cut.includes(h.name),
			processes: cgroupPids(h.cgroup, CG_PREFIX).length,
			memoryBytes: cgroupMemory(h.cgroup),
			containers,
		};
	};

	const bed: Testbed & {images: TestImages | undefined} = {
		hosts: state.hosts,
		clientKey: state.clientKey,
		clientPublicKey: state.clientPublicKey,
		knownHostsFile: state.knownHostsFile,
		users: state.users,
		password: state.password,
		timings,
		images: undefined,
		host,
		knownHostsLine: ref => {
			const h = host(ref);
			return `${h.ip} ${h.hostKey}`;
		},
		path(ref, p) {
			const h = host(ref);
			if (!p.startsWith('/')) throw new Error(`path(${h.name}, ${p}): not absolute`);
			let norm = p.replace(/\/+$/, '') || '/';
			if (norm === '/var/run' || norm.startsWith('/var/run/')) norm = norm.replace('/var/run', '/run'); // the symlink
			const dir = PRIVATE_DIRS.find(d => norm === d || norm.startsWith(`${d}/`));
			if (dir === undefined) throw new Error(`${p} is not under a private directory of the host (${PRIVATE_DIRS.join(' ')})`);
			return join(h.fsRoot, norm);
		},
		async exec(ref, argv, opts = {}) {
			const h = host(ref);
			assertUp(h, 'exec');
			const {cmd, args, env} = hostCommand(h, argv, opts);
			return run(cmd, args, {input: opts.input, stdinFile: opts.stdinFile, timeoutMs: opts.timeoutMs ?? 120_000, envAll: env});
		},
		async execOk(ref, argv, opts = {}) {
			const r = await bed.exec(ref, argv, opts);
			if (r.code !== 0) throw new Error(`${host(ref).name}: ${argv.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
			return r.stdout.trim();
		},
		spawn(ref, argv, opts = {}) {
			const h = host(ref);
			assertUp(h, 'spawn');
			const {cmd, args, env} = hostCommand(h, argv, opts);
			return spawn(cmd, args, {stdio: opts.stdio ?? 'pipe', env});
		},
		docker(ref, args, opts = {}) {
			const h = host(ref);
			return run(dockerCli(), [...args], {input: opts.input, stdinFile: opts.stdinFile, timeoutMs: opts.timeoutMs ?? 120_000, envAll: {...envOf(h), ...opts.env}});
		},
		async dockerOk(ref, args, opts = {}) {
			const r = await bed.docker(ref, args, opts);
			if (r.code !== 0) throw new Error(`${host(ref).name}: docker ${args.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
			return r.stdout.trim();
		},
		async ssh(ref, command, opts = {}) {
			const h = host(ref);
			const sec = opts.timeoutSec ?? 5;
			return run(
				'ssh',
				[
					'-F', '/dev/null',
					'-i', state.clientKey,
					'-o', 'IdentitiesOnly=yes',
					'-o', `UserKnownHostsFile=${state.knownHostsFile}`,
					'-o', 'StrictHostKeyChecking=yes',
					'-o', 'BatchMode=yes',
					'-o', `ConnectTimeout=${sec}`,
					'-o', 'LogLevel=ERROR',
					`${opts.user ?? 'root'}@${h.ip}`,
					command,
				],
				{input: opts.input, timeoutMs: sec * 1000 + 60_000, envAll: {PATH: process.env.PATH ?? SYS_PATH, HOME: process.env.HOME ?? '/root'}},
			);
		},
		async loadImages(refs) {
			const imgs = await testImages();
			const targets = (refs ?? state.hosts).map(host);
			await Promise.all(
				targets.map(async h => {
					const have = await bed.docker(h, ['image', 'inspect', '-f', `{{index .Config.Labels "${IMAGE_LABEL}"}}`, ...imgs.images.map(i => i.tag)]);
					if (have.code === 0 && have.stdout.trim().split('\n').every(l => l === imgs.key)) return;
					await bed.dockerOk(h, ['load', '-q', '-i', imgs.archive], {timeoutMs: 300_000});
				}),
			);
			return imgs;
		},
		...faults(ctx),
		startRegistry,
		stopRegistry,
		async pushTestImages() {
			await startRegistry();
			const imgs = await testImages();
			await pushToRegistry(REGISTRY, imgs);
			return imgs;
		},
		status: () => Promise.all(state.hosts.map(status)),
		stop() {
			stopping ??= (async () => {
				ctx.stopped = true;
				reapAllSync();
				releaseAfterStop(own);
				own.done?.();
			})();
			return stopping;
		},
	};
	return bed;
}
