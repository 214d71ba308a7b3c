/** The deployment guide's own files: as written (one host, 192.168.1.71), and as its step 4.4 says to adapt them per host. */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {lintPaths} from '../../source/lint/load.ts';
import {brief} from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEED = 'test/fixtures/seed';
const ADAPTED = 'test/fixtures/lint/seed-adapted';
const read = (path: string) => readFileSync(`${ROOT}/${path}`, 'utf8');
const where = (f: {file: string; line?: number; severity: string; rule: string}) => `${f.file}:${f.line ?? '-'} ${f.severity} [${f.rule}]`;

test('the seed as written: correct for 192.168.1.71 (no errors), with warnings about its compose file', async () => {
	const {findings, problems, fileCount} = await lintPaths([SEED], ROOT);
	assert.deepEqual(problems, []);
	assert.equal(fileCount, 5);
	assert.deepEqual(findings.filter(f => f.severity !== 'info').map(where), [
		`${SEED}/broker/docker-compose.yml:8 warning [compose-heap-unset]`,
		`${SEED}/broker/docker-compose.yml:14 warning [compose-port-unused]`,
		`${SEED}/broker/docker-compose.yml:19 warning [compose-conf-outside-home]`,
		`${SEED}/broker/docker-compose.yml:22 warning [compose-heap-unset]`,
		`${SEED}/broker/docker-compose.yml:28 warning [compose-port-unused]`,
		`${SEED}/broker/docker-compose.yml:33 warning [compose-conf-outside-home]`,
		`${SEED}/namesrv/docker-compose.yml:8 warning [compose-heap-unset]`,
	]);
	// Both confs are 192.168.1.71's (brokerIP1); their peers on .76/.77 are not among the files: said, not judged.
	assert.ok(findings.filter(f => f.file.endsWith('.conf')).every(f => f.host === '192.168.1.71'));
	assert.deepEqual(findings.filter(f => f.rule === 'dledger-replica-not-linted').map(f => f.message), [
		'RaftNode00 replica(s) n1-192.168.1.76:20911, n2-192.168.1.77:20911 have no conf among the linted files: they are not checked against this one',
		'RaftNode01 replica(s) n1-192.168.1.76:20921, n2-192.168.1.77:20921 have no conf among the linted files: they are not checked against this one',
	]);
});

test('the seed compose file: conf mounted outside the image\'s RocketMQ home, and the unused listenPort+1 ports', async () => {
	const {findings} = await lintPaths([`${SEED}/broker`], ROOT);
	const outside = findings.filter(f => f.rule === 'compose-conf-outside-home');
	assert.deepEqual(outside.map(f => [f.severity, f.line, f.message]), [0, 1].map(i => ['warning', i === 0 ? 19 : 33,
		`service rocketmq-broker${i} mounts its conf at /opt/rocketmq-4.7.1-alpine/conf/dledger, outside the image's RocketMQ home (/home/rocketmq; ROCKETMQ_HOME is /home/rocketmq/rocketmq-4.7.1): it only works because -c names the same absolute path`]));
	assert.equal(outside[0]!.fix, 'mount the conf folder at /home/rocketmq/conf and pass -c /home/rocketmq/conf/broker-n0.conf');
	assert.deepEqual(findings.filter(f => f.rule === 'compose-port-unused').map(f => [f.severity, f.line, f.message, f.fix]), [
		['warning', 14, 'service rocketmq-broker0 publishes 10912 (listenPort+1, the HA port), which is not opened in DLedger mode', 'remove "10912:10912" from its ports'],
		['warning', 28, 'service rocketmq-broker1 publishes 10922 (listenPort+1, the HA port), which is not opened in DLedger mode', 'remove "10922:10922" from its ports'],
	]);
	assert.equal(findings.filter(f => f.severity === 'error').length, 0, findings.map(brief).join('\n'));
});

test('the seed-adapted fixture is the seed with only brokerIP1/brokerIP2 changed per host', () => {
	for (const ip of ['192.168.1.71', '192.168.1.76', '192.168.1.77']) {
		for (const n of [0, 1]) {
			const seed = read(`${SEED}/broker/conf/dledger/broker-n${n}.conf`).split('\n');
			const adapted = read(`${ADAPTED}/${ip}/broker/conf/dledger/broker-n${n}.conf`).split('\n');
			assert.equal(adapted.length, seed.length);
			const changed = seed.flatMap((line, i) => (line === adapted[i] ? [] : [`${line} → ${adapted[i]}`]));
			assert.deepEqual(changed, ip === '192.168.1.71' ? [] : [`brokerIP1 = 192.168.1.71 → brokerIP1 = ${ip}`, `brokerIP2 = 192.168.1.71 → brokerIP2 = ${ip}`]);
		}
		for (const compose of ['broker', 'namesrv']) assert.equal(read(`${ADAPTED}/${ip}/${compose}/docker-compose.yml`), read(`${SEED}/${compose}/docker-compose.yml`));
	}
});

test('the seed adapted as its guide says fails: every replica claims n0, and the peer entries for .76/.77 point at hosts whose replica is n0', async () => {
	const {findings} = await lintPaths([ADAPTED], ROOT);
	const conf = (ip: string, n: number) => `${ADAPTED}/${ip}/broker/conf/dledger/broker-n${n}.conf`;
	const expected = ['192.168.1.76', '192.168.1.77'].flatMap((ip, k) => [0, 1].flatMap(n => {
		const group = `RaftNode0${n}`;
		const port = n === 0 ? 20911 : 20921;
		const id = `n${k + 1}`;
		const others = ['192.168.1.71', '192.168.1.76', '192.168.1.77'].filter(o => o !== ip);
		return [
			`${conf(ip, n)}:${43 + 2 * n} error [dledger-peer-wrong-host] dLegerPeers gives this host (${ip}) the entry ${id}-${ip}:${port}, but this broker is dLegerSelfId=n0, whose entry n0-192.168.1.71:${port} points at 192.168.1.71`,
			`${conf(ip, n)}:${45 + 2 * n} error [dledger-selfid-duplicate] dLegerSelfId=n0 is also claimed in ${group} by ${others.map(o => `${o} (${conf(o, n)})`).join(' and ')}: ids must be unique within a group`,
		];
	}));
	assert.deepEqual(findings.filter(f => f.severity === 'error').map(brief), expected);
	const fixes = findings.filter(f => f.rule === 'dledger-selfid-duplicate').map(f => f.fix);
	assert.deepEqual(fixes, [
		'set dLegerSelfId=n1, the id dLegerPeers gives this host (192.168.1.76)',
		'set dLegerSelfId=n1, the id dLegerPeers gives this host (192.168.1.76)',
		'set dLegerSelfId=n2, the id dLegerPeers gives this host (192.168.1.77)',
		'set dLegerSelfId=n2, the id dLegerPeers gives this host (192.168.1.77)',
	]);
	// Mapped by folder: every file of a host folder carries that host.
	assert.ok(findings.every(f => f.host !== undefined && f.file.startsWith(`${ADAPTED}/${f.host}/`)), findings.filter(f => !f.host).map(brief).join('\n'));
});
