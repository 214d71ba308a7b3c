// A REAL OpenSSH server for tests, on 127.0.0.1 and a free port, with everything it needs in one temp directory:
//
//   const s = await startSshd({users: [{sudo: 'nopasswd'}]})
//   t.after(() => s.stop())
//
// Layout (dir = mkdtemp(/tmp/rmq-tui-sshd-), mode 0711 so test users can reach their files):
//   dir/sshd_config  dir/sshd.log  dir/sshd.pid  dir/owner (pid of the test process)
//   dir/hostkeys/ssh_host_{ed25519,rsa}_key[.pub]        (0700, root)
//   dir/client/{ed25519,encrypted,rsa,stranger}[.pub]    (0700, root; `encrypted` has a passphrase, `stranger` is
//                                                          authorized nowhere)
//   dir/auth/<user>    authorized_keys of each user (ed25519, encrypted, rsa)
//   dir/home/<user>    home of each test user
// Test users are real accounts (sshd needs getpwnam): `rmqt-<pid>-<n>`, made with useradd, removed with userdel by
// stop() together with their /etc/sudoers.d file; a crashed run's leftovers are reaped by the next startSshd().
// sshd runs in the foreground (-D) as a child; stop() kills it and every per-connection child, and leaves nothing
// (the package's privilege separation directory /run/sshd is created when missing and removed again when no sshd
// runs any more).
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {which} from './need.ts';
import {freePort, sshBanner} from './net.ts';
import {alive, descendants, kill, onExitOrSignal, readPid} from './processes.ts';
import {runSyncOk} from './run.ts';

export {descendants};

export interface SshdKey {
	/** Private key file (OpenSSH format). */
	path: string;
	/** The `.pub` line. */
	pub: string;
	passphrase?: string;
}

export interface SshdUser {
	name: string;
	home: string;
	uid: number;
	gid: number;
	password?: string;
}

export interface SshdUserOptions {
	/** Password (PasswordAuthentication is turned on when any user has one). */
	password?: string;
	/** sudoers rule: NOPASSWD: ALL, a password-requiring ALL, or none (not in sudoers). Default none. */
	sudo?: 'nopasswd' | 'password' | 'none';
	/** Extra groups (e.g. one that may open a docker socket). */
	groups?: string[];
}

export interface SshdOptions {
	/** Test users to create (besides root, which always works). */
	users?: SshdUserOptions[];
	/** `SetEnv` for every session (e.g. DOCKER_HOST for `docker system dial-stdio`). */
	setEnv?: Record<string, string>;
	/** AllowStreamLocalForwarding (default yes). */
	streamLocal?: boolean;
	/** More sshd_config lines (placed first, so they win over the defaults: sshd takes a keyword's first value). */
	extraConfig?: string[];
	/** Deadline for the server to greet (default 15 s). */
	startTimeoutMs?: number;
}

export interface Sshd {
	readonly host: '127.0.0.1';
	readonly port: number;
	readonly dir: string;
	readonly pid: number;
	/** The host keys' `.pub` lines and files. */
	readonly hostKeys: {ed25519: SshdKey; rsa: SshdKey};
	/** Client keys: authorized for every user except `stranger`. */
	readonly keys: {ed25519: SshdKey; encrypted: SshdKey; rsa: SshdKey; stranger: SshdKey};
	/** Test users in the order asked. */
	readonly users: SshdUser[];
	/** A known_hosts line for the ED25519 host key (`[127.0.0.1]:port ssh-ed25519 …`). */
	readonly knownHostsLine: string;
	/** SIGSTOP the server and all its connection processes (TCP still connects; nothing answers). */
	freeze(): void;
	thaw(): void;
	/** Kills per-connection processes (connections drop; the listener stays). */
	dropConnections(): void;
	logTail(lines?: number): string;
	stop(): Promise<void>;
}

const PREFIX = 'rmq-tui-sshd-';
const USER_PREFIX = 'rmqt-';
const PRIVSEP_DIR = '/run/sshd';

function anySshdRunning(): boolean {
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'sshd') return true;
		} catch {}
	}
	return false;
}

function keygen(path: string, type: 'ed25519' | 'rsa', passphrase = ''): SshdKey {
	runSyncOk('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', passphrase, '-C', `rmq-tui-test-${type}`, '-f', path]);
	return {path, pub: readFileSync(`${path}.pub`, 'utf8').trim(), ...(passphrase ? {passphrase} : {})};
}

/** Resolves true once the port greets with `SSH-2.0-`. */
const greets = async (port: number): Promise<boolean> => (await sshBanner('127.0.0.1', 1000, port))?.startsWith('SSH-2.0-') ?? false;

// ------------------------------------------------------------------ cleanup (also after a crashed run)

interface Record_ {
	dir: string;
	users: string[];
	pid: () => number | undefined;
	createdPrivsep: boolean;
}

const active = new Set<Record_>();
let handlersInstalled = false;
let userCounter = 0;

function removeUser(name: string): void {
	spawnSync('pkill', ['-KILL', '-u', name]);
	spawnSync('userdel', [name]);
	rmSync(`/etc/sudoers.d/${name}`, {force: true});
}

function cleanupSync(r: Record_): void {
	const pid = r.pid();
	if (pid !== undefined) {
		const all = [pid, ...descendants(pid)];
		kill(all, 'SIGCONT');
		kill(all);
	}
	for (const u of r.users) removeUser(u);
	rmSync(r.dir, {recursive: true, force: true});
	if (r.createdPrivsep && !anySshdRunning()) {
		try {
			rmdirSync(PRIVSEP_DIR);
		} catch {}
	}
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	onExitOrSignal(() => {
		for (const r of active) cleanupSync(r);
		active.clear();
	});
}

/** Removes what test processes that died without stop() left behind: servers, users, directories. */
export function reapStaleSshds(): number {
	let n = 0;
	for (const name of readdirSync('/tmp')) {
		if (!name.startsWith(PREFIX)) continue;
		const dir = join('/tmp', name);
		let owner = NaN;
		try {
			owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
		} catch {}
		if (Number.isFinite(owner) && alive(owner)) continue;
		const sshdPid = readPid(join(dir, 'sshd.pid'));
		cleanupSync({dir, users: [], pid: () => (sshdPid !== undefined && alive(sshdPid) ? sshdPid : undefined), createdPrivsep: false});
		n++;
	}
	for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
		const m = new RegExp(`^(${USER_PREFIX}(\\d+)-\\d+):`).exec(line);
		if (m && !alive(Number(m[2]))) {
			removeUser(m[1]!);
			n++;
		}
	}
	return n;
}

// ------------------------------------------------------------------ prerequisites

/**
 * Why startSshd() (and tests using it) cannot run here: [] when everything is present. Feed it to need.ts's need()
 * so a missing tool skips locally and fails under CI.
 */
export function sshdMissing(options: {sudo?: boolean} = {}): string[] {
	const reasons: string[] = [];
	if (process.getuid?.() !== 0) reasons.push('root (uid 0) is required to run a test sshd with test users');
	const tools = ['sshd', 'ssh-keygen', 'ssh-agent', 'ssh-add', 'ssh', 'ssh-keyscan', ...(options.sudo ? ['sudo'] : [])].filter(t => which(t) === undefined);
	if (tools.length > 0) reasons.push(`missing ${tools.join(', ')} (apt-get install openssh-server openssh-client${options.sudo ? ' sudo' : ''})`);
	return reasons;
}

// ------------------------------------------------------------------ start / stop

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
	if (process.getuid?.() !== 0) throw new Error('startSshd needs root (test users, privilege separation)');
	const sshd = which('sshd');
	if (sshd === undefined || which('ssh-keygen') === undefined) throw new Error('sshd/ssh-keygen not found (apt-get install openssh-server)');
	installHandlers();
	reapStaleSshds();

	const dir = mkdtempSync(join('/tmp', PREFIX));
	chmodSync(dir, 0o711);
	writeFileSync(join(dir, 'owner'), String(process.pid));
	let child: ChildProcess | undefined;
	const record: Record_ = {dir, users: [], pid: () => (child?.pid !== undefined && child.exitCode === null && child.signalCode === null ? child.pid : undefined), createdPrivsep: false};
	active.add(record);
	try {
		if (!existsSync(PRIVSEP_DIR)) {
			mkdirSync(PRIVSEP_DIR, {mode: 0o755});
			record.createdPrivsep = true;
		}
		for (const sub of ['hostkeys', 'client']) mkdirSync(join(dir, sub), {mode: 0o700});
		for (const sub of ['auth', 'home']) mkdirSync(join(dir, sub), {mode: 0o755});
		const hostKeys = {ed25519: keygen(join(dir, 'hostkeys', 'ssh_host_ed25519_key'), 'ed25519'), rsa: keygen(join(dir, 'hostkeys', 'ssh_host_rsa_key'), 'rsa')};
		const keys = {
			ed25519: keygen(join(dir, 'client', 'ed25519'), 'ed25519'),
			encrypted: keygen(join(dir, 'client', 'encrypted'), 'ed25519', 'correct horse battery'),
			rsa: keygen(join(dir, 'client', 'rsa'), 'rsa'),
			stranger: keygen(join(dir, 'client', 'stranger'), 'ed25519'),
		};
		const authorized = [keys.ed25519.pub, keys.encrypted.pub, keys.rsa.pub].join('\n') + '\n';
		writeFileSync(join(dir, 'auth', 'root'), authorized, {mode: 0o644});

		const users: SshdUser[] = [];
		for (const u of opts.users ?? []) {
			const name = `${USER_PREFIX}${process.pid}-${++userCounter}`;
			const home = join(dir, 'home', name);
			record.users.push(name);
			runSyncOk('useradd', ['-M', '-d', home, '-s', '/bin/sh', '-p', '*', ...(u.groups?.length ? ['-G', u.groups.join(',')] : []), name]);
			const uid = Number(runSyncOk('id', ['-u', name]));
			const gid = Number(runSyncOk('id', ['-g', name]));
			mkdirSync(home, {mode: 0o755});
			chownSync(home, uid, gid);
			if (u.password !== undefined) runSyncOk('chpasswd', [], `${name}:${u.password}\n`);
			const sudo = u.sudo ?? 'none';
			if (sudo !== 'none') {
				writeFileSync(`/etc/sudoers.d/${name}`, `${name} ALL=(root) ${sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`, {mode: 0o440});
			}
			writeFileSync(join(dir, 'auth', name), authorized, {mode: 0o644});
			users.push({name, home, uid, gid, ...(u.password !== undefined ? {password: u.password} : {})});
		}

		const passwords = (opts.users ?? []).some(u => u.password !== undefined);
		const logFile = join(dir, 'sshd.log');
		const startTimeout = opts.startTimeoutMs ?? 15_000;
		for (let attempt = 0; ; attempt++) {
			const port = await freePort();
			const config = [
				...(opts.extraConfig ?? []), // first: in sshd_config the first value of a keyword wins
				`Port ${port}`,
				'ListenAddress 127.0.0.1',
				`HostKey ${hostKeys.ed25519.path}`,
				`HostKey ${hostKeys.rsa.path}`,
				`PidFile ${join(dir, 'sshd.pid')}`,
				`AuthorizedKeysFile ${join(dir, 'auth', '%u')}`,
				'StrictModes no',
				'UsePAM no',
				'PermitRootLogin yes',
				'PubkeyAuthentication yes',
				`PasswordAuthentication ${passwords ? 'yes' : 'no'}`,
				'KbdInteractiveAuthentication no',
				'AllowTcpForwarding yes',
				`AllowStreamLocalForwarding ${opts.streamLocal === false ? 'no' : 'yes'}`,
				'StreamLocalBindUnlink yes',
				'Subsystem sftp internal-sftp',
				'MaxStartups 100',
				'MaxSessions 64',
				'MaxAuthTries 10',
				'UseDNS no',
				'PrintMotd no',
				'PrintLastLog no',
				'LogLevel VERBOSE',
				...Object.entries(opts.setEnv ?? {}).map(([k, v]) => `SetEnv ${k}=${v}`),
				'',
			].join('\n');
			writeFileSync(join(dir, 'sshd_config'), config);
			child = spawn(sshd, ['-D', '-f', join(dir, 'sshd_config'), '-E', logFile], {stdio: 'ignore'});
			const deadline = Date.now() + startTimeout;
			let up = false;
			while (Date.now() < deadline) {
				if (child.exitCode !== null || child.signalCode !== null) break;
				if (await greets(port)) {
					up = true;
					break;
				}
				await new Promise(r => setTimeout(r, 50));
			}
			if (up) {
				return makeSshd(dir, port, child, record, hostKeys, keys, users, logFile);
			}
			const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
			if (child.exitCode === null) child.kill('SIGKILL');
			if (attempt < 3 && /Address already in use/.test(log)) continue;
			throw new Error(`sshd did not start on port ${port}:\n${log.split('\n').slice(-20).join('\n')}`);
		}
	} catch (error) {
		cleanupSync(record);
		active.delete(record);
		throw error;
	}
}

function makeSshd(
	dir: string,
	port: number,
	child: ChildProcess,
	record: Record_,
	hostKeys: Sshd['hostKeys'],
	keys: Sshd['keys'],
	users: SshdUser[],
	logFile: string,
): Sshd {
	const pid = child.pid!;
	const [type, blob] = hostKeys.ed25519.pub.split(' ');
	let stopping: Promise<void> | undefined;
	return {
		host: '127.0.0.1',
		port,
		dir,
		pid,
		hostKeys,
		keys,
		users,
		knownHostsLine: `[127.0.0.1]:${port} ${type} ${blob}`,
		freeze: () => kill([pid, ...descendants(pid)], 'SIGSTOP'),
		thaw: () => kill([pid, ...descendants(pid)], 'SIGCONT'),
		dropConnections: () => kill(descendants(pid)),
		logTail: (lines = 30) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : ''),
		stop() {
			stopping ??= (async () => {
				const all = [pid, ...descendants(pid)];
				kill(all, 'SIGCONT');
				kill(all);
				const deadline = Date.now() + 5000;
				while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
				cleanupSync(record);
				active.delete(record);
			})();
			return stopping;
		},
	};
}

// ------------------------------------------------------------------ ssh-agent

export interface Agent {
	/** SSH_AUTH_SOCK */
	readonly socket: string;
	stop(): Promise<void>;
}

/** A real ssh-agent (foreground, own socket) holding the given unencrypted keys. */
export async function startAgent(keyFiles: string[]): Promise<Agent> {
	const dir = mkdtempSync(join('/tmp', 'rmq-tui-agent-'));
	const socket = join(dir, 'agent.sock');
	const child = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
	const deadline = Date.now() + 5000;
	while (!existsSync(socket)) {
		if (Date.now() > deadline || child.exitCode !== null) {
			child.kill('SIGKILL');
			rmSync(dir, {recursive: true, force: true});
			throw new Error('ssh-agent did not start');
		}
		await new Promise(r => setTimeout(r, 20));
	}
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			await new Promise(r => child.once('exit', r));
		}
		rmSync(dir, {recursive: true, force: true});
	};
	for (const key of keyFiles) {
		const r = spawnSync('ssh-add', [key], {env: {...process.env, SSH_AUTH_SOCK: socket}, encoding: 'utf8'});
		if (r.status !== 0) {
			await stop();
			throw new Error(`ssh-add ${key}: ${r.stderr}`);
		}
	}
	return {socket, stop};
}
