// The slots of the private dockerds (dockerd.ts): one lock file per running daemon in SLOT_DIR, naming its owner,
// directory, cgroup tag, address pool and daemon pids, so that whatever a daemon leaves — after stop(), after an
// exit without stop() (the exit hook), after a SIGKILL (the next claim, or reapStaleDockerds()) — is found and removed.
// Address pools in 10.213.0.0/16: 16 slots of a /20 each (16 networks of /24), one slot per running daemon; slots
// overlapping an address already on the machine are skipped.
import {closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import {networkInterfaces, tmpdir} from 'node:os';
import {join} from 'node:path';
import {cgroupRoots, killCgroupSync, removeCgroup} from './cgroups.ts';
import {unmountUnder} from './mounts.ts';
import {alive, kill, onExitOrSignal, procStart} from './processes.ts';
import {runSync} from './run.ts';

const SLOTS = 16;
const POOL_PREFIX = '10.213';
const SLOT_DIR = join(tmpdir(), 'rmq-tui-dockerd-slots');
/** Every cgroup of a private dockerd starts with this (the testbed's never do). */
export const TAG_PREFIX = 'rmq-tui-test-';

/** The hierarchy tracking a daemon's processes: cgroup v1 "pids", or the v2 unified tree. */
export const trackingHierarchy = (): string | undefined => cgroupRoots(['pids'])[0];

export interface SlotRecord {
	pid: number;
	start: string | undefined;
	dir: string;
	tag: string;
	pool: string;
	daemonPids: number[];
	/** Global directories that did not exist before this daemon started (removed when empty). */
	globalDirs: string[];
}

export const slotPool = (slot: number): string => `${POOL_PREFIX}.${slot * 16}.0/20`;
const slotFile = (slot: number): string => join(SLOT_DIR, `slot-${slot}.json`);

function readSlot(slot: number): SlotRecord | undefined {
	try {
		return JSON.parse(readFileSync(slotFile(slot), 'utf8')) as SlotRecord;
	} catch {
		return undefined;
	}
}

export function writeSlot(slot: number, r: SlotRecord): void {
	writeFileSync(slotFile(slot), JSON.stringify(r));
}

const ownerAlive = (r: SlotRecord): boolean => alive(r.pid) && (r.start === undefined || procStart(r.pid) === r.start);

/** Interfaces holding an IPv4 address inside cidr. */
function interfacesIn(cidr: string): string[] {
	const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
	const [base, bits] = cidr.split('/') as [string, string];
	const b = toInt(base);
	const size = 2 ** (32 - Number(bits));
	const out: string[] = [];
	for (const [name, addrs] of Object.entries(networkInterfaces())) {
		if ((addrs ?? []).some(a => a.family === 'IPv4' && toInt(a.address) >= b && toInt(a.address) < b + size)) out.push(name);
	}
	return out;
}

/**
 * containerd shims listen on /run/containerd/s/<sha256>; a SIGKILLed shim leaves its socket file behind. Remove the
 * socket files no live process is bound to (absent from /proc/net/unix): harmless for any other containerd.
 */
function removeDeadShimSockets(): void {
	const dir = '/run/containerd/s';
	let names: string[];
	let bound: Set<string>;
	try {
		names = readdirSync(dir);
		bound = new Set(
			readFileSync('/proc/net/unix', 'utf8')
				.split('\n')
				.map(l => l.trim().split(/\s+/)[7])
				.filter((p): p is string => p !== undefined && p.startsWith(dir)),
		);
	} catch {
		return;
	}
	for (const p of names.map(n => join(dir, n)).filter(p => !bound.has(p))) {
		try {
			if (statSync(p).isSocket()) unlinkSync(p);
		} catch {}
	}
}

/** Synchronous, forceful cleanup of everything a daemon record names. Used on exit and for stale slots. */
export function reapSync(r: SlotRecord): void {
	kill(r.daemonPids);
	killCgroupSync(r.tag, TAG_PREFIX, {root: trackingHierarchy(), ms: 2_000, pauseMs: 100});
	for (const ifname of interfacesIn(r.pool)) if (ifname.startsWith('br-')) runSync('ip', ['link', 'del', ifname]);
	if (r.dir !== '') {
		unmountUnder(r.dir);
		try {
			rmSync(r.dir, {recursive: true, force: true, maxRetries: 3});
		} catch {}
	}
	removeCgroup(r.tag, TAG_PREFIX);
	removeDeadShimSockets();
	for (const p of r.globalDirs ?? []) {
		try {
			rmdirSync(p); // only when empty: another daemon's files are never touched
		} catch {}
	}
}

/** Daemons of this process not yet stopped (slot → record): reaped by the exit hook. */
const active = new Map<number, SlotRecord>();
let hooked = false;

/** Takes the first free slot (reaping a dead owner's) for the record make() returns. */
export function claimSlot(make: (slot: number) => SlotRecord): {slot: number; record: SlotRecord} {
	if (!hooked) {
		hooked = true;
		onExitOrSignal(() => {
			for (const slot of [...active.keys()]) releaseSlot(slot, true);
		});
	}
	mkdirSync(SLOT_DIR, {recursive: true});
	for (let slot = 0; slot < SLOTS; slot++) {
		for (let attempt = 0; attempt < 2; attempt++) {
			const existing = readSlot(slot);
			if (existing !== undefined) {
				if (ownerAlive(existing)) break;
				reapSync(existing); // a crashed earlier run: clean up after it, then take the slot
				rmSync(slotFile(slot), {force: true});
			}
			if (interfacesIn(slotPool(slot)).some(i => !i.startsWith('br-'))) break; // someone else's addresses: avoid
			const record = make(slot);
			let fd: number;
			try {
				fd = openSync(slotFile(slot), 'wx');
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // raced with another process
				throw e;
			}
			writeSync(fd, JSON.stringify(record));
			closeSync(fd);
			active.set(slot, record);
			return {slot, record};
		}
	}
	throw new Error(`no free private-dockerd slot (all ${SLOTS} in ${SLOT_DIR} are held by live processes)`);
}

/** Reaps what the slot's record names (unless reap is false: already done) and frees the slot. */
export function releaseSlot(slot: number, reap = true): void {
	const r = active.get(slot);
	if (reap && r !== undefined) reapSync(r);
	active.delete(slot);
	rmSync(slotFile(slot), {force: true});
}

/**
 * Cleans up after private daemons whose owning process is gone (a test process that was SIGKILLed): kills their
 * processes, unmounts, removes their directories, cgroups and bridges. Returns how many were reaped.
 * .ci/run calls it on exit; startDockerd() does the same for any slot it wants to reuse.
 */
export function reapStaleDockerds(): number {
	let n = 0;
	for (let slot = 0; slot < SLOTS; slot++) {
		const r = readSlot(slot);
		if (r === undefined || ownerAlive(r)) continue;
		reapSync(r);
		rmSync(slotFile(slot), {force: true});
		n++;
	}
	return n;
}
