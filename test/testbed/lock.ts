// One testbed at a time on a machine (the addresses are fixed): the lock file LOCK names the owning process. A
// second process waits for a live owner and reaps the testbed of a dead one; a persistent testbed (`cli.ts up`) is
// refused with how to stop it. acquireTestbedLock() keeps the lock for a whole test (several beds one after another,
// children given childEnv). A bed of this process is reaped by a synchronous exit/signal hook.
import {closeSync, mkdirSync, openSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync} from 'node:fs';
import {alive, onExitOrSignal, procStart, tick} from '../support/processes.ts';
import {BASE_DIR, LOCK} from './constants.ts';
import {leftovers as leftoversOf, reapAllSync} from './reap.ts';
import {readJson} from './state.ts';

export interface Owner {
	pid: number;
	start: string | undefined;
	persistent: boolean;
	since: string;
}

export const ownerNow = (persistent: boolean): Owner => ({pid: process.pid, start: procStart(process.pid), persistent, since: new Date().toISOString()});

function ownerAlive(o: Owner | undefined): boolean {
	if (o === undefined) return false;
	if (o.persistent) return true;
	return alive(o.pid) && (o.start === undefined || procStart(o.pid) === o.start);
}

function tryLock(owner: Owner): boolean {
	let fd: number;
	for (let attempt = 0; ; attempt++) {
		mkdirSync(BASE_DIR, {recursive: true});
		try {
			fd = openSync(LOCK, 'wx');
			break;
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (code === 'EEXIST') return false;
			if (code !== 'ENOENT' || attempt > 10) throw e; // BASE_DIR removed by a releasing owner meanwhile
		}
	}
	writeSync(fd, JSON.stringify(owner));
	closeSync(fd);
	return true;
}

/** Takes the lock for owner: waits for a live owner (up to waitMs), reaps the testbed of a dead one. */
export async function acquire(owner: Owner, waitMs: number, log: (l: string) => void): Promise<{waited: number; reaped: number}> {
	const t0 = Date.now();
	let reaped = 0;
	let said = false;
	for (;;) {
		if (tryLock(owner)) return {waited: Date.now() - t0, reaped};
		const cur = readJson<Owner>(LOCK);
		if (cur === undefined) {
			// being written right now, or a torn file from a crash: stale after a few seconds
			let age = 0;
			try {
				age = Date.now() - statSync(LOCK).mtimeMs;
			} catch {
				continue;
			}
			if (age > 5_000) rmSync(LOCK, {force: true});
			await tick(100);
			continue;
		}
		if (!ownerAlive(cur)) {
			const r0 = Date.now();
			log(`reaping the testbed of dead process ${cur.pid}`);
			reapAllSync();
			reaped += Date.now() - r0;
			try {
				if (JSON.stringify(readJson<Owner>(LOCK)) === JSON.stringify(cur)) unlinkSync(LOCK);
			} catch {}
			continue;
		}
		if (cur.persistent) {
			throw new Error(`a testbed started by \`test/testbed/cli.ts up\` (since ${cur.since}) is running: stop it with \`node --import tsx test/testbed/cli.ts down\``);
		}
		if (Date.now() - t0 > waitMs) throw new Error(`timed out after ${waitMs} ms waiting for the testbed of process ${cur.pid} (since ${cur.since})`);
		if (!said) {
			log(`waiting for the testbed of process ${cur.pid} (since ${cur.since})`);
			said = true;
		}
		await tick(250);
	}
}

/** Environment variable naming the pid that holds the testbed lock on this process's behalf (a parent test). */
export const LOCK_HOLDER_ENV = 'RMQ_TUI_TESTBED_LOCK_HOLDER';
/** acquireTestbedLock() calls not yet released in this process. */
let lockHolds = 0;

/** Is the lock already ours: taken by acquireTestbedLock() here, or held by the parent that started us? */
export function lockInherited(): boolean {
	if (lockHolds > 0) return true;
	const holder = Number(process.env[LOCK_HOLDER_ENV] ?? '0');
	if (!(holder > 0)) return false;
	const cur = readJson<Owner>(LOCK);
	return cur !== undefined && cur.pid === holder && ownerAlive(cur);
}

export interface TestbedLock {
	/** Waiting for it took this long. */
	readonly waitedMs: number;
	/** Env for a child process that should use the testbed under this lock (`{...process.env, ...lock.childEnv}`). */
	readonly childEnv: Record<string, string>;
	release(): void;
}

/**
 * Takes the machine-wide testbed lock and keeps it until release(): startTestbed() calls in this process (one after
 * another) and in children given `childEnv` run under it, and no other process can start a testbed meanwhile — so
 * a test can check that nothing is left behind without another test's testbed appearing in between.
 */
export async function acquireTestbedLock(opts: {waitMs?: number; log?: (l: string) => void} = {}): Promise<TestbedLock> {
	if (process.getuid?.() !== 0) throw new Error('the testbed lock needs root');
	let waited = 0;
	if (lockHolds === 0) {
		installHandlers();
		waited = (await acquire(ownerNow(false), opts.waitMs ?? 15 * 60_000, opts.log ?? (() => {}))).waited;
	}
	lockHolds++;
	let released = false;
	return {
		waitedMs: waited,
		childEnv: {[LOCK_HOLDER_ENV]: String(process.pid)},
		release() {
			if (released) return;
			released = true;
			lockHolds--;
			if (lockHolds === 0) releaseLock();
		},
	};
}

/** Removes the lock when this process owns it, and BASE_DIR when empty. */
export function releaseLock(): void {
	try {
		const o = readJson<Owner>(LOCK);
		if (o?.pid === process.pid) unlinkSync(LOCK);
	} catch {}
	removeBaseIfEmpty();
}

/** The lock after a bed's stop(): attached (`cli.ts down`) removes a persistent testbed's lock; an owner its own. */
export function releaseAfterStop(own: {attached?: boolean; persistent: boolean; ownLock: boolean}): void {
	if (own.attached) {
		if (readJson<Owner>(LOCK)?.persistent) rmSync(LOCK, {force: true});
		removeBaseIfEmpty();
		return;
	}
	if (!own.persistent) bedActive = false;
	if (!own.ownLock) return;
	if (own.persistent) {
		rmSync(LOCK, {force: true});
		removeBaseIfEmpty();
	} else releaseLock();
}

function removeBaseIfEmpty(): void {
	try {
		rmdirSync(BASE_DIR); // only when empty (no lock, no state): nothing of the testbed stays on the machine
	} catch {}
}

/** What a testbed would leave behind if it were stopped now (empty = clean). For tests of the harness. */
export const leftovers = (): string[] => leftoversOf(lockHolds > 0);

// ------------------------------------------------------------------ emergency cleanup

/** A testbed of this process is up (not persistent, not stopped). */
let bedActive = false;
let handlersInstalled = false;

export function setBedActive(active: boolean): void {
	bedActive = active;
}

export function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	onExitOrSignal(() => {
		if (bedActive) {
			bedActive = false;
			reapAllSync();
		}
		releaseLock(); // only when this process owns it
	});
}
