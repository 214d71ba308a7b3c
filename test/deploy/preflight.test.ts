/** Preflight: every check in each status it can take, with its detail and fix. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {ImageSupply} from '../../source/deploy/image-supply.ts';
import type {ObservedContainer} from '../../source/deploy/observed.ts';
import {blocking, plannedMemoryBytes, preflightChecks, type Check, type HostFacts, type PreflightContext} from '../../source/deploy/preflight.ts';
import {clusterFromHosts, type OptionInput} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import type {Plan} from '../../source/plan/types.ts';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const IMAGE = 'apacherocketmq/rocketmq:4.7.1-alpine';
const BASE = '/data/docker-services/rocketmq';

function planOf(hosts: string[], options: OptionInput = {}): Plan {
	const result = buildPlan(clusterFromHosts(hosts, options));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return result.plan;
}

const SEED = planOf(['192.168.1.71', '192.168.1.76', '192.168.1.77']);

function ctx(over: Partial<PreflightContext> = {}, plan = SEED, host = '192.168.1.71'): PreflightContext {
	return {plan, host: plan.hosts.find(h => h.spec.name === host)!, images: [{image: IMAGE, how: 'present', id: `sha256:${'c'.repeat(64)}`}], ...over};
}

function facts(over: Partial<HostFacts> = {}): HostFacts {
	return {
		user: {name: 'root', uid: 0, sudo: 'root'},
		docker: {ok: true, version: '20.10.24', apiVersion: '1.41', rootless: false, userns: false, viaSudo: false},
		compose: {kind: 'v1', version: '1.29.2'},
		portsInUse: [],
		diskFreeBytes: 100 * GIB,
		memTotalBytes: 16 * GIB,
		memAvailableBytes: 8 * GIB,
		imageIds: {[IMAGE]: `sha256:${'c'.repeat(64)}`},
		clockOffsetMs: 12,
		addresses: ['127.0.0.1', '192.168.1.71'],
		selinux: 'disabled',
		containers: [],
		existingDirs: [],
		peers: [
			{to: '192.168.1.76', ip: '192.168.1.76', port: 10911, owner: 'RaftNode00/n1 listen'},
			{to: '192.168.1.77', ip: '192.168.1.77', port: 20911, owner: 'RaftNode00/n2 DLedger'},
		],
		...over,
	};
}

const one = (checks: readonly Check[], id: string): Check => {
	const found = checks.filter(c => c.id === id);
	assert.equal(found.length, 1, `one ${id} check`);
	return found[0]!;
};
const check = (id: string, f: Partial<HostFacts> = {}, c: Partial<PreflightContext> = {}): Check => one(preflightChecks(ctx(c), facts(f)), id);

function container(name: string, labels: Record<string, string>, hostPorts: number[] = []): ObservedContainer {
	return {
		id: `id-${name}`, name, image: IMAGE, imageId: 'sha256:x', command: [], env: [],
		ports: hostPorts.map(p => ({hostPort: p, containerPort: p})), mounts: [], init: true, restart: 'unless-stopped',
		labels, networks: ['bridge_network'], state: 'running', startedAt: '', restartCount: 0,
	};
}

test('a healthy host: every check ok, in display order, with its detail', () => {
	const checks = preflightChecks(ctx(), facts());
	assert.deepEqual(checks, [
		{id: 'sudo', title: 'Privileges', status: 'ok', detail: 'root is root'},
		{id: 'docker', title: 'Docker reachable', status: 'ok', detail: 'Docker 20.10.24, API 1.41'},
		{id: 'compose', title: 'Compose', status: 'ok', detail: 'docker-compose 1.29.2'},
		{id: 'image', title: 'Images', status: 'ok', detail: `${IMAGE} present (sha256:cccccccccccc)`},
		{id: 'ports', title: 'Ports free', status: 'ok', detail: '10 ports: 9876, 10909, 10911, 10912, 20911, 10919, 10921, 10922, 20921, 19876'},
		{id: 'ip', title: 'Advertised IP bound', status: 'ok', detail: '192.168.1.71 is an address of this host'},
		{id: 'peers', title: 'Peers reachable', status: 'ok', detail: '2 host-to-host ports answer'},
		{id: 'disk', title: 'Free disk', status: 'ok', detail: `100.0 GiB free under ${BASE}`},
		{id: 'memory', title: 'Memory for the heaps', status: 'ok', detail: 'needs ~3.1 GiB (heaps 2×1g + 512m + JVM overhead); 16.0 GiB total, 8.0 GiB available'},
		{id: 'clock', title: 'Clock offset', status: 'ok', detail: '+12 ms vs this machine'},
		{id: 'selinux', title: 'SELinux', status: 'ok', detail: 'disabled'},
		{id: 'existing', title: 'Existing deployment', status: 'ok', detail: 'none'},
	]);
	assert.deepEqual(blocking(checks), []);
	for (const c of checks) assert.equal('fix' in c, false, `${c.id}: no fix when ok`);
});

test('sudo: root, passwordless, password required, none', () => {
	assert.deepEqual(check('sudo', {user: {name: 'deploy', uid: 1000, sudo: 'nopasswd'}}), {id: 'sudo', title: 'Privileges', status: 'ok', detail: 'deploy has passwordless sudo'});
	assert.deepEqual(check('sudo', {user: {name: 'deploy', uid: 1000, sudo: 'password-required'}}), {
		id: 'sudo', title: 'Privileges', status: 'fail',
		detail: 'deploy cannot run `sudo -n` (a password is required): dirs owned by uid 3000 cannot be created',
		fix: 'connect as root, or allow it: `deploy ALL=(root) NOPASSWD: ALL` in /etc/sudoers.d/rmq-tui',
	});
	const none = check('sudo', {user: {name: 'ops', uid: 1001, sudo: 'none'}});
	assert.equal(none.status, 'fail');
	assert.equal(none.detail, 'ops cannot run `sudo -n`: dirs owned by uid 3000 cannot be created');
	assert.match(none.fix!, /`ops ALL=\(root\) NOPASSWD: ALL`/);
});

test('docker: through sudo, or not reachable', () => {
	assert.equal(check('docker', {docker: {ok: true, version: '24.0.7', apiVersion: '1.43', rootless: false, userns: false, viaSudo: true}}).detail, 'Docker 24.0.7, API 1.43 (through sudo -n docker)');
	const bad = check('docker', {docker: {ok: false, error: 'permission denied on /var/run/docker.sock'}});
	assert.equal(bad.status, 'fail');
	assert.equal(bad.detail, 'permission denied on /var/run/docker.sock');
	assert.ok(bad.fix!.includes('`systemctl start docker`'));
	assert.ok(bad.fix!.includes('`usermod -aG docker USER`'));
	assert.ok(bad.fix!.includes('passwordless sudo'));
});

test('compose: v2, v1, none (only a warning: the Docker API is used)', () => {
	assert.equal(check('compose', {compose: {kind: 'v2', version: '2.24.5'}}).detail, 'docker compose 2.24.5');
	assert.deepEqual(check('compose', {compose: {kind: 'none'}}), {
		id: 'compose', title: 'Compose', status: 'warn',
		detail: 'neither `docker compose` nor `docker-compose` is installed',
		fix: 'nothing to do: rmq-tui starts the containers through the Docker API; install Compose only to manage them by hand with the uploaded files',
	});
});

test('images: one line per image, how it gets there; a registry that does not answer fails with every way out', () => {
	const CONSOLE = 'apacherocketmq/rocketmq-console:2.0.0';
	const images = (list: ImageSupply[]) => ({images: list});
	assert.deepEqual(check('image', {}, images([{image: IMAGE, how: 'present', id: `sha256:${'c'.repeat(64)}`}, {image: CONSOLE, how: 'archive'}])), {
		id: 'image', title: 'Images', status: 'ok',
		detail: `${IMAGE} present (sha256:cccccccccccc); ${CONSOLE} absent; will be loaded from the image archive`,
	});
	assert.deepEqual(check('image', {}, images([{image: IMAGE, how: 'copy', from: '192.168.1.76'}, {image: CONSOLE, how: 'pull', registry: {ok: true, detail: 'the registry has it: sha256:0123456789ab'}}])), {
		id: 'image', title: 'Images', status: 'ok',
		detail: `${IMAGE} absent; will be copied from 192.168.1.76 (docker save | docker load); ${CONSOLE} absent; will be pulled (the registry has it: sha256:0123456789ab)`,
	});
	assert.equal(check('image', {}, images([{image: IMAGE, how: 'build'}])).detail, `${IMAGE} absent everywhere; will be built here with image-build/build-image.sh, then copied to the other hosts`);
	const bad = check('image', {}, images([{image: IMAGE, how: 'pull', registry: {ok: false, error: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'}}]));
	assert.equal(bad.status, 'fail');
	assert.equal(bad.detail, `${IMAGE} absent and not pullable from here: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`);
	assert.equal(bad.fix, `pass --image-archive FILE (\`docker save ${IMAGE} -o FILE\` where they exist), or --build-image DIR (a checkout of apache/rocketmq-docker) to build the RocketMQ image on one host as the guide does, or give the host a registry (a mirror in /etc/docker/daemon.json "registry-mirrors")`);
	// Only the console image unpullable: building RocketMQ's would not help, so it is not offered.
	const consoleOnly = check('image', {}, images([{image: CONSOLE, how: 'pull', registry: {ok: false, error: 'timeout'}}]));
	assert.equal(consoleOnly.status, 'fail');
	assert.doesNotMatch(consoleOnly.fix!, /--build-image/);
});

test('ports: a clash names port, owner and holder; this cluster\'s own containers and unplanned ports are not a clash', () => {
	const bad = check('ports', {portsInUse: [{port: 10911, holder: 'java (pid 812)'}, {port: 19876}, {port: 22, holder: 'sshd'}]});
	assert.equal(bad.status, 'fail');
	assert.equal(bad.detail, '10911 (RaftNode00/n0 listen) held by java (pid 812); 19876 (console) held by another process');
	assert.equal(bad.fix, 'stop what holds them, or move the cluster\'s ports in cluster.yaml (ports.namesrv / ports.listen / ports.dledger)');
	// A redeploy: the ports are held by our own containers.
	const ours = [container('rocketmq-raftnode00-n0', {'io.rmq-tui.cluster': 'RaftCluster'}, [10909, 10911, 20911]), container('rocketmq-console', {'io.rmq-tui.cluster': 'RaftCluster'}, [19876])];
	assert.equal(check('ports', {portsInUse: [{port: 10911, holder: 'docker-proxy'}, {port: 19876, holder: 'docker-proxy'}], containers: ours}).status, 'ok');
	// Another cluster's (or a hand-made) container is in the way.
	const theirs = [container('rocketmq-raftnode00-n0', {'io.rmq-tui.cluster': 'Orders'}, [10911])];
	assert.equal(check('ports', {portsInUse: [{port: 10911, holder: 'docker-proxy'}], containers: theirs}).detail, '10911 (RaftNode00/n0 listen) held by docker-proxy');
	assert.equal(check('ports', {portsInUse: [{port: 10912}]}).detail, '10912 (RaftNode00/n0 HA (reserved)) held by another process');
	assert.equal(check('ports', {portsInUse: [{port: 22}, {port: 8080}]}).status, 'ok');
});

test('ip: the advertised address must be bound on the host', () => {
	const bad = check('ip', {addresses: ['127.0.0.1', '10.0.0.5']});
	assert.deepEqual(bad, {
		id: 'ip', title: 'Advertised IP bound', status: 'fail',
		detail: '192.168.1.71 is not bound here (host has 127.0.0.1, 10.0.0.5); brokers would advertise an address nobody can dial',
		fix: 'set hosts[].ip of 192.168.1.71 in cluster.yaml to one of 127.0.0.1, 10.0.0.5',
	});
	assert.match(check('ip', {addresses: []}).detail, /\(host has no IPv4\)/);
});

test('peers: none, all answering, failing ones listed', () => {
	assert.deepEqual(check('peers', {peers: []}), {id: 'peers', title: 'Peers reachable', status: 'ok', detail: 'no other hosts'});
	const bad = check('peers', {peers: [
		{to: '192.168.1.76', ip: '192.168.1.76', port: 10911, owner: 'RaftNode00/n1 listen', error: 'connection refused'},
		{to: '192.168.1.76', ip: '192.168.1.76', port: 9876, owner: 'name server'},
		{to: '192.168.1.77', ip: '192.168.1.77', port: 20911, owner: 'RaftNode00/n2 DLedger', error: 'timed out after 3 s'},
	]});
	assert.equal(bad.status, 'fail');
	assert.equal(bad.detail, '192.168.1.76 192.168.1.76:10911 (RaftNode00/n1 listen): connection refused; 192.168.1.77 192.168.1.77:20911 (RaftNode00/n2 DLedger): timed out after 3 s');
	assert.ok(bad.fix!.includes('open these ports between the hosts'));
	assert.ok(bad.fix!.includes('SUMMARY.md'));
});

test('disk: 10 GiB is enough, less warns, under 1 GiB fails; a host without brokers needs none', () => {
	assert.equal(check('disk', {diskFreeBytes: 10 * GIB}).status, 'ok');
	const warn = check('disk', {diskFreeBytes: 5 * GIB});
	assert.deepEqual(warn, {
		id: 'disk', title: 'Free disk', status: 'warn',
		detail: `5.0 GiB free under ${BASE}; brokers want at least 10.0 GiB for their commit logs`,
		fix: 'free space or set baseDir in cluster.yaml to a larger filesystem',
	});
	assert.equal(check('disk', {diskFreeBytes: GIB}).status, 'warn');
	const fail = check('disk', {diskFreeBytes: 512 * MIB});
	assert.equal(fail.status, 'fail');
	assert.equal(fail.detail, `512 MiB free under ${BASE}; brokers want at least 10.0 GiB for their commit logs`);
	const four = planOf(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], {groups: 1, replicas: 3});
	assert.equal(four.hosts[3]!.brokers.length, 0);
	assert.deepEqual(one(preflightChecks(ctx({}, four, '10.0.0.4'), facts({diskFreeBytes: 100 * MIB, addresses: ['10.0.0.4']})), 'disk'), {id: 'disk', title: 'Free disk', status: 'ok', detail: `100 MiB free under ${BASE}`});
});

test('memory: 2 brokers × 1g + 512m name server, ×1.25 for the JVM; fail above total, warn above available', () => {
	const need = (2 * 1024 + 512) * MIB * 1.25;
	assert.equal(need, 3200 * MIB);
	assert.equal(plannedMemoryBytes(SEED, SEED.hosts[0]!), need);
	assert.equal(plannedMemoryBytes(SEED, SEED.hosts[1]!), need, 'no console counted: same as a host without it');
	const four = planOf(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], {groups: 1, replicas: 3, namesrvHosts: ['10.0.0.1'], heap: {broker: '768m', namesrv: '256m'}});
	assert.equal(plannedMemoryBytes(four, four.hosts[0]!), (768 + 256) * MIB * 1.25);
	assert.equal(plannedMemoryBytes(four, four.hosts[1]!), 768 * MIB * 1.25, 'no name server there');
	assert.equal(plannedMemoryBytes(four, four.hosts[3]!), 0);

	const detail = (total: string, available: string) => `needs ~3.1 GiB (heaps 2×1g + 512m + JVM overhead); ${total} total, ${available} available`;
	const fail = check('memory', {memTotalBytes: 3 * GIB, memAvailableBytes: 3 * GIB});
	assert.deepEqual(fail, {id: 'memory', title: 'Memory for the heaps', status: 'fail', detail: detail('3.0 GiB', '3.0 GiB'), fix: 'lower heap.broker / heap.namesrv in cluster.yaml (e.g. 512m for a test cluster) or use a larger host'});
	const warn = check('memory', {memTotalBytes: 4 * GIB, memAvailableBytes: 3 * GIB});
	assert.equal(warn.status, 'warn');
	assert.equal(warn.detail, detail('4.0 GiB', '3.0 GiB'));
	assert.equal(check('memory', {memTotalBytes: need, memAvailableBytes: need}).status, 'ok', 'exactly enough');
	assert.equal(check('memory', {memTotalBytes: need, memAvailableBytes: need - 1}).status, 'warn');
	assert.equal(check('memory', {memTotalBytes: need - 1, memAvailableBytes: need - 1}).status, 'fail');
	assert.equal(check('memory', {memTotalBytes: 4 * GIB, memAvailableBytes: 900 * MIB}).detail, detail('4.0 GiB', '900 MiB'));
	const small = one(preflightChecks(ctx({}, four, '10.0.0.2'), facts({addresses: ['10.0.0.2']})), 'memory');
	assert.equal(small.detail, 'needs ~960 MiB (heaps 1×768m + JVM overhead); 16.0 GiB total, 8.0 GiB available');
});

test('clock: within 500 ms ok, beyond it a warning (stronger wording past 5 s), either direction', () => {
	assert.deepEqual(check('clock', {clockOffsetMs: 500}), {id: 'clock', title: 'Clock offset', status: 'ok', detail: '+500 ms vs this machine'});
	assert.deepEqual(check('clock', {clockOffsetMs: -500}), {id: 'clock', title: 'Clock offset', status: 'ok', detail: '−500 ms vs this machine'});
	assert.equal(check('clock', {clockOffsetMs: 0}).detail, '+0 ms vs this machine');
	const fix = 'run NTP on every host (chrony or systemd-timesyncd): drill timings and log times are compared across hosts';
	assert.deepEqual(check('clock', {clockOffsetMs: 501}), {id: 'clock', title: 'Clock offset', status: 'warn', detail: '+501 ms vs this machine', fix});
	assert.deepEqual(check('clock', {clockOffsetMs: -5000}), {id: 'clock', title: 'Clock offset', status: 'warn', detail: '−5000 ms vs this machine', fix});
	assert.deepEqual(check('clock', {clockOffsetMs: -5001}), {id: 'clock', title: 'Clock offset', status: 'warn', detail: '−5001 ms vs this machine: drill timings across hosts will be off', fix});
	assert.equal(check('clock', {clockOffsetMs: 60_000}).status, 'warn', 'never blocking');
});

test('SELinux enforcing warns; uid check only with userns-remap or rootless Docker', () => {
	assert.equal(check('selinux', {selinux: 'permissive'}).detail, 'permissive');
	const enforcing = check('selinux', {selinux: 'enforcing'});
	assert.equal(enforcing.status, 'warn');
	assert.equal(enforcing.detail, 'enforcing: bind mounts need relabelling');
	assert.match(enforcing.fix!, /adds :z to the mounts/);
	assert.equal(preflightChecks(ctx(), facts()).some(c => c.id === 'uid'), false);
	const userns = check('uid', {docker: {ok: true, version: '24.0.7', apiVersion: '1.43', rootless: false, userns: true, viaSudo: false}});
	assert.deepEqual(userns, {
		id: 'uid', title: 'Container uid 3000', status: 'fail',
		detail: 'userns-remap: uid 3000 in the containers is another uid on the host, so dirs owned by 3000 are not writable',
		fix: 'run the daemon without userns-remap, or chown the data dirs to the remapped uid (see /etc/subuid) by hand and deploy with --skip-preflight',
	});
	const rootless = check('uid', {docker: {ok: true, version: '24.0.7', apiVersion: '1.43', rootless: true, userns: true, viaSudo: false}});
	assert.equal(rootless.detail, 'rootless Docker: uid 3000 in the containers is another uid on the host, so dirs owned by 3000 are not writable');
	assert.match(rootless.fix!, /without rootless Docker/);
	// Its place: after SELinux, before the existing deployment.
	const ids = preflightChecks(ctx(), facts({docker: {ok: true, version: '1', apiVersion: '1', rootless: true, userns: false, viaSudo: false}})).map(c => c.id);
	assert.deepEqual(ids.slice(-3), ['selinux', 'uid', 'existing']);
	assert.equal(preflightChecks(ctx(), facts({docker: {ok: false, error: 'x'}})).some(c => c.id === 'uid'), false);
});

test('existing deployment: hand-made or another cluster\'s containers of our names fail; used store dirs are reported', () => {
	const hand = container('rocketmq-namesrv', {});
	const other = container('rocketmq-raftnode01-n0', {'io.rmq-tui.cluster': 'Orders'});
	const unrelated = container('nginx', {});
	const ours = container('rocketmq-raftnode00-n0', {'io.rmq-tui.cluster': 'RaftCluster'});
	const fail = check('existing', {containers: [hand, other, unrelated, ours]});
	assert.equal(fail.status, 'fail');
	assert.equal(fail.detail, 'containers rocketmq-namesrv, rocketmq-raftnode01-n0 exist and were not made by rmq-tui for RaftCluster');
	assert.match(fail.fix!, /`docker rm -f NAME`; their data dirs stay/);
	assert.deepEqual(check('existing', {containers: [unrelated, ours]}), {id: 'existing', title: 'Existing deployment', status: 'ok', detail: 'none'});
	// The console's name counts on the console's host only.
	assert.equal(check('existing', {containers: [container('rocketmq-console', {})]}).status, 'fail');
	assert.equal(one(preflightChecks(ctx({}, SEED, '192.168.1.76'), facts({addresses: ['192.168.1.76'], containers: [container('rocketmq-console', {})]})), 'existing').status, 'ok');

	const store0 = `${BASE}/broker/store/RaftNode00-n0`;
	const store1 = `${BASE}/broker/store/RaftNode01-n0`;
	const used = check('existing', {existingDirs: [{path: store0, uid: 3000, empty: false}, {path: store1, uid: 3000, empty: true}, {path: `${BASE}/broker/logs/RaftNode00-n0`, uid: 0, empty: false}]});
	assert.deepEqual(used, {id: 'existing', title: 'Existing deployment', status: 'ok', detail: `store dirs with data: ${store0} (kept and reused by the same replica)`});
	const owned = check('existing', {existingDirs: [{path: store0, uid: 3000, empty: false}, {path: store1, uid: 0, empty: false}]});
	assert.deepEqual(owned, {
		id: 'existing', title: 'Existing deployment', status: 'warn',
		detail: `store dirs with data: ${store0}, ${store1} (kept and reused by the same replica); ${store1} not owned by uid 3000`,
		fix: 'deploy fixes the ownership (chown -R 3000:3000) of dirs the plan owns',
	});
	// A foreign container wins over the dirs.
	assert.equal(check('existing', {containers: [hand], existingDirs: [{path: store0, uid: 0, empty: false}]}).status, 'fail');
});

test('blocking: the failures only, in order', () => {
	const checks = preflightChecks(ctx({images: [{image: IMAGE, how: 'pull', registry: {ok: false, error: 'no such host'}}]}), facts({
		imageIds: {},
		user: {name: 'deploy', uid: 1000, sudo: 'none'},
		compose: {kind: 'none'},
		clockOffsetMs: 900,
		diskFreeBytes: 100 * MIB,
	}));
	assert.deepEqual(checks.map(c => `${c.id}:${c.status}`), [
		'sudo:fail', 'docker:ok', 'compose:warn', 'image:fail', 'ports:ok', 'ip:ok', 'peers:ok', 'disk:fail', 'memory:ok', 'clock:warn', 'selinux:ok', 'existing:ok',
	]);
	assert.deepEqual(blocking(checks).map(c => c.id), ['sudo', 'image', 'disk']);
	for (const c of checks.filter(x => x.status !== 'ok')) assert.ok(c.fix && c.fix.length > 0, `${c.id} has a fix`);
});
