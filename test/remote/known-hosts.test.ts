/**
 * known_hosts (pure): parsing, matching (plain, comma lists, wildcards, negation, [host]:port, hashed), verdicts,
 * fingerprints against ssh-keygen, OpenSSH's warnings, and the line to append. Test vectors were made with
 * OpenSSH 9.2 (`ssh-keygen -H` for the hashed names, `ssh-keygen -lf` for the fingerprints); the last test checks
 * them against the ssh-keygen of this machine too.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {
	changedHostKeyWarning,
	DEFAULT_HOST_KEY_ALGORITHMS,
	entryMatches,
	fingerprint,
	hostKeyAlgorithms,
	hostKeyName,
	keyTypeLabel,
	keyTypeOf,
	knownHostsLine,
	knownKeyTypes,
	parseKnownHosts,
	revokedHostKeyWarning,
	unknownHostKeyText,
	verifyHostKey,
} from '../../source/remote/known-hosts.ts';
import {which} from '../support/need.ts';

const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIA7FUI7tVCz0vD+nRTki6UjdPaP3zTdnfmbxCo36y/6u';
const ED_FP = 'SHA256:wrhkCrnckvsH1OwdTNPk7v2UOcKqmKHO0sXltUe3KEQ';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIL9UC9Y56w7Bd+LqqBf8RyCEeYN6MnjvbXNlnbyen4r5';
const ED2_FP = 'SHA256:oWkExqgvUuyKWbofkA9ZMDXuf8sBEoAVhjjid9cLPrY';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAABAQDFe02V+JIoQusFRpnnqBqZW2oWdWa5Sp2CKNfEyrdGdq7KiBvhQ5mVGS5HyRyLKJWMODZhLVuFSuCRi1+KiVBUdVTxGFBzsKZeFLK2udAA378ZE9WV5Gb3/UNXfRoU/LonUZgFOWW6q/gdy8MqOq/ZJkitQlCEiAEB1wUrfct3UK7DifaDAjODgwVwyYIsXyc02dy9u4wQpobHApxRc3Wrk8sLRY/Zbi8kfCKYpmc5/aDWD8ZuhysXkAuiquS7GDbY5IgIhRupeGpBFnivhDWkcfdnuZmlbXhEgAiB/qcV5Sduu1k739HFtFC+tDMiUzwxxAFa4bN99bLMjH8MwexR';
const RSA_FP = 'SHA256:1Ag1eJ95Ihlnjpi65fMUJ1BeszLxrhbkd1mgV6iHJJQ';
const ECDSA = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNrr7MwbRS4FTzDn0e0R2fjS7khgogdxIU9rpaRo5aTqDOgMfLRlNZES41XmQQpWMFlzWzGusBsX8RG1d8pYE3o=';
const ECDSA_FP = 'SHA256:PrWvsDs6s3qLGbdey0kDK4Ws2z7VnzOXAOUWFWR1T3w';
const key = (b64: string) => Buffer.from(b64, 'base64');

/** `ssh-keygen -H` output for `[127.0.0.1]:2299`, `example.com`, `10.1.2.3` (all with key ED). */
const HASHED = [
	`|1|Adem4cHWtqlgsiU7BduD+Z6VAeM=|DvznAg9lOm/G6jTMzF0orwg1ncg= ssh-ed25519 ${ED}`,
	`|1|9nqO3sqlsW6nQ08uJefiqbugF44=|6MYLgFeE0rreeYZ2ikZiPLAdzYI= ssh-ed25519 ${ED}`,
	`|1|cZnazMGHtxifCOrzt66gOKUuNck=|SLGL7AftmoyIWrq6OdIz5mvZwEM= ssh-ed25519 ${ED}`,
].join('\n');

test('hostKeyName: port 22 bare, other ports bracketed, lowercase', () => {
	assert.equal(hostKeyName('Example.COM'), 'example.com');
	assert.equal(hostKeyName('10.0.0.1', 22), '10.0.0.1');
	assert.equal(hostKeyName('10.0.0.1', 2222), '[10.0.0.1]:2222');
	assert.equal(hostKeyName('::1', 2222), '[::1]:2222');
});

test('fingerprints match ssh-keygen -l for ed25519, rsa and ecdsa', () => {
	assert.equal(fingerprint(key(ED)), ED_FP);
	assert.equal(fingerprint(key(ED2)), ED2_FP);
	assert.equal(fingerprint(key(RSA)), RSA_FP);
	assert.equal(fingerprint(key(ECDSA)), ECDSA_FP);
	assert.doesNotMatch(fingerprint(key(RSA)), /=/);
});

test('key types and their OpenSSH labels', () => {
	assert.equal(keyTypeOf(key(ED)), 'ssh-ed25519');
	assert.equal(keyTypeOf(key(RSA)), 'ssh-rsa');
	assert.equal(keyTypeOf(key(ECDSA)), 'ecdsa-sha2-nistp256');
	assert.equal(keyTypeOf(Buffer.from([0, 0])), undefined);
	assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 9, 1, 2])), undefined);
	assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 0])), undefined);
	const table: Array<[string, string]> = [
		['ssh-ed25519', 'ED25519'], ['ssh-rsa', 'RSA'], ['rsa-sha2-512', 'RSA'], ['ecdsa-sha2-nistp384', 'ECDSA'],
		['ssh-dss', 'DSA'], ['sk-ssh-ed25519@openssh.com', 'ED25519-SK'], ['sk-ecdsa-sha2-nistp256@openssh.com', 'ECDSA-SK'],
		['ssh-xmss@openssh.com', 'XMSS'], ['weird', 'WEIRD'],
	];
	for (const [type, label] of table) assert.equal(keyTypeLabel(type), label, type);
});

test('parse: plain lines, comma lists, comments, blank lines, CRLF, tabs, trailing comments', () => {
	const text = [
		'# a comment',
		'',
		`host1,10.0.0.1 ssh-ed25519 ${ED}`,
		`   [host2]:2222\tssh-rsa\t${RSA} a comment with spaces\r`,
		`  # indented comment`,
		`*.lab,!bad.lab ecdsa-sha2-nistp256 ${ECDSA}`,
	].join('\n');
	const {entries, problems} = parseKnownHosts(text, '/k');
	assert.deepEqual(problems, []);
	assert.equal(entries.length, 3);
	assert.deepEqual(entries.map(e => [e.file, e.line, e.keyType]), [['/k', 3, 'ssh-ed25519'], ['/k', 4, 'ssh-rsa'], ['/k', 6, 'ecdsa-sha2-nistp256']]);
	assert.deepEqual(entries[0]!.hosts, {kind: 'patterns', patterns: ['host1', '10.0.0.1']});
	assert.equal(entries[1]!.comment, 'a comment with spaces');
	assert.equal(entries[0]!.comment, undefined);
	assert.ok(entries[0]!.key.equals(key(ED)));
});

test('parse: markers, malformed and unsupported lines are reported with file and line, never fatal', () => {
	const text = [
		`@revoked * ssh-ed25519 ${ED}`,
		`@cert-authority *.example.com ssh-ed25519 ${ED}`,
		`@bogus host ssh-ed25519 ${ED}`,
		'onlyhost',
		'host ssh-ed25519',
		`host ssh-rsa ${ED}`,
		'host ssh-ed25519 not*base64',
		'host ssh-ed25519 AAAA',
		'host 2048 35 12345678',
		`|1|short|hash ssh-ed25519 ${ED}`,
		`|2|Adem4cHWtqlgsiU7BduD+Z6VAeM=|DvznAg9lOm/G6jTMzF0orwg1ncg= ssh-ed25519 ${ED}`,
		`a,,b ssh-ed25519 ${ED}`,
		`good ssh-ed25519 ${ED}`,
	].join('\n');
	const {entries, problems} = parseKnownHosts(text, '/etc/ssh/ssh_known_hosts');
	assert.equal(entries.length, 2);
	assert.equal(entries[0]!.marker, 'revoked');
	assert.equal(entries[1]!.line, 13);
	const byLine = new Map(problems.map(p => [p.line, p.problem]));
	assert.match(byLine.get(2)!, /@cert-authority .*not supported/);
	assert.match(byLine.get(3)!, /unknown marker @bogus/);
	assert.match(byLine.get(4)!, /is not "hosts keytype key"/);
	assert.match(byLine.get(5)!, /is not "hosts keytype key"/);
	assert.match(byLine.get(6)!, /says ssh-rsa but the key is ssh-ed25519/);
	assert.match(byLine.get(7)!, /not base64/);
	assert.match(byLine.get(8)!, /malformed key/);
	assert.match(byLine.get(9)!, /RSA1/);
	assert.match(byLine.get(10)!, /malformed hashed host name/);
	assert.match(byLine.get(11)!, /malformed hashed host name/);
	assert.match(byLine.get(12)!, /empty host pattern/);
	assert.ok(problems.every(p => p.file === '/etc/ssh/ssh_known_hosts'));
});

test('matching: exact, case-insensitive, wildcards, negation, ports must match exactly', () => {
	const {entries} = parseKnownHosts([
		`web1,10.0.0.5 ssh-ed25519 ${ED}`,
		`*.Lab,!secret.lab ssh-ed25519 ${ED}`,
		`[10.0.0.9]:2222 ssh-ed25519 ${ED}`,
		`[10.0.0.?]:* ssh-ed25519 ${ED}`,
		`db? ssh-ed25519 ${ED}`,
	].join('\n'), 'f');
	const [list, wild, port, portWild, one] = entries as [typeof entries[0], typeof entries[0], typeof entries[0], typeof entries[0], typeof entries[0]];
	assert.ok(entryMatches(list, 'web1'));
	assert.ok(entryMatches(list, 'WEB1'));
	assert.ok(entryMatches(list, '10.0.0.5'));
	assert.ok(!entryMatches(list, 'web10'));
	assert.ok(!entryMatches(list, '[10.0.0.5]:2222'), 'a bare entry does not cover another port');
	assert.ok(entryMatches(wild, 'a.lab'));
	assert.ok(entryMatches(wild, 'x.y.lab'));
	assert.ok(!entryMatches(wild, 'secret.lab'), 'negation vetoes');
	assert.ok(!entryMatches(wild, 'lab'));
	assert.ok(entryMatches(port, '[10.0.0.9]:2222'));
	assert.ok(!entryMatches(port, '10.0.0.9'));
	assert.ok(!entryMatches(port, '[10.0.0.9]:22222'));
	assert.ok(entryMatches(portWild, '[10.0.0.7]:2200'));
	assert.ok(!entryMatches(portWild, '[10.0.0.17]:2200'));
	assert.ok(entryMatches(one, 'db1'));
	assert.ok(!entryMatches(one, 'db12'));
	assert.ok(!entryMatches(one, 'db'));
});

test('hashed entries (made by ssh-keygen -H) match their names, with ports, and nothing else', () => {
	const {entries, problems} = parseKnownHosts(HASHED, 'f');
	assert.deepEqual(problems, []);
	assert.equal(entries.length, 3);
	assert.ok(entries.every(e => e.hosts.kind === 'hashed'));
	const [withPort, name, ip] = entries as [typeof entries[0], typeof entries[0], typeof entries[0]];
	assert.ok(entryMatches(withPort, '[127.0.0.1]:2299'));
	assert.ok(!entryMatches(withPort, '127.0.0.1'));
	assert.ok(!entryMatches(withPort, '[127.0.0.1]:2298'));
	assert.ok(entryMatches(name, 'example.com'));
	assert.ok(entryMatches(name, 'EXAMPLE.com'), 'names are hashed lowercase');
	assert.ok(!entryMatches(name, 'example.org'));
	assert.ok(entryMatches(ip, '10.1.2.3'));
	assert.equal(verifyHostKey(entries, '127.0.0.1', 2299, key(ED)).status, 'trusted');
	assert.equal(verifyHostKey(entries, '127.0.0.1', 2299, key(ED2)).status, 'changed');
	assert.equal(verifyHostKey(entries, '127.0.0.1', 22, key(ED)).status, 'unknown');
	assert.equal(verifyHostKey(entries, 'example.com', 22, key(ED)).status, 'trusted');
});

test('verify: trusted, unknown (with the other known types), changed (first offending line), revoked', () => {
	const {entries} = parseKnownHosts([
		`other ssh-ed25519 ${ED2}`,
		`h1 ssh-ed25519 ${ED}`,
		`h2 ssh-rsa ${RSA}`,
		`[h3]:2200 ssh-ed25519 ${ED2}`,
		`h3,[h3]:2200 ssh-ed25519 ${ED}`,
		`@revoked * ecdsa-sha2-nistp256 ${ECDSA}`,
		`@revoked h1 ssh-rsa ${RSA}`,
	].join('\n'), '/root/.ssh/known_hosts');
	const trusted = verifyHostKey(entries, 'h1', 22, key(ED));
	assert.equal(trusted.status, 'trusted');
	assert.equal(trusted.status === 'trusted' && trusted.entry.line, 2);

	assert.deepEqual(verifyHostKey(entries, 'nobody', 22, key(ED)), {status: 'unknown', knownTypes: []});
	assert.deepEqual(verifyHostKey(entries, 'h2', 22, key(ED)), {status: 'unknown', knownTypes: ['ssh-rsa']}, 'another type known: unknown, not changed');

	const changed = verifyHostKey(entries, 'h1', 22, key(ED2));
	assert.equal(changed.status, 'changed');
	assert.equal(changed.status === 'changed' && changed.entry.line, 2);

	// two entries of the same type for [h3]:2200: one matches → trusted; a third key → changed, first line offends
	assert.equal(verifyHostKey(entries, 'h3', 2200, key(ED)).status, 'trusted');
	assert.equal(verifyHostKey(entries, 'h3', 2200, key(ED2)).status, 'trusted');
	const third = parseKnownHosts(`x ssh-ed25519 ${ED}\nx ssh-ed25519 ${ED2}`, 'f').entries;
	const c = verifyHostKey(third, 'x', 22, key(ED.replace('A7FU', 'B7FU')));
	assert.equal(c.status, 'changed');
	assert.equal(c.status === 'changed' && c.entry.line, 1);

	assert.equal(verifyHostKey(entries, 'anything', 22, key(ECDSA)).status, 'revoked', '@revoked * applies everywhere');
	assert.equal(verifyHostKey(entries, 'h1', 22, key(RSA)).status, 'revoked');
	assert.equal(verifyHostKey(entries, 'h2', 22, key(RSA)).status, 'trusted', '@revoked h1 does not cover h2');
	assert.deepEqual(knownKeyTypes(entries, 'h3', 2200), ['ssh-ed25519']);
	assert.deepEqual(knownKeyTypes(entries, 'anything', 22), [], 'revoked entries are no known types');
});

test('host key algorithms: known types first (rsa → rsa-sha2-*), defaults after, nothing known → defaults', () => {
	assert.equal(hostKeyAlgorithms([]), undefined);
	assert.deepEqual(hostKeyAlgorithms(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
	assert.deepEqual(hostKeyAlgorithms(['ecdsa-sha2-nistp256'])![0], 'ecdsa-sha2-nistp256');
	assert.equal(hostKeyAlgorithms(['ecdsa-sha2-nistp256'])!.length, DEFAULT_HOST_KEY_ALGORITHMS.length);
	assert.equal(hostKeyAlgorithms(['sk-ssh-ed25519@openssh.com']), undefined, 'unsupported types are not offered');
});

test('the line to append: plain, bracketed port, hashed with a given salt (verifiable, and as ssh-keygen -H makes it)', () => {
	assert.equal(knownHostsLine('Web1', 22, key(ED)), `web1 ssh-ed25519 ${ED}`);
	assert.equal(knownHostsLine('10.0.0.5', 2222, key(RSA)), `[10.0.0.5]:2222 ssh-rsa ${RSA}`);
	const salt = Buffer.from('Adem4cHWtqlgsiU7BduD+Z6VAeM=', 'base64');
	assert.equal(knownHostsLine('127.0.0.1', 2299, key(ED), salt), HASHED.split('\n')[0]);
	const line = knownHostsLine('example.com', 22, key(ED), Buffer.alloc(20, 7));
	assert.match(line, /^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
	const {entries} = parseKnownHosts(line, 'f');
	assert.equal(verifyHostKey(entries, 'example.com', 22, key(ED)).status, 'trusted');
	assert.throws(() => knownHostsLine('h', 22, Buffer.from('x')), /not an SSH public key/);
});

test('warnings read as OpenSSH 9.2 prints them', () => {
	const offending = {file: '/tmp/exp/kh', line: 1, keyType: 'ssh-ed25519'};
	assert.equal(changedHostKeyWarning('127.0.0.1', 2299, key(ED), offending), `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:wrhkCrnckvsH1OwdTNPk7v2UOcKqmKHO0sXltUe3KEQ.
Please contact your system administrator.
Add correct host key in /tmp/exp/kh to get rid of this message.
Offending ED25519 key in /tmp/exp/kh:1
  remove with:
  ssh-keygen -f "/tmp/exp/kh" -R "[127.0.0.1]:2299"
Host key for [127.0.0.1]:2299 has changed and you have requested strict checking.
Host key verification failed.`);
	assert.equal(revokedHostKeyWarning('127.0.0.1', 2299, key(ED)), `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@       WARNING: REVOKED HOST KEY DETECTED!               @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
The ED25519 host key for [127.0.0.1]:2299 is marked as revoked.
This could mean that a stolen key is being used to
impersonate this host.
ED25519 host key for [127.0.0.1]:2299 was revoked and you have requested strict checking.
Host key verification failed.`);
	assert.equal(unknownHostKeyText('h', 22, key(RSA)), `The authenticity of host 'h' can't be established.\nRSA key fingerprint is ${RSA_FP}.`);
	assert.match(unknownHostKeyText('h', 22, key(ED), ['ssh-rsa']), /keys of different type are already known for this host: RSA\./);
});

test('against this machine\'s ssh-keygen: fingerprints of fresh keys, and -H hashes our parser accepts', t => {
	if (which('ssh-keygen') === undefined) {
		t.skip('ssh-keygen missing');
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-kh-'));
	try {
		for (const type of ['ed25519', 'ecdsa', 'rsa']) {
			const path = join(dir, type);
			spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
			const [, blob] = readFileSync(`${path}.pub`, 'utf8').split(' ');
			const printed = spawnSync('ssh-keygen', ['-lf', `${path}.pub`], {encoding: 'utf8'}).stdout.split(' ')[1];
			assert.equal(fingerprint(key(blob!)), printed, type);
			const kh = join(dir, `kh-${type}`);
			writeFileSync(kh, `[Host.Example]:2022,10.9.8.7 ${readFileSync(`${path}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
			spawnSync('ssh-keygen', ['-H', '-f', kh]);
			const {entries, problems} = parseKnownHosts(readFileSync(kh, 'utf8'), kh);
			assert.deepEqual(problems, []);
			assert.equal(verifyHostKey(entries, 'host.example', 2022, key(blob!)).status, 'trusted');
			assert.equal(verifyHostKey(entries, '10.9.8.7', 22, key(blob!)).status, 'trusted');
			// and ssh-keygen -F finds the lines we write, hashed or not
			const ours = join(dir, `ours-${type}`);
			writeFileSync(ours, `${knownHostsLine('h.example', 2200, key(blob!))}\n${knownHostsLine('10.1.1.1', 22, key(blob!), Buffer.alloc(20, 3))}\n`);
			assert.equal(spawnSync('ssh-keygen', ['-F', '[h.example]:2200', '-f', ours]).status, 0);
			assert.equal(spawnSync('ssh-keygen', ['-F', '10.1.1.1', '-f', ours]).status, 0);
			assert.equal(spawnSync('ssh-keygen', ['-F', '10.1.1.2', '-f', ours]).status, 1);
		}
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
