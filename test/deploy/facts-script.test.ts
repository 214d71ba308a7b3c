/** The preflight script, run by a real `sh` on this machine, and its parser on known output. */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {FACTS_SCRIPT, listeningPorts, parseFacts} from '../../source/deploy/facts-script.ts';

test('/proc/net/tcp lines: only LISTEN (0A) ports, hex decoded, IPv4 and IPv6', () => {
	const lines = [
		'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
		'   0: 00000000:2694 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
		'   1: 0100007F:4AB5 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1',
		'   0: 00000000000000000000000000000000:2AA7 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 3',
	];
	assert.deepEqual(listeningPorts(lines), [9876, 10919]);
});

test('parseFacts: sections, units, compose kinds, dirs, unfinished output refused', () => {
	const out = [
		'', '@@id', 'deployer', '1001', '@@sudo', 'nopasswd', '@@clock', '1795577755895', '@@compose', '1.29.2', 'v1',
		'@@tcp', '   0: 00000000:2694 00000000:0000 0A 0', '@@mem', 'MemTotal:       16303108 kB', 'MemAvailable:   12000000 kB',
		'@@df', '/dev/vda 263174212 23000000 220000000 10% /', '@@addr', '127.0.0.1/8', '10.99.0.11/24',
		'@@selinux', 'Enforcing', '@@dirs', '3000 0 /data/x/broker/store/RaftNode00-n0', '0 1 /data/x/with space', '@@end', '',
	].join('\n');
	const f = parseFacts(out);
	assert.deepEqual(f.user, {name: 'deployer', uid: 1001, sudo: 'nopasswd'});
	assert.equal(f.clockMs, 1795577755895);
	assert.deepEqual(f.compose, {kind: 'v1', version: '1.29.2'});
	assert.deepEqual(f.listeningPorts, [9876]);
	assert.equal(f.memTotalBytes, 16303108 * 1024);
	assert.equal(f.diskFreeBytes, 220000000 * 1024);
	assert.deepEqual(f.addresses, ['127.0.0.1', '10.99.0.11']);
	assert.equal(f.selinux, 'enforcing');
	assert.deepEqual(f.existingDirs, [{path: '/data/x/broker/store/RaftNode00-n0', uid: 3000, empty: false}, {path: '/data/x/with space', uid: 0, empty: true}]);
	assert.equal(parseFacts(out.replace('@@clock\n1795577755895', '@@clock\n1795577755%3N')).clockMs, 1795577755000);
	assert.deepEqual(parseFacts(out.replace('1.29.2\nv1', 'none')).compose, {kind: 'none'});
	assert.throws(() => parseFacts(out.replace('@@end', '')), /did not finish/);
});

test('the script itself, run by sh here, reports this machine truthfully', () => {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-facts-'));
	const full = join(dir, 'full');
	execFileSync('mkdir', ['-p', full, join(dir, 'empty dir')]);
	writeFileSync(join(full, 'x'), 'x');
	const out = execFileSync('sh', ['-s', '--', join(dir, 'not/yet/there'), full, join(dir, 'empty dir'), join(dir, 'missing')], {input: FACTS_SCRIPT, encoding: 'utf8'});
	const f = parseFacts(out);
	assert.equal(f.user.uid, process.getuid!());
	assert.ok(Math.abs(f.clockMs - Date.now()) < 5000);
	assert.ok(f.memTotalBytes > 0 && f.memAvailableBytes > 0 && f.diskFreeBytes > 0);
	assert.ok(f.addresses.includes('127.0.0.1'), f.addresses.join(','));
	assert.deepEqual(f.existingDirs.map(d => [d.path, d.empty]), [[full, false], [join(dir, 'empty dir'), true]]);
});
