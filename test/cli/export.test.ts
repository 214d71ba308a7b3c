import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {chmod, readdir, readFile, writeFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import {test} from 'node:test';
import {parse} from 'yaml';
import {propertiesMap} from '../../source/format/properties.ts';
import {ROOT, run, scratch, SEED_HOSTS, spawnCli} from './helpers.ts';

async function listTree(dir: string): Promise<string[]> {
	const out: string[] = [];
	const walk = async (d: string) => {
		for (const entry of (await readdir(d, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
			const p = join(d, entry.name);
			if (entry.isDirectory()) {
				out.push(`${relative(dir, p)}/`);
				await walk(p);
			} else out.push(relative(dir, p));
		}
	};
	await walk(dir);
	return out;
}

async function readTree(dir: string): Promise<Map<string, string>> {
	const files = (await listTree(dir)).filter(p => !p.endsWith('/'));
	return new Map(await Promise.all(files.map(async f => [f, await readFile(join(dir, f), 'utf8')] as const)));
}

const BASE = 'data/docker-services/rocketmq';
const hostTree = (ip: string, brokers: string[], console = false) => [
	`${ip}/`,
	`${ip}/RUNBOOK.md`,
	`${ip}/data/`,
	`${ip}/data/docker-services/`,
	`${ip}/${BASE}/`,
	`${ip}/${BASE}/broker/`,
	`${ip}/${BASE}/broker/conf/`,
	...brokers.map(b => `${ip}/${BASE}/broker/conf/${b}.conf`),
	`${ip}/${BASE}/broker/docker-compose.yml`,
	`${ip}/${BASE}/broker/logs/`,
	...brokers.map(b => `${ip}/${BASE}/broker/logs/${b}/`),
	`${ip}/${BASE}/broker/store/`,
	...brokers.map(b => `${ip}/${BASE}/broker/store/${b}/`),
	...(console ? [`${ip}/${BASE}/console/`, `${ip}/${BASE}/console/docker-compose.yml`] : []),
	`${ip}/${BASE}/namesrv/`,
	`${ip}/${BASE}/namesrv/docker-compose.yml`,
	`${ip}/${BASE}/namesrv/logs/`,
];

test('the seed\'s three hosts: one tree per host, nothing to edit', async () => {
	const dir = await scratch();
	const {code, out, err} = await run(['--export', 'out', '--hosts', SEED_HOSTS], dir);
	assert.equal(code, 0, err);
	assert.deepEqual(await listTree(join(dir, 'out')), [
		...hostTree('192.168.1.71', ['RaftNode00-n0', 'RaftNode01-n0'], true),
		...hostTree('192.168.1.76', ['RaftNode00-n1', 'RaftNode01-n1']),
		...hostTree('192.168.1.77', ['RaftNode00-n2', 'RaftNode01-n2']),
		'SUMMARY.md',
		'cluster.yaml',
	]);
	assert.match(out, /Wrote 13 files for 3 hosts/);
	assert.match(out, /192\.168\.1\.76 +192\.168\.1\.76 +:9876 +RaftNode00\/n1 10911\/10909\/20911, RaftNode01\/n1 10921\/10919\/20921 +—/);
	assert.match(out, /├── 192\.168\.1\.71\//);
	for (const [i, ip] of ['192.168.1.71', '192.168.1.76', '192.168.1.77'].entries()) {
		for (const group of ['RaftNode00', 'RaftNode01']) {
			const conf = propertiesMap(await readFile(join(dir, 'out', ip, BASE, 'broker/conf', `${group}-n${i}.conf`), 'utf8'));
			assert.equal(conf.get('brokerIP1'), ip);
			assert.equal(conf.get('dLegerSelfId'), `n${i}`);
			assert.equal(conf.get('namesrvAddr'), '192.168.1.71:9876;192.168.1.76:9876;192.168.1.77:9876');
		}
	}
	const runbook = await readFile(join(dir, 'out/192.168.1.76/RUNBOOK.md'), 'utf8');
	assert.match(runbook, /scp -r 192\.168\.1\.76\/data\/docker-services\/rocketmq root@192\.168\.1\.76:\/data\/docker-services\//);
	assert.match(runbook, /docker network inspect bridge_network >\/dev\/null 2>&1 \|\| docker network create bridge_network/);
	assert.match(runbook, /chown -R 3000:3000 \/data\/docker-services\/rocketmq\/namesrv\/logs \/data\/docker-services\/rocketmq\/broker\/logs\/RaftNode00-n1 /);
	assert.ok(runbook.indexOf('namesrv/docker-compose.yml up -d') < runbook.indexOf('broker/docker-compose.yml up -d'), 'name server starts before brokers');
	assert.doesNotMatch(runbook, /console\/docker-compose/);
	assert.match(await readFile(join(dir, 'out/192.168.1.71/RUNBOOK.md'), 'utf8'), /ssh -L 19876:127\.0\.0\.1:19876 root@192\.168\.1\.71/);
	const summary = await readFile(join(dir, 'out/SUMMARY.md'), 'utf8');
	assert.match(summary, /\| 192\.168\.1\.77 \| 9876, 10909, 10911, 20911, 10919, 10921, 20921 \|/);
	const pinned = parse(await readFile(join(dir, 'out/cluster.yaml'), 'utf8')) as {placement: Record<string, Record<string, {host: string; storeDir: string}>>};
	assert.deepEqual(pinned.placement.RaftNode01!.n2, {host: '192.168.1.77', storeDir: `/${BASE}/broker/store/RaftNode01-n2`});
});

test('re-exporting the written cluster.yaml, even with hosts reordered, gives the same files', async () => {
	const dir = await scratch();
	assert.equal((await run(['--export', 'first', '--hosts', SEED_HOSTS, '--groups', '3'], dir)).code, 0);
	const again = await run(['--export', 'second', '--inventory', 'first/cluster.yaml'], dir);
	assert.equal(again.code, 0, again.err);
	assert.deepEqual(await readTree(join(dir, 'second')), await readTree(join(dir, 'first')));
	const yamlText = await readFile(join(dir, 'first/cluster.yaml'), 'utf8');
	const doc = parse(yamlText) as {hosts: unknown[]};
	doc.hosts.reverse();
	const {stringify} = await import('yaml');
	await writeFile(join(dir, 'reordered.yaml'), stringify(doc));
	const third = await run(['--export', 'third', '--inventory', 'reordered.yaml'], dir);
	assert.equal(third.code, 0, third.err);
	const first = await readTree(join(dir, 'first'));
	for (const [path, content] of await readTree(join(dir, 'third'))) {
		if (path.endsWith('.conf')) assert.equal(content, first.get(path), `${path} unchanged by reordering`);
	}
});

test('removing a host that holds replicas from an exported cluster is refused', async () => {
	const dir = await scratch();
	assert.equal((await run(['--export', 'first', '--hosts', '10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4'], dir)).code, 0);
	const doc = parse(await readFile(join(dir, 'first/cluster.yaml'), 'utf8')) as {hosts: Array<{name: string}>};
	doc.hosts = doc.hosts.filter(h => h.name !== '10.0.0.2');
	const {stringify} = await import('yaml');
	await writeFile(join(dir, 'smaller.yaml'), stringify(doc));
	const {code, err} = await run(['--export', 'second', '--inventory', 'smaller.yaml'], dir);
	assert.equal(code, 2);
	assert.match(err, /replica RaftNode00\/n1 lives on host "10\.0\.0\.2", which is no longer in hosts: this would drop it and its store \/data\/docker-services\/rocketmq\/broker\/store\/RaftNode00-n1/);
	assert.equal(existsSync(join(dir, 'second')), false);
});

test('--json prints the plan', async () => {
	const {code, out} = await run(['--hosts', '10.0.0.1;10.0.0.2;10.0.0.3;10.0.0.4;10.0.0.5', '--groups', '3', '--json']);
	assert.equal(code, 0);
	const plan = JSON.parse(out) as {groups: Array<{replicas: Array<{host: string}>}>; namesrvAddr: string};
	assert.equal(plan.groups.length, 3);
	assert.ok(plan.groups.every(g => new Set(g.replicas.map(r => r.host)).size === 3));
	assert.equal(plan.namesrvAddr.split(';').length, 5);
});

test('--force replaces an earlier export', async () => {
	const dir = await scratch();
	assert.equal((await run(['--export', 'out', '--hosts', SEED_HOSTS], dir)).code, 0);
	const {code} = await run(['--export', 'out', '--hosts', '10.0.0.1,10.0.0.2,10.0.0.3', '--force'], dir);
	assert.equal(code, 0);
	assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3', 'SUMMARY.md', 'cluster.yaml']);
});

test('the built CLI (dist/cli.js) exports on the project\'s Node, finding its templates', async () => {
	const dir = await scratch();
	const node = join(ROOT, 'node_modules/.bin/node');
	const r = await spawnCli(node, [join(ROOT, 'dist/cli.js'), '--export', join(dir, 'out'), '--hosts', SEED_HOSTS]);
	assert.equal(r.code, 0, r.err);
	assert.ok(existsSync(join(dir, 'out/192.168.1.77', BASE, 'broker/conf/RaftNode01-n2.conf')));
});

test('an old system Node gets a clear message, not a stack trace', {skip: !existsSync('/usr/bin/node') && 'no system node'}, async t => {
	const version = await spawnCli('/usr/bin/node', ['--version']);
	const [major = 0, minor = 0] = version.out.trim().slice(1).split('.').map(Number);
	if (major > 22 || (major === 22 && minor >= 12)) return t.skip(`system Node ${version.out.trim()} is new enough`);
	const r = await spawnCli('/usr/bin/node', [join(ROOT, 'dist/cli.js'), '--version']);
	assert.equal(r.code, 1);
	assert.match(r.err, /rmq-tui needs Node\.js 22\.12 or newer; this is v\d+/);
	assert.doesNotMatch(r.err, /at .*\.js:\d+/);
});

test('an unwritable export directory is refused with the reason (as an unprivileged user)', {skip: process.getuid?.() !== 0 && 'needs root to switch user'}, async t => {
	const dir = await scratch();
	await chmod(dir, 0o755);
	if ((await spawnCli('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true'])).code !== 0) return t.skip('setpriv unavailable');
	const node = join(ROOT, 'node_modules/.bin/node');
	const r = await spawnCli('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', node, join(ROOT, 'dist/cli.js'), '--export', join(dir, 'out'), '--hosts', SEED_HOSTS], {env: {PATH: process.env.PATH, HOME: '/nonexistent'}});
	assert.equal(r.code, 2, r.err);
	assert.match(r.err, /permission denied\n {2}fix: choose a directory you can write to/);
	assert.deepEqual(await readdir(dir), []);
});
