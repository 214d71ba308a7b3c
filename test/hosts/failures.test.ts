/**
 * What goes wrong on real hosts, and what the operator is told: wrong SSH key, unknown and changed host keys, a
 * port already in use, Docker stopped, a user without sudo; a host cut off at a named step (the others finish
 * their part, heal, the next run completes); and the pull path through a registry (the testbed's Docker Hub
 * mirror) instead of an archive. Nothing here is mocked: real sshd, real dockerd, real network faults.
 */
import assert from 'node:assert/strict';
import {generateKeyPairSync} from 'node:crypto';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {sshBanner} from '../testbed/testbed.ts';
import {waitFor} from '../support/wait.ts';
import {deployTo, needTestbed, testCluster, useTestbed, wipeHosts} from './support.ts';

const testbed = useTestbed();



const failureOf = (d: Awaited<ReturnType<typeof deployTo>>, host: string) => d.result.failures.find(f => f.host === host);

test('wrong SSH key: authentication fails naming the methods tried; nothing changes anywhere', async t => {
	const bed = testbed.bed();
	const archive = testbed.archive();
	if (!needTestbed(t) || !bed) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-wrongkey-'));
	const key = join(dir, 'id_ed25519');
	writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600});
	const cluster = testCluster(bed);
	cluster.hosts[1] = {...cluster.hosts[1]!, ssh: {...cluster.hosts[1]!.ssh, identity: key}};
	const d = await deployTo(bed, cluster, {imageArchive: archive});
	assert.equal(d.result.ok, false);
	assert.equal(d.result.failures.length, 1);
	const f = failureOf(d, '10.99.0.12')!;
	assert.equal(f.step, 'connect');
	assert.match(f.message, /auth|authentication/i);
	assert.match(f.message, /publickey/);
	for (const h of bed.hosts) assert.equal((await bed.exec(h, ['test', '-e', '/data/docker-services'])).code, 1, `${h.name} untouched`);
});

test('unknown host key: refused (fingerprint shown to the confirm callback); changed host key: refused with OpenSSH\'s warning', async t => {
	const bed = testbed.bed();
	const archive = testbed.archive();
	if (!needTestbed(t) || !bed) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-known-'));
	const partial = join(dir, 'known_hosts');
	writeFileSync(partial, `${bed.knownHostsLine('h1')}\n${bed.knownHostsLine('h3')}\n`);
	const seen: string[] = [];
	const d = await deployTo(bed, testCluster(bed), {dryRun: true, imageArchive: archive}, {
		fleet: {knownHostsFile: partial, confirmUnknownHost: async u => (seen.push(`${u.host} ${u.fingerprint}`), false)},
	});
	assert.equal(d.result.ok, false);
	const expected = bed.knownHostsLine('h2').split(' ');
	assert.equal(seen.length, 1);
	assert.match(seen[0]!, /^10\.99\.0\.12 SHA256:[A-Za-z0-9+/]{43}$/);
	assert.match(failureOf(d, '10.99.0.12')!.message, /host key/i);
	assert.equal(expected[0], '10.99.0.12');

	// Accepted once → recorded → trusted next time without asking.
	const d2 = await deployTo(bed, testCluster(bed), {dryRun: true, imageArchive: archive}, {fleet: {knownHostsFile: partial, confirmUnknownHost: async () => true}});
	assert.deepEqual(d2.result.failures, []);
	assert.match(readFileSync(partial, 'utf8'), /10\.99\.0\.12 ssh-ed25519 /);

	const rotated = await bed.rotateHostKey('h3');
	try {
		const d3 = await deployTo(bed, testCluster(bed), {dryRun: true, imageArchive: archive}, {fleet: {knownHostsFile: partial, confirmUnknownHost: async () => true}});
		const f = failureOf(d3, '10.99.0.13')!;
		assert.match(f.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
		assert.match(f.message, new RegExp(`${partial.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2`));
	} finally {
		// Put the new key where the other tests look (the testbed's own known_hosts already has it).
		assert.match(rotated, /^10\.99\.0\.13 ssh-ed25519 /);
	}
});

test('preflight stops before any change: a port in use, Docker stopped, a user without sudo — each with its fix', async t => {
	const bed = testbed.bed();
	const archive = testbed.archive();
	if (!needTestbed(t) || !bed) return;
	// A listener that outlives connections (busybox nc exits after the first one: the peer check's).
	const squatter = bed.spawn('h1', ['/usr/bin/python3', '-c', "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('0.0.0.0', 9876))\ns.listen(64)\ntime.sleep(600)"]);
	await bed.dockerStop('h2');
	try {
		const cluster = testCluster(bed);
		cluster.hosts[2] = {...cluster.hosts[2]!, ssh: {...cluster.hosts[2]!.ssh, user: 'nosudo'}};
		let d = await deployTo(bed, cluster, {imageArchive: archive});
		for (let i = 0; i < 20 && !/9876/.test(failureOf(d, '10.99.0.11')?.message ?? ''); i++) {
			await new Promise(r => setTimeout(r, 250)); // nc may not listen yet
			d = await deployTo(bed, cluster, {imageArchive: archive});
		}
		assert.equal(d.result.ok, false);
		assert.ok(d.result.failures.every(f => f.step === 'preflight'), JSON.stringify(d.result.failures));
		assert.match(failureOf(d, '10.99.0.11')?.message ?? JSON.stringify(d.result.failures), /Ports free: 9876 \(name server\) held by another process — fix: stop what holds them/);
		assert.match(failureOf(d, '10.99.0.12')!.message, /Docker reachable: .* — fix: install Docker Engine and start it/);
		assert.match(failureOf(d, '10.99.0.13')!.message, /Privileges: nosudo cannot run `sudo -n`.*NOPASSWD/);
		for (const h of bed.hosts) assert.equal((await bed.exec(h, ['test', '-e', '/data/docker-services/rocketmq/broker'])).code, 1, `${h.name}: nothing written`);
	} finally {
		squatter.kill('SIGKILL');
		await bed.dockerStart('h2');
	}
});

test('a host cut off at the files step: named in the error, the others prepared, no container started; healed, the rerun completes', async t => {
	const bed = testbed.bed();
	const archive = testbed.archive();
	if (!needTestbed(t) || !bed) return;
	await wipeHosts(bed);
	let cut = false;
	const d = await deployTo(bed, testCluster(bed), {imageArchive: archive, timeoutMs: 20_000}, {
		fleet: {},
		onEvent: e => {
			if (!cut && e.type === 'host' && e.host === '10.99.0.12' && e.step === 'files' && e.state === 'running') {
				cut = true;
				void bed.cut('h2');
			}
		},
	});
	await bed.heal('h2');
	await waitFor('h2 answers SSH again after heal', 30_000, async () => (await sshBanner('10.99.0.12', 1000)) !== undefined);
	assert.equal(d.result.ok, false);
	const f = failureOf(d, '10.99.0.12')!;
	assert.ok(f.step === 'files' || f.step === 'network' || f.step === 'image', JSON.stringify(d.result.failures));
	assert.match(f.message, /10\.99\.0\.12, step \w+: /);
	assert.equal((await bed.exec('h1', ['test', '-s', '/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf'])).code, 0, 'h1 prepared');
	for (const h of bed.hosts) assert.equal((await bed.dockerOk(h, ['ps', '-aq'])).trim(), '', `${h.name}: no container started`);

	const again = await deployTo(bed, testCluster(bed), {imageArchive: archive, breakLock: true});
	assert.deepEqual(again.result.failures, []);
	const h1 = again.result.changes!.hosts.find(h => h.host === '10.99.0.11')!;
	assert.ok(h1.files.every(x => x.kind === 'unchanged'), 'h1 files were done by the first run');
});

test('the pull path: no archive, the images come from the registry (the hosts\' Docker Hub mirror)', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	await wipeHosts(bed);
	await bed.pushTestImages();
	try {
		const d = await deployTo(bed, testCluster(bed));
		assert.deepEqual(d.result.failures, []);
		const pulled = d.events.filter(e => e.type === 'host' && e.step === 'image' && e.state === 'ok').map(e => (e as {detail?: string}).detail);
		assert.ok(pulled.some(x => /pulled/.test(x ?? '')), pulled.join(' | '));
	} finally {
		await bed.stopRegistry();
	}
});

test('no image anywhere and no registry: preflight asks the registry from each host (Docker\'s own answer) and stops before any change', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	await wipeHosts(bed);
	await bed.stopRegistry();
	const d = await deployTo(bed, testCluster(bed));
	assert.equal(d.result.ok, false);
	assert.deepEqual(d.result.failures.map(f => `${f.host} ${f.step}`).sort(), bed.hosts.map(h => `${h.ip} preflight`).sort());
	const message = failureOf(d, bed.hosts[1]!.ip)!.message;
	assert.match(message, /Images: apacherocketmq\/rocketmq:4\.7\.1-alpine absent and not pullable from here: .+ — fix: pass --image-archive FILE/);
	assert.match(message, /--build-image DIR/);
	for (const h of bed.hosts) {
		assert.equal(await bed.dockerOk(h, ['ps', '-aq']), '', `${h.name}: no container`);
		assert.equal((await bed.exec(h, ['test', '-e', '/data/docker-services/rocketmq/namesrv'])).code, 1, `${h.name}: no file`);
	}
	t.diagnostic(message.split('\n')[0]!);
});
