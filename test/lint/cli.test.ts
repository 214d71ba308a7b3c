/** `rmq-tui lint PATH...`: output, exit codes, --json/--quiet, and how files on disk are found and mapped to hosts. */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {lintCommand} from '../../source/cli/commands/lint.ts';
import {EXIT, memoryIO} from '../../source/cli/io.ts';
import type {Finding} from '../../source/lint/index.ts';
import {composePath, confPath, goodConf, GOOD_COMPOSE, HOSTS} from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADAPTED = 'test/fixtures/lint/seed-adapted';
const temp = mkdtempSync(join(tmpdir(), 'rmq-tui-lint-'));
after(() => rmSync(temp, {recursive: true, force: true}));

function writeTree(root: string, files: Record<string, string>): string {
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), {recursive: true});
		writeFileSync(join(root, path), text);
	}
	return root;
}

async function run(paths: string[], flags: {json?: boolean; quiet?: boolean} = {}, cwd = ROOT) {
	const io = memoryIO(cwd);
	const code = await lintCommand(paths, flags, io);
	return {code, out: io.out(), err: io.err()};
}

test('the seed adapted per host: exit 1, compiler-style findings grouped per file, and a summary', async () => {
	const {code, out, err} = await run([ADAPTED]);
	assert.equal(code, EXIT.findings);
	assert.equal(err, '');
	const lines = out.trimEnd().split('\n');
	assert.equal(lines.at(-1), '8 errors, 21 warnings, 21 info in 13 files');
	assert.ok(out.includes(
		`${ADAPTED}/192.168.1.76/broker/conf/dledger/broker-n0.conf:45: error [dledger-selfid-duplicate] dLegerSelfId=n0 is also claimed in RaftNode00 by ` +
		`192.168.1.71 (${ADAPTED}/192.168.1.71/broker/conf/dledger/broker-n0.conf) and 192.168.1.77 (${ADAPTED}/192.168.1.77/broker/conf/dledger/broker-n0.conf): ids must be unique within a group\n` +
		'  fix: set dLegerSelfId=n1, the id dLegerPeers gives this host (192.168.1.76)\n'));
	for (const line of lines.slice(0, -2)) {
		if (line === '') continue; // between files
		assert.match(line, line.startsWith('  fix: ') ? /^ {2}fix: \S/ : /^[^\s:]+:\d+: (error|warning|info) \[[a-z0-9-]+\] \S/, line);
	}
});

test('the seed as written: exit 0 (warnings only)', async () => {
	const {code, out} = await run(['test/fixtures/seed']);
	assert.equal(code, EXIT.ok);
	assert.match(out, /\n0 errors, 7 warnings, 11 info in 5 files\n$/);
});

test('--quiet shows errors only; --json prints the findings', async () => {
	const quiet = await run([ADAPTED], {quiet: true});
	assert.equal(quiet.code, EXIT.findings);
	assert.ok(!/: (warning|info) \[/.test(quiet.out));
	assert.equal(quiet.out.match(/: error \[/g)?.length, 8);
	const json = await run([ADAPTED], {json: true});
	assert.equal(json.code, EXIT.findings);
	const findings = JSON.parse(json.out) as Finding[];
	assert.equal(findings.length, 50);
	assert.deepEqual(Object.keys(findings.find(f => f.rule === 'dledger-selfid-duplicate')!).sort(), ['file', 'fix', 'host', 'line', 'message', 'rule', 'severity']);
});

test('usage problems exit 2 and say which path and how to fix it', async () => {
	const none = await run([]);
	assert.equal(none.code, EXIT.usage);
	assert.match(none.err, /no paths given\n {2}fix: name the broker \.conf/);
	const missing = await run(['test/fixtures/seed', 'no/such/dir']);
	assert.equal(missing.code, EXIT.usage);
	assert.equal(missing.err, `rmq-tui lint: no/such/dir: no such file or directory (looked for ${join(ROOT, 'no/such/dir')}); check the path\n`);
	const empty = await run(['test/fixtures/rocketmq-4.7.1']);
	assert.equal(empty.code, EXIT.usage);
	assert.match(empty.err, /test\/fixtures\/rocketmq-4\.7\.1: no broker \.conf\/\.properties, docker-compose\*\.yml or cluster\.yaml inside/);
});

test('host-name folders holding confs and compose files are hosts; files copied without changing brokerIP1 are caught', async () => {
	const root = writeTree(join(temp, 'named'), Object.fromEntries(['node-a', 'node-b', 'node-c'].flatMap((name, i) => [
		[`${name}/broker/conf/broker.conf`, goodConf(HOSTS[0], `n${i}`)],
		[`${name}/broker/docker-compose.yml`, GOOD_COMPOSE],
	])));
	const {code, out} = await run(['.'], {json: true}, root);
	assert.equal(code, EXIT.findings);
	const findings = JSON.parse(out) as Finding[];
	const duplicates = findings.filter(f => f.rule === 'broker-ip-duplicate');
	assert.deepEqual(duplicates.map(f => [f.host, f.file, f.line]), [
		['node-a', 'node-a/broker/conf/broker.conf', 4],
		['node-b', 'node-b/broker/conf/broker.conf', 4],
		['node-c', 'node-c/broker/conf/broker.conf', 4],
	]);
	assert.equal(duplicates[1]!.message, 'brokerIP1=192.168.1.71 is also the brokerIP1 of node-a (node-a/broker/conf/broker.conf) and node-c (node-c/broker/conf/broker.conf): every host must advertise its own IP');
});

test('a single file named by path gets its host from an IP folder in the path', async () => {
	const root = writeTree(join(temp, 'single'), {
		[confPath('192.168.1.76')]: goodConf('192.168.1.71', 'n1'),
		[composePath('192.168.1.76')]: GOOD_COMPOSE,
	});
	const {out} = await run([confPath('192.168.1.76')], {json: true}, root);
	const wrong = (JSON.parse(out) as Finding[]).find(f => f.rule === 'broker-ip-wrong-host');
	assert.equal(wrong?.message, 'brokerIP1=192.168.1.71 but this file is for host 192.168.1.76 (192.168.1.76): the broker would advertise another host\'s address');
});

test('a cluster file is linted, and so is what rmq-tui renders from it', async () => {
	const root = writeTree(join(temp, 'inventory'), {
		'cluster.yaml': 'version: 1\nhosts: [192.168.1.71, 192.168.1.76, 192.168.1.77]\nreplicas: 3\nbrokerProperties:\n  dLedgerSelfId: n0\n',
	});
	const {code, out} = await run(['cluster.yaml'], {}, root);
	assert.equal(code, EXIT.findings);
	assert.match(out, /^cluster\.yaml → 192\.168\.1\.71:\/data\/docker-services\/rocketmq\/broker\/conf\/RaftNode00-n0\.conf:\d+: error \[dledger-key-misspelled\] dLedgerSelfId is misspelled/m);
	assert.match(out, /\n6 errors, 0 warnings in 1 file\n$/);
});
