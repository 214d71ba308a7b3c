/**
 * The test sshd itself (test/support/sshd.ts): it serves the keys and users it promises, and stop() leaves nothing
 * behind — no process, no account, no sudoers file, no directory.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {need} from '../support/need.ts';
import {sshdMissing, startSshd} from '../support/sshd.ts';

test('startSshd: OpenSSH answers with the promised host key and users; stop() leaves nothing', async t => {
	const reasons = sshdMissing({sudo: true});
	if (!need(t, reasons.join('; '), reasons.length === 0)) return;
	const s = await startSshd({users: [{sudo: 'nopasswd', password: 'pw'}, {}]});
	let stopped = false;
	t.after(async () => {
		if (!stopped) await s.stop();
	});
	const scan = spawnSync('ssh-keyscan', ['-p', String(s.port), '-t', 'ed25519', '127.0.0.1'], {encoding: 'utf8'});
	assert.equal(scan.stdout.trim(), s.knownHostsLine, 'ssh-keyscan sees the ED25519 host key of knownHostsLine');
	const ssh = (user: string, key: string, command: string) =>
		spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes', '-i', key, '-p', String(s.port), `${user}@127.0.0.1`, command], {encoding: 'utf8'});
	assert.equal(ssh('root', s.keys.ed25519.path, 'id -un').stdout.trim(), 'root');
	assert.equal(ssh(s.users[0]!.name, s.keys.rsa.path, 'sudo -n id -u').stdout.trim(), '0');
	assert.match(ssh(s.users[1]!.name, s.keys.ed25519.path, 'sudo -n true').stderr, /a password is required/);
	assert.notEqual(ssh('root', s.keys.stranger.path, 'true').status, 0, 'the stranger key is authorized nowhere');

	const names = s.users.map(u => u.name);
	await s.stop();
	stopped = true;
	assert.equal(existsSync(s.dir), false);
	let alive = true;
	try {
		process.kill(s.pid, 0);
	} catch {
		alive = false;
	}
	assert.equal(alive, false, 'sshd is gone');
	const passwd = readFileSync('/etc/passwd', 'utf8');
	for (const name of names) {
		assert.ok(!passwd.includes(`${name}:`), `${name} removed`);
		assert.ok(!existsSync(`/etc/sudoers.d/${name}`));
	}
});
