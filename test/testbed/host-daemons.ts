// A host's power and services: boot (network, namespaces, cgroup, sshd, dockerd with its own containerd), halt
// (every process killed, namespaces gone, the disk kept), and sshd/dockerd on their own, as the host runs them.
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {cgroupPids, cgroupRoots, killCgroup, removeCgroup, cgroupsNamed} from '../support/cgroups.ts';
import {which} from '../support/need.ts';
import {dockerPing, sshBanner} from '../support/net.ts';
import {alive, deadline, kill, readPid, spawnLogged, tailFile, tick} from '../support/processes.ts';
import {run} from '../support/run.ts';
import {CG_PREFIX} from './constants.ts';
import {hostCommand, hostEnv, hostProcs, nsArgv, nsDown, nsUp} from './host-ns.ts';
import {netDown, netnsPids, netUp} from './network.ts';
import type {TestbedHost, TestbedUser} from './types.ts';

const pidFile = (h: TestbedHost, name: 'sshd' | 'docker') => join(h.fsRoot, `run/${name}.pid`);
const dockerdLog = (h: TestbedHost) => join(h.fsRoot, 'var/log/dockerd.log');

function startSshd(h: TestbedHost): void {
	rmSync(pidFile(h, 'sshd'), {force: true});
	mkdirSync(join(h.fsRoot, 'run/sshd'), {recursive: true, mode: 0o755});
	spawnLogged(nsArgv(h, [which('sshd') ?? '/usr/sbin/sshd', '-D', '-E', '/var/log/sshd.log']), join(h.fsRoot, 'var/log/sshd.out'), hostEnv(), hostProcs(h));
}

export function startDockerd(h: TestbedHost): void {
	for (const f of ['run/docker.pid', 'run/docker.sock']) rmSync(join(h.fsRoot, f), {force: true});
	spawnLogged(nsArgv(h, [which('dockerd') ?? '/usr/sbin/dockerd']), dockerdLog(h), hostEnv(), hostProcs(h));
}

/** SIGTERM dockerd and wait (it stops its containers first), then make sure containerd and shims are gone too. */
export async function stopDockerd(h: TestbedHost, ms = 60_000): Promise<void> {
	const pid = readPid(pidFile(h, 'docker'));
	if (pid === undefined || !alive(pid)) return;
	kill(pid, 'SIGTERM');
	const over = deadline(ms);
	while (alive(pid) && !over()) await tick(50);
	if (alive(pid)) kill(pid);
	// containerd (managed by dockerd) exits with it; shims of containers it could not stop die here
	for (const p of cgroupPids(h.cgroup, CG_PREFIX)) {
		let comm = '';
		try {
			comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
		} catch {}
		if (comm === 'containerd' || comm.startsWith('containerd-shim') || comm === 'docker-proxy') kill(p);
	}
	rmSync(pidFile(h, 'docker'), {force: true});
}

/** Resolves once dockerd answers on the host's socket. */
export async function waitDockerd(h: TestbedHost, ms = 90_000): Promise<void> {
	const over = deadline(ms);
	while (!(await dockerPing(h.dockerSocket))) {
		if (over()) throw new Error(`${h.name}: dockerd did not come back\n${tailFile(dockerdLog(h))}`);
		await tick(100);
	}
}

/** SIGHUP: sshd re-executes itself (and reads a new host key); resolves once it greets again. */
export async function reloadSshd(h: TestbedHost): Promise<void> {
	const pid = readPid(pidFile(h, 'sshd'));
	if (pid !== undefined) kill(pid, 'SIGHUP');
	await tick(100);
	const over = deadline(10_000);
	while ((await sshBanner(h.ip, 1_000)) === undefined) {
		if (over()) throw new Error(`${h.name}: sshd did not come back after SIGHUP`);
		await tick(50);
	}
}

/** The daemons' state as status() reports it. */
export function daemonsAlive(h: TestbedHost): {sshd: boolean; dockerd: boolean} {
	const sshd = readPid(pidFile(h, 'sshd'));
	const dockerd = readPid(pidFile(h, 'docker'));
	return {sshd: sshd !== undefined && alive(sshd), dockerd: dockerd !== undefined && alive(dockerd)};
}

/** Resolves when both dockerd and sshd answer. */
export async function waitHost(h: TestbedHost, ms: number): Promise<void> {
	const over = deadline(ms);
	let docker = false;
	let ssh = false;
	while (!(docker && ssh)) {
		if (!docker) docker = await dockerPing(h.dockerSocket);
		if (!ssh) ssh = (await sshBanner(h.ip, 1_000)) !== undefined;
		if (docker && ssh) break;
		if (over()) {
			throw new Error(
				`${h.name} did not come up within ${ms} ms (dockerd ${docker ? 'up' : 'down'}, sshd ${ssh ? 'up' : 'down'})\n--- dockerd.log ---\n${tailFile(dockerdLog(h))}\n--- sshd.log ---\n${tailFile(join(h.fsRoot, 'var/log/sshd.log'))}`,
			);
		}
		await tick(100);
	}
}

/** Sets the host's passwords (chpasswd inside the host: its private /etc/shadow). */
export async function setPasswords(h: TestbedHost, users: readonly TestbedUser[]): Promise<void> {
	const input = users.filter(u => u.password !== undefined).map(u => `${u.name}:${u.password}`).join('\n');
	const {cmd, args, env} = hostCommand(h, ['chpasswd']);
	const r = await run(cmd, args, {input: `${input}\n`, envAll: env, timeoutMs: 30_000});
	if (r.code !== 0) throw new Error(`${h.name}: chpasswd failed: ${r.stderr}`);
}

/** Power on: network, namespaces, cgroups, sshd, dockerd (the filesystem must exist). */
export async function bootHost(h: TestbedHost, all: readonly TestbedHost[]): Promise<void> {
	netUp(h, all);
	await nsUp(h);
	for (const r of cgroupRoots()) mkdirSync(join(r, h.cgroup, 'host'), {recursive: true});
	startSshd(h);
	startDockerd(h);
}

/** Power off: every process killed, namespaces removed; the filesystem stays. */
export async function haltHost(h: TestbedHost): Promise<void> {
	await killCgroup(h.cgroup, CG_PREFIX, {thaw: true});
	if (existsSync(`/run/netns/${h.netns}`)) kill(netnsPids(h.netns));
	nsDown(h);
	netDown(h);
	for (let i = 0; i < 40; i++) {
		removeCgroup(h.cgroup, CG_PREFIX);
		if (!cgroupsNamed(CG_PREFIX).includes(h.cgroup)) break;
		await tick(50);
	}
}
