/** Files on a host: unchanged, created, or updated with a backup path and a labelled diff. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {backupPath, diffFiles} from '../../source/deploy/files.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';

const AT = new Date('2026-11-25T07:02:14.387Z');

function seedFiles(brokerProperties: Record<string, string> = {}): RenderedFile[] {
	const result = buildPlan(clusterFromHosts(['192.168.1.71', '192.168.1.76', '192.168.1.77'], {brokerProperties}));
	if (!result.ok) assert.fail(JSON.stringify(result.errors));
	return renderCluster(result.plan).filter(f => f.host === '192.168.1.71');
}

test('backup path: the path, .bak- and the UTC time to the second, sortable', () => {
	assert.equal(backupPath('/data/x/broker.conf', AT), '/data/x/broker.conf.bak-20261125T070214Z');
	assert.equal(backupPath('/a', new Date('2026-01-02T03:04:05Z')), '/a.bak-20260102T030405Z');
	assert.equal(backupPath('/a', new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 999))), '/a.bak-20261231T235959Z');
	// A local-time offset in the input does not leak into the name.
	assert.equal(backupPath('/a', new Date('2026-11-25T15:02:14+08:00')), '/a.bak-20261125T070214Z');
	assert.ok(backupPath('/a', new Date('2026-11-25T07:02:14Z')) < backupPath('/a', new Date('2026-11-25T07:02:15Z')));
});

test('nothing on the host: every file is created, in order', () => {
	const files = seedFiles();
	const actions = diffFiles(files, new Map(), AT);
	assert.deepEqual(actions, files.map(file => ({kind: 'create', file})));
	assert.deepEqual(actions.map(a => a.file.path), [
		'/data/docker-services/rocketmq/namesrv/docker-compose.yml',
		'/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf',
		'/data/docker-services/rocketmq/broker/conf/RaftNode01-n0.conf',
		'/data/docker-services/rocketmq/broker/docker-compose.yml',
		'/data/docker-services/rocketmq/console/docker-compose.yml',
	]);
});

test('same content: unchanged; a byte off: update', () => {
	const files = seedFiles();
	const current = new Map(files.map(f => [f.path, f.content]));
	assert.deepEqual(diffFiles(files, current, AT), files.map(file => ({kind: 'unchanged', file})));
	const conf = files[1]!;
	const trailing = new Map(current).set(conf.path, `${conf.content}\n`);
	const [, a] = diffFiles(files, trailing, AT);
	assert.equal(a!.kind, 'update');
});

test('a changed broker option: the conf and the compose (its digest label) update, with backup and diff', () => {
	const old = seedFiles();
	const changed = seedFiles({maxMessageSize: '1048576'});
	const actions = diffFiles(changed, new Map(old.map(f => [f.path, f.content])), AT);
	assert.deepEqual(actions.map(a => a.kind), ['unchanged', 'update', 'update', 'update', 'unchanged']);
	const conf = actions[1]!;
	assert.ok(conf.kind === 'update');
	assert.equal(conf.before, old[1]!.content);
	assert.equal(conf.file, changed[1]);
	assert.equal(conf.backupPath, '/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf.bak-20261125T070214Z');
	const lines = conf.diff.split('\n');
	assert.deepEqual(lines.slice(0, 2), [
		'--- 192.168.1.71:/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf',
		'+++ 192.168.1.71:/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf (new)',
	]);
	assert.deepEqual(lines.slice(2).filter(l => /^[-+]/.test(l)), [
		'+',
		'+# Extra properties from cluster.yaml (brokerProperties).',
		'+maxMessageSize=1048576',
	]);
	const compose = actions[3]!;
	assert.ok(compose.kind === 'update');
	assert.equal(compose.backupPath, '/data/docker-services/rocketmq/broker/docker-compose.yml.bak-20261125T070214Z');
	assert.deepEqual(compose.diff.split('\n').filter(l => /^[-+] /.test(l)).map(l => l.replace(/[0-9a-f]{64}/, 'DIGEST')), [
		'-      io.rmq-tui.conf-sha256: DIGEST',
		'+      io.rmq-tui.conf-sha256: DIGEST',
		'-      io.rmq-tui.conf-sha256: DIGEST',
		'+      io.rmq-tui.conf-sha256: DIGEST',
	]);
});

test('a file edited by hand on the host: update, the diff shows the edit being undone', () => {
	const file: RenderedFile = {host: 'h1', path: '/etc/rmq/x.conf', kind: 'broker-conf', content: 'a=1\nb=2\nc=3\n'};
	const [action] = diffFiles([file], new Map([['/etc/rmq/x.conf', 'a=1\nb=20\nc=3\n'], ['/etc/other', 'zzz']]), new Date('2027-03-04T05:06:07Z'));
	assert.deepEqual(action, {
		kind: 'update',
		file,
		before: 'a=1\nb=20\nc=3\n',
		diff: '--- h1:/etc/rmq/x.conf\n+++ h1:/etc/rmq/x.conf (new)\n@@ -1,3 +1,3 @@\n a=1\n-b=20\n+b=2\n c=3',
		backupPath: '/etc/rmq/x.conf.bak-20270304T050607Z',
	});
});

test('an empty file on the host is there: update, not create', () => {
	const file: RenderedFile = {host: 'h1', path: '/x', kind: 'broker-conf', content: 'a\n'};
	const [action] = diffFiles([file], new Map([['/x', '']]), AT);
	assert.equal(action!.kind, 'update');
	assert.ok(action!.kind === 'update' && action!.diff.endsWith('@@ -0,0 +1,1 @@\n+a'));
});
