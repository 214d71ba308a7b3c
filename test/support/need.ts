// Prerequisite policy for tests that need real tools (root, dockerd, docker-compose, java, busybox).
//
// Locally a missing prerequisite SKIPS the test, with the reason in the skip message.
// Under CI (process.env.CI set to anything but "" / "0" / "false") a missing prerequisite FAILS the test:
// .ci/run installs everything, so a skip there would hide a broken environment.
//
// Usage:
//   test('x', async (t) => {
//     if (!needAll(t, ['root', 'dockerd', 'busybox'])) return
//     ...
//   })
import {accessSync, constants, statSync} from 'node:fs';
import {delimiter, join} from 'node:path';
import type {TestContext} from 'node:test';

export const inCI = (): boolean => {
	const v = process.env.CI;
	return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
};

/** Absolute path of an executable found in PATH or the usual sbin directories, or undefined. */
export function which(name: string): string | undefined {
	if (name.includes('/')) return isExecutable(name) ? name : undefined;
	const dirs = [
		...(process.env.PATH ?? '').split(delimiter),
		'/usr/local/sbin',
		'/usr/local/bin',
		'/usr/sbin',
		'/usr/bin',
		'/sbin',
		'/bin',
	].filter(d => d !== '');
	for (const d of dirs) {
		const p = join(d, name);
		if (isExecutable(p)) return p;
	}
	return undefined;
}

function isExecutable(p: string): boolean {
	try {
		if (!statSync(p).isFile()) return false;
		accessSync(p, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

export type Requirement = 'root' | 'dockerd' | 'docker-compose' | 'java' | 'busybox';

/** Checks for each requirement: undefined when present, else the reason it is missing. */
const checks: Record<Requirement, () => string | undefined> = {
	root: () => (process.getuid?.() === 0 ? undefined : 'root (uid 0) is required to start a private dockerd'),
	dockerd: () => {
		const missing = ['dockerd', 'containerd', 'runc', 'docker-init', 'docker-proxy', 'docker'].filter(
			b => which(b) === undefined,
		);
		return missing.length === 0
			? undefined
			: `docker engine binaries missing: ${missing.join(', ')} (apt-get install docker.io)`;
	},
	'docker-compose': () =>
		which('docker-compose') === undefined
			? 'docker-compose (Compose v1) missing (apt-get install docker-compose)'
			: undefined,
	java: () => (which('java') === undefined ? 'java missing (apt-get install openjdk-17-jre-headless)' : undefined),
	busybox: () => {
		// the stand-in image needs a STATIC busybox (Debian: busybox-static puts it at /bin/busybox)
		try {
			accessSync('/bin/busybox', constants.X_OK);
			return undefined;
		} catch {
			return '/bin/busybox missing (apt-get install busybox-static)';
		}
	},
};

/** The reasons, one per missing requirement ([] = all present). */
export function missing(reqs: readonly Requirement[]): string[] {
	return reqs.map(r => checks[r]()).filter((m): m is string => m !== undefined);
}

/**
 * Returns true when `ok`. Otherwise: under CI throws (the test fails); locally marks the test skipped with
 * the reason and returns false, so the caller can `return` at once.
 */
export function need(t: TestContext, what: string, ok: boolean): boolean {
	if (ok) return true;
	if (inCI()) throw new Error(`missing prerequisite under CI: ${what} (.ci/run is expected to install it)`);
	t.skip(`missing prerequisite: ${what}`);
	return false;
}

export function needAll(t: TestContext, reqs: readonly Requirement[]): boolean {
	const m = missing(reqs);
	return need(t, m.join('; '), m.length === 0);
}

export const needRoot = (t: TestContext): boolean => needAll(t, ['root']);
/** root + the docker engine (dockerd, containerd, runc, tini as docker-init, docker-proxy, client) + busybox. */
export const needDocker = (t: TestContext): boolean => needAll(t, ['root', 'dockerd', 'busybox']);
export const needCompose = (t: TestContext): boolean => needAll(t, ['docker-compose']);
export const needJava = (t: TestContext): boolean => needAll(t, ['java']);
