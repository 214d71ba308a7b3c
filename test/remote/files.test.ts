/**
 * Remote files on a REAL sshd (the "remote" filesystem is this machine's, so results are checked with node:fs):
 * SFTP as root and sudo commands as a non-root user — read (undefined when absent), atomic write (a concurrent
 * reader only ever sees a whole old or a whole new file; no temp file left; mode and owner set), stat, mkdir -p,
 * chown; a user without sudo gets a clear error; hostile names are taken literally.
 */
import assert from 'node:assert/strict';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test, type TestContext} from 'node:test';
import {RemoteError} from '../../source/remote/errors.ts';
import {sftpFiles, type RemoteFiles} from '../../source/remote/files.ts';
import {sudoFiles} from '../../source/remote/sudo-files.ts';
import {need} from '../support/need.ts';
import {sshdMissing, startSshd, type Sshd} from '../support/sshd.ts';
import {testSession} from './helpers.ts';

let sshd: Sshd | undefined;
let base = '';
const skipReason = sshdMissing({sudo: true}).join('; ');
before(async () => {
	if (skipReason !== '') return;
	sshd = await startSshd({users: [{sudo: 'nopasswd'}, {}]});
	base = mkdtempSync('/tmp/rmq-tui-files-');
	chmodSync(base, 0o755); // root-owned: only root (or sudo) may write here
});
after(async () => {
	await sshd?.stop();
	if (base) rmSync(base, {recursive: true, force: true});
});

function server(t: TestContext): Sshd | undefined {
	return need(t, skipReason, skipReason === '') ? sshd! : undefined;
}

const as = (t: TestContext, s: Sshd, user: string) => testSession(t, s, {target: {host: s.host, port: s.port, user, identity: s.keys.ed25519.path}}).session;

/** Runs the same contract against an implementation, in its own directory. */
async function contract(files: RemoteFiles, dir: string): Promise<void> {
	const path = join(dir, 'conf', 'broker-n0.conf');
	assert.equal(await files.read(path), undefined, 'absent → undefined');
	assert.equal(await files.stat(path), undefined);

	await files.mkdirp(join(dir, 'conf', 'deep', 'er'), {mode: 0o750});
	assert.equal(statSync(join(dir, 'conf', 'deep', 'er')).mode & 0o777, 0o750);
	await files.mkdirp(join(dir, 'conf')); // exists: fine
	const dirStat = await files.stat(join(dir, 'conf'));
	assert.equal(dirStat?.type, 'directory');

	await files.writeAtomic(path, 'brokerClusterName=RaftCluster\n', {mode: 0o640});
	assert.equal(readFileSync(path, 'utf8'), 'brokerClusterName=RaftCluster\n');
	assert.equal(statSync(path).mode & 0o777, 0o640);
	const firstInode = statSync(path).ino;
	assert.deepEqual((await files.read(path))?.toString(), 'brokerClusterName=RaftCluster\n');
	const st = await files.stat(path);
	assert.deepEqual({type: st?.type, size: st?.size, mode: st?.mode}, {type: 'file', size: 30, mode: 0o640});

	const binary = Buffer.from(Array.from({length: 70_000}, (_, i) => i % 256));
	await files.writeAtomic(path, binary);
	assert.ok(readFileSync(path).equals(binary), 'binary, larger than one SFTP packet');
	assert.notEqual(statSync(path).ino, firstInode, 'replaced by rename, not rewritten in place');
	assert.equal(statSync(path).mode & 0o777, 0o644, 'default mode');
	assert.ok((await files.read(path))!.equals(binary));

	await files.writeAtomic(path, 'owned\n', {mode: 0o600, uid: 3000, gid: 3000});
	assert.deepEqual([statSync(path).uid, statSync(path).gid, statSync(path).mode & 0o777], [3000, 3000, 0o600]);
	await files.writeAtomic(path, '');
	assert.equal(readFileSync(path, 'utf8'), '', 'an empty file');

	await files.chown(join(dir, 'conf'), 3000, 3001, {recursive: true});
	assert.deepEqual([statSync(join(dir, 'conf', 'deep', 'er')).uid, statSync(join(dir, 'conf', 'deep', 'er')).gid], [3000, 3001]);

	// hostile names are names
	const hostile = join(dir, '$(touch pwned); x `id` \'q\'\n.conf');
	await files.writeAtomic(hostile, 'x');
	assert.equal(readFileSync(hostile, 'utf8'), 'x');
	assert.ok(!existsSync('pwned') && !existsSync(join(dir, 'pwned')));

	assert.deepEqual(readdirSync(join(dir, 'conf')).filter(n => n.includes('rmq-tui')), [], 'no temp files left');
	await assert.rejects(files.writeAtomic(join(dir, 'missing-dir', 'f'), 'x'), (e: unknown) => e instanceof RemoteError && e.kind === 'remote');
	assert.ok(!existsSync(join(dir, 'missing-dir')));
}

test('SFTP as root: the whole contract', async t => {
	const s = server(t);
	if (!s) return;
	const dir = join(base, 'sftp');
	mkdirSync(dir);
	await contract(sftpFiles(as(t, s, 'root')), dir);
});

test('sudo commands as a non-root user: the whole contract, where the user alone may not write', async t => {
	const s = server(t);
	if (!s) return;
	const dir = join(base, 'sudo');
	mkdirSync(dir);
	await contract(sudoFiles(as(t, s, s.users[0]!.name)), dir);
});

test('SFTP as a non-root user: permission denied says what to do; own files work; chown goes through sudo', async t => {
	const s = server(t);
	if (!s) return;
	const user = s.users[0]!;
	const session = as(t, s, user.name);
	const files = sftpFiles(session);
	await assert.rejects(files.writeAtomic(join(base, 'nope.conf'), 'x'), (e: unknown) => {
		assert.ok(e instanceof RemoteError);
		assert.match(e.message, new RegExp(`cannot create the temp file for ${base}/nope\\.conf: permission denied \\(user ${user.name} may not write there: use sudoFiles, or fix the owner\\)`));
		return true;
	});
	await assert.rejects(files.read('/etc/shadow'), /cannot read \/etc\/shadow: permission denied/);
	const own = join(user.home, 'mine.txt');
	await files.writeAtomic(own, 'mine', {mode: 0o600, uid: 3000, gid: 3000});
	assert.equal(readFileSync(own, 'utf8'), 'mine');
	assert.equal(statSync(own).uid, 3000, 'owner given away through sudo chown before the rename');
});

test('a user without sudo: sudoFiles fails with the sudo advice', async t => {
	const s = server(t);
	if (!s) return;
	const user = s.users[1]!;
	const files = sudoFiles(as(t, s, user.name));
	await assert.rejects(files.writeAtomic(join(base, 'x.conf'), 'x'), (e: unknown) => e instanceof RemoteError && e.kind === 'sudo' && e.message.startsWith(`user ${user.name} cannot run sudo without a password on 127.0.0.1`));
	await assert.rejects(files.mkdirp(join(base, 'd')), (e: unknown) => e instanceof RemoteError && e.kind === 'sudo');
	assert.ok(!existsSync(join(base, 'x.conf')));
});

test('atomic: a reader polling the file during 40 rewrites only ever sees a complete version', async t => {
	const s = server(t);
	if (!s) return;
	const dir = join(base, 'atomic');
	mkdirSync(dir);
	const path = join(dir, 'big.conf');
	const versions = ['A', 'B'].map(c => Buffer.alloc(512 * 1024, c));
	writeFileSync(path, versions[0]!);
	const files = sftpFiles(as(t, s, 'root'));
	let reading = true;
	let reads = 0;
	const torn: string[] = [];
	const reader = (async () => {
		while (reading) {
			const data = readFileSync(path);
			reads++;
			if (!versions.some(v => v.equals(data))) torn.push(`${data.length} bytes, first ${data[0]} last ${data[data.length - 1]}`);
			await new Promise(r => setImmediate(r));
		}
	})();
	for (let i = 0; i < 40; i++) await files.writeAtomic(path, versions[i % 2]!);
	reading = false;
	await reader;
	assert.deepEqual(torn, []);
	assert.ok(reads > 40, `the reader read ${reads} times`);
});
