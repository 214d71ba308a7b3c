import assert from 'node:assert/strict';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {ClusterStore, secretKeys} from '../../source/store/clusters.ts';
import {initialState, toClusterFile} from '../../source/wizard/model.ts';

const cluster = () => {
	const r = toClusterFile(initialState(['192.168.1.71', 'root@192.168.1.76:2222', '192.168.1.77'], {name: 'Prod', brokerHeap: '2g'}));
	assert.ok(r.ok);
	return r.value;
};
async function withDir(fn: (cwd: string) => Promise<void>) {
	const cwd = await mkdtemp(join(tmpdir(), 'rmq-store-'));
	try {
		await fn(cwd);
	} finally {
		await rm(cwd, {recursive: true, force: true});
	}
}

test('save, list and load round-trip the cluster identically, with no secrets in the file', () => withDir(async cwd => {
	const opened = ClusterStore.open({cwd, now: () => new Date('2026-11-25T10:00:00Z')});
	assert.ok(opened.ok);
	const c = cluster();
	opened.store.save('prod', c);
	assert.deepEqual(opened.store.list(), [{name: 'prod', hosts: 3, savedAt: '2026-11-25T10:00:00.000Z'}]);
	const again = ClusterStore.open({cwd});
	assert.ok(again.ok);
	const loaded = again.store.load('prod');
	assert.ok(loaded.ok);
	assert.deepEqual(loaded.value, c);
	const text = await readFile(again.store.path, 'utf8');
	assert.deepEqual(secretKeys(JSON.parse(text)), []);
	assert.doesNotMatch(text, /password|passphrase/i);
	again.store.remove('prod');
	assert.deepEqual(again.store.list(), []);
}));

test('save refuses a cluster holding a password key', () => withDir(async cwd => {
	const opened = ClusterStore.open({cwd});
	assert.ok(opened.ok);
	assert.throws(() => opened.store.save('x', {...cluster(), brokerProperties: {password: 'hunter2'}}), /never keep secrets/);
	assert.deepEqual(opened.store.list(), []);
}));

test('a hand-edited entry gives an error naming it and the fix', () => withDir(async cwd => {
	const opened = ClusterStore.open({cwd});
	assert.ok(opened.ok);
	opened.store.save('good', cluster());
	const data = JSON.parse(await readFile(opened.store.path, 'utf8'));
	data.clusters.broken = {yaml: 'version: 1\nhosts: [: oops', savedAt: 'x'};
	data.clusters.invalid = {yaml: 'version: 1\nname: a\nhosts: [192.168.1.71]\nreplicas: 99\n', savedAt: 'x'};
	await writeFile(opened.store.path, JSON.stringify(data));
	for (const name of ['broken', 'invalid']) {
		const r = opened.store.load(name);
		assert.ok(!r.ok);
		assert.match(r.errors[0]!.path, new RegExp(`saved cluster "${name}"`));
		assert.ok(r.errors[0]!.fix.includes(`delete it with d, or fix ${opened.store.path}`));
	}
	const list = opened.store.list();
	assert.deepEqual(list.map(s => [s.name, s.hosts]), [['broken', undefined], ['good', 3], ['invalid', undefined]]);
	assert.match(list[0]!.problem!, /saved cluster "broken"/);
}));

test('a corrupted conf file is reported and can be moved aside', () => withDir(async cwd => {
	await writeFile(join(cwd, 'config.json'), '{"clusters": {nope');
	const opened = ClusterStore.open({cwd, now: () => new Date('2026-11-25T10:00:00Z')});
	assert.ok(!opened.ok);
	assert.match(opened.message, /cannot be read/);
	assert.match(opened.fix, /corrupt-<timestamp>/);
	const {store, movedTo} = opened.moveAside();
	assert.equal(movedTo, join(cwd, 'config.json.corrupt-2026-11-25T10-00-00-000Z'));
	assert.deepEqual(store.list(), []);
	assert.ok((await readdir(cwd)).includes('config.json.corrupt-2026-11-25T10-00-00-000Z'));
	store.save('p', cluster());
	assert.equal(store.list().length, 1);
}));
