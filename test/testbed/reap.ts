// Everything a testbed can leave behind, found by name (not only by the state file): reapAllSync() removes it (on
// stop, on exit, and for the testbed of a dead owner), leftovers() lists it (for tests of the harness).
import {existsSync, readdirSync, readFileSync, rmdirSync, rmSync, unlinkSync} from 'node:fs';
import {cgroupPids, cgroupsNamed, killCgroupSync, removeCgroup} from '../support/cgroups.ts';
import {mountsUnder, unmountUnder} from '../support/mounts.ts';
import {kill, sleepSync} from '../support/processes.ts';
import {runSync} from '../support/run.ts';
import {BASE_DIR, CG_PREFIX, LOCK, NS_DIR, ROOT, STATE} from './constants.ts';
import {forwardRuleDown, forwardRulePresent, listLinks, listNetns, netnsPids} from './network.ts';
import {readJson, readState} from './state.ts';

/** Anything of a testbed on this machine (that the lock may not know about: a crashed run's). */
export const anyTestbedTrace = (): boolean => listNetns().length > 0 || listLinks().length > 0 || cgroupsNamed(CG_PREFIX).length > 0 || existsSync(ROOT);

export function reapAllSync(): void {
	const state = readState();
	// 1. processes: thaw + SIGKILL every cgroup of ours; then anything still inside one of our network namespaces
	for (const cg of cgroupsNamed(CG_PREFIX)) killCgroupSync(cg, CG_PREFIX, {ms: 5_000, thaw: true});
	const netnses = listNetns();
	for (const ns of netnses) kill(netnsPids(ns).filter(p => p !== process.pid));
	// 2. namespaces: the nsfs binds of the mount/UTS namespaces, then the network namespaces and links
	unmountUnder(NS_DIR);
	for (const ns of netnses) runSync('ip', ['netns', 'del', ns]);
	for (const link of listLinks()) runSync('ip', ['link', 'del', link]);
	// 3. the FORWARD rule, cgroups, files
	forwardRuleDown();
	for (let i = 0; i < 20; i++) {
		for (const cg of cgroupsNamed(CG_PREFIX)) removeCgroup(cg, CG_PREFIX);
		if (cgroupsNamed(CG_PREFIX).length === 0) break;
		sleepSync(50); // zombies not reaped yet keep a cgroup busy
	}
	unmountUnder(ROOT);
	try {
		rmSync(ROOT, {recursive: true, force: true, maxRetries: 3});
	} catch {}
	for (const d of state?.createdDirs ?? []) {
		try {
			rmdirSync(d); // only when empty
		} catch {}
	}
	// what `ip netns add` made of /run/netns, when nobody else has a namespace there (a busy mount is not unmounted)
	let netnsEmpty = false;
	try {
		netnsEmpty = readdirSync('/run/netns').length === 0;
	} catch {}
	if (netnsEmpty && state?.netnsMountCreated && mountsUnder('/run/netns').includes('/run/netns')) runSync('umount', ['/run/netns']);
	if (netnsEmpty && state?.netnsDirCreated) {
		try {
			rmdirSync('/run/netns');
		} catch {}
	}
	try {
		unlinkSync(STATE);
	} catch {}
}

/**
 * What a testbed would leave behind if it were stopped now (empty = clean). lockHeld: this process holds the lock
 * on purpose (acquireTestbedLock), so BASE_DIR and the lock file are not leftovers.
 */
export function leftovers(lockHeld: boolean): string[] {
	const out: string[] = [];
	for (const ns of listNetns()) out.push(`netns ${ns}`);
	for (const l of listLinks()) out.push(`link ${l}`);
	for (const cg of cgroupsNamed(CG_PREFIX)) out.push(`cgroup ${cg} (${cgroupPids(cg, CG_PREFIX).length} processes)`);
	for (const m of mountsUnder(BASE_DIR)) out.push(`mount ${m}`);
	if (existsSync(ROOT)) out.push(`dir ${ROOT}`);
	if (existsSync(BASE_DIR) && !lockHeld) out.push(`dir ${BASE_DIR}`);
	if (existsSync(STATE)) out.push(`file ${STATE}`);
	const lockOwner = readJson<{pid: number}>(LOCK);
	if (existsSync(LOCK) && !(lockOwner?.pid === process.pid && lockHeld)) out.push(`file ${LOCK}`);
	if (forwardRulePresent()) out.push('iptables FORWARD rule');
	// processes whose mount namespace is one of our hosts' (e.g. started with nsenter outside the cgroup)
	for (const p of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
		try {
			const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
			if (cmd.includes(`${ROOT}/`)) out.push(`process ${p} ${cmd.replaceAll('\0', ' ').slice(0, 120)}`);
		} catch {}
	}
	return out;
}
