// A host's mount + UTS namespaces (bound at <ROOT>/ns/hN.{mnt,uts}) and running a command inside the host: its
// network, mount and UTS namespaces and its cgroup. Inside, the host has hostname hN, its own sysfs (the cgroup
// tree moved back in: dockerd needs it) and its private directories bound over the machine's.
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {cgroupRoots} from '../support/cgroups.ts';
import {inCgroups, SYS_PATH} from '../support/processes.ts';
import {run, runSync} from '../support/run.ts';
import {BASE_DIR, NS_DIR, PRIVATE_DIRS} from './constants.ts';
import type {TestbedHost} from './types.ts';

const mntFile = (h: TestbedHost) => join(NS_DIR, `${h.name}.mnt`);
const utsFile = (h: TestbedHost) => join(NS_DIR, `${h.name}.uts`);

/** Runs inside the new mount + UTS namespace (already in the host's netns). */
const HOST_INIT = `set -e
hostname "$H"
# drop this namespace's copies of the namespace handles (they would pin other hosts' namespaces)
umount -l "$NS_DIR" 2>/dev/null || true
umount -l /run/netns 2>/dev/null || true
# a sysfs of this netns (dockerd reads /sys/class/net), with the cgroup tree kept (dockerd needs it)
mount --rbind /sys/fs/cgroup "$FS/.cg"
umount -l /sys
mount -t sysfs sysfs /sys
mount --move "$FS/.cg" /sys/fs/cgroup
for d in $DIRS; do mount --bind "$FS$d" "$d"; done
# hide the other hosts' files (the testbed's directory) from this host
mount -t tmpfs -o size=1m,mode=755 rmq-tui-testbed-hidden "$BASE"
`;

/** The host's persistent mount + UTS namespaces (its netns must exist). */
export async function nsUp(h: TestbedHost): Promise<void> {
	writeFileSync(mntFile(h), '');
	writeFileSync(utsFile(h), '');
	const r = await run('nsenter', [`--net=/run/netns/${h.netns}`, 'unshare', `--mount=${mntFile(h)}`, `--uts=${utsFile(h)}`, '--propagation', 'private', '/bin/sh', '-c', HOST_INIT], {
		envAll: {PATH: SYS_PATH, H: h.name, NS_DIR, FS: h.fsRoot, DIRS: PRIVATE_DIRS.join(' '), BASE: BASE_DIR},
		timeoutMs: 30_000,
	});
	if (r.code !== 0) throw new Error(`${h.name}: creating the mount namespace failed (exit ${r.code}): ${r.stderr}`);
}

/** The namespace handles unmounted and removed. */
export function nsDown(h: TestbedHost): void {
	for (const f of [mntFile(h), utsFile(h)]) {
		if (runSync('umount', [f]).code !== 0) runSync('umount', ['-l', f]);
		rmSync(f, {force: true});
	}
}

/** The cgroup.procs files a process joins to be part of the host. */
export const hostProcs = (h: TestbedHost): string[] => cgroupRoots().map(r => join(r, h.cgroup, 'host', 'cgroup.procs'));

/** argv inside the host's namespaces (as user, in cwd). */
export function nsArgv(h: TestbedHost, argv: readonly string[], opts: {user?: string; cwd?: string} = {}): string[] {
	let inner: string[] = [...argv];
	if (opts.user !== undefined && opts.user !== 'root') inner = ['runuser', '-u', opts.user, '--', ...inner];
	if (opts.cwd !== undefined) inner = ['/bin/sh', '-c', 'cd "$0" && exec "$@"', opts.cwd, ...inner];
	return ['nsenter', `--net=/run/netns/${h.netns}`, `--mount=${mntFile(h)}`, `--uts=${utsFile(h)}`, '--', ...inner];
}

/** A root login's environment inside the host. */
export const hostEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
	PATH: SYS_PATH,
	HOME: '/root',
	USER: 'root',
	LOGNAME: 'root',
	SHELL: '/bin/bash',
	LANG: 'C.UTF-8',
	...extra,
});

/** Command and environment running argv inside the host, after joining its cgroup. */
export function hostCommand(h: TestbedHost, argv: readonly string[], opts: {user?: string; cwd?: string; env?: Record<string, string>} = {}): {cmd: string; args: string[]; env: NodeJS.ProcessEnv} {
	const c = inCgroups(nsArgv(h, argv, opts), hostProcs(h));
	return {cmd: c.cmd, args: c.args, env: {...hostEnv(opts.env), ...c.env}};
}
