// Process helpers shared by the test daemons (dockerd.ts, sshd.ts) and the testbed (test/testbed/): liveness, signals,
// pacing, pid files, log tails, detached daemons in a cgroup, and the cleanup hook run on exit or a fatal signal.
import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, openSync, readdirSync, readFileSync} from 'node:fs';

export const SYS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const tick = (ms = 50) => new Promise<void>(r => setTimeout(r, ms));
export const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A function that says whether ms have passed since it was made. */
export const deadline = (ms: number) => {
	const end = Date.now() + ms;
	return () => Date.now() > end;
};

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Start time of a process (field 22 of /proc/PID/stat), to tell a live owner from a reused pid. */
export function procStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/** Signals every pid (default SIGKILL), ignoring the ones already gone. */
export function kill(pids: number | readonly number[], sig: NodeJS.Signals = 'SIGKILL'): void {
	for (const p of typeof pids === 'number' ? [pids] : pids) {
		try {
			process.kill(p, sig);
		} catch {}
	}
}

/** Every descendant of pid (children first found, in breadth order). */
export function descendants(pid: number): number[] {
	const children = new Map<number, number[]>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const list = children.get(ppid) ?? [];
			list.push(Number(name));
			children.set(ppid, list);
		} catch {}
	}
	const out: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		for (const c of children.get(queue.shift()!) ?? []) {
			out.push(c);
			queue.push(c);
		}
	}
	return out;
}

/** The pid in a pid file (undefined when missing or not a pid). */
export function readPid(file: string): number | undefined {
	try {
		const n = Number(readFileSync(file, 'utf8').trim());
		return Number.isInteger(n) && n > 0 ? n : undefined;
	} catch {
		return undefined;
	}
}

/** The last lines of a log file, or `(no log)`. */
export function tailFile(file: string, lines = 25): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Runs `cleanup` (synchronously) on process exit and on SIGINT/SIGTERM/SIGHUP, then lets the signal do its default. */
export function onExitOrSignal(cleanup: () => void): void {
	process.on('exit', cleanup);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const h = () => {
			cleanup();
			process.removeListener(sig, h);
			if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
		};
		process.on(sig, h);
	}
}

const JOIN_CGROUPS = 'for f in $RMQ_CG_PROCS; do echo $$ > "$f" || exit 97; done; unset RMQ_CG_PROCS; exec "$@"';

/** argv run by a shell that first joins the cgroups (their cgroup.procs files), so every descendant is in them too. */
export function inCgroups(argv: readonly string[], procs: readonly string[]): {cmd: string; args: string[]; env: Record<string, string>} {
	return {cmd: '/bin/sh', args: ['-c', JOIN_CGROUPS, 'sh', ...argv], env: {RMQ_CG_PROCS: procs.join(' ')}};
}

/** A daemon in the background: detached, output appended to logFile, in the given cgroups; not waited for. */
export function spawnLogged(argv: readonly string[], logFile: string, env: NodeJS.ProcessEnv, procs: readonly string[] = []): ChildProcess {
	const c = inCgroups(argv, procs);
	const fd = openSync(logFile, 'a');
	const child = spawn(c.cmd, c.args, {detached: true, stdio: ['ignore', fd, fd], env: {...env, ...c.env}});
	closeSync(fd);
	child.unref();
	child.on('error', () => {});
	return child;
}
