import assert from 'node:assert/strict';
import {mkdtemp, mkdir, readdir, readFile, writeFile, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {ExportError, writeTreeAtomically} from '../../source/export/write-tree.ts';

const scratch = () => mkdtemp(join(tmpdir(), 'rmq-tui-write-'));

test('writes files and empty directories into a new directory', async () => {
	const root = await scratch();
	const dir = join(root, 'out');
	await writeTreeAtomically(dir, [{path: 'a/b.txt', content: 'B'}, {path: 'a/empty'}, {path: 'top.md', content: 'T'}], {force: false});
	assert.equal(await readFile(join(dir, 'a/b.txt'), 'utf8'), 'B');
	assert.ok((await stat(join(dir, 'a/empty'))).isDirectory());
	assert.deepEqual((await readdir(dir)).sort(), ['a', 'top.md']);
	assert.deepEqual(await readdir(root), ['out'], 'no staging directory is left behind');
});

test('an existing empty directory is filled', async () => {
	const root = await scratch();
	await mkdir(join(root, 'out'));
	await writeTreeAtomically(join(root, 'out'), [{path: 'x', content: '1'}], {force: false});
	assert.equal(await readFile(join(root, 'out/x'), 'utf8'), '1');
});

test('a non-empty directory is refused without force and left untouched', async () => {
	const root = await scratch();
	const dir = join(root, 'out');
	await mkdir(dir);
	await writeFile(join(dir, 'precious'), 'keep me');
	await assert.rejects(writeTreeAtomically(dir, [{path: 'x', content: '1'}], {force: false}), (e: unknown) => {
		assert.ok(e instanceof ExportError);
		assert.match(e.message, /is not empty/);
		assert.match(e.fix, /--force/);
		return true;
	});
	assert.deepEqual(await readdir(dir), ['precious']);
	assert.deepEqual(await readdir(root), ['out']);
});

test('force replaces the whole directory: nothing of the old tree remains', async () => {
	const root = await scratch();
	const dir = join(root, 'out');
	await mkdir(join(dir, 'old'), {recursive: true});
	await writeFile(join(dir, 'old/file'), 'old');
	await writeTreeAtomically(dir, [{path: 'new', content: 'new'}], {force: true});
	assert.deepEqual(await readdir(dir), ['new']);
	assert.deepEqual(await readdir(root), ['out'], 'the previous tree is not left beside it');
});

test('an error half-way leaves neither a partial tree nor staging files', async () => {
	const root = await scratch();
	const dir = join(root, 'out');
	// `a` is written as a file, then needed as a directory: the second write fails.
	await assert.rejects(writeTreeAtomically(dir, [{path: 'a', content: 'file'}, {path: 'a/b', content: 'x'}], {force: false}), ExportError);
	assert.deepEqual(await readdir(root), []);
});

test('a failed forced replace keeps the old tree', async () => {
	const root = await scratch();
	const dir = join(root, 'out');
	await mkdir(dir);
	await writeFile(join(dir, 'precious'), 'keep me');
	await assert.rejects(writeTreeAtomically(dir, [{path: 'a', content: 'file'}, {path: 'a/b', content: 'x'}], {force: true}), ExportError);
	assert.equal(await readFile(join(dir, 'precious'), 'utf8'), 'keep me');
	assert.deepEqual(await readdir(root), ['out']);
});

test('a path blocked by a regular file is explained', async () => {
	const root = await scratch();
	await writeFile(join(root, 'file'), '');
	await assert.rejects(writeTreeAtomically(join(root, 'file', 'out'), [{path: 'x', content: '1'}], {force: false}), (e: unknown) => {
		assert.ok(e instanceof ExportError);
		assert.match(e.message, /a file \(not a directory\) is in the way/);
		return true;
	});
});

test('the target itself being a file is refused', async () => {
	const root = await scratch();
	await writeFile(join(root, 'out'), 'data');
	await assert.rejects(writeTreeAtomically(join(root, 'out'), [{path: 'x', content: '1'}], {force: true}), /exists and is not a directory/);
	assert.equal(await readFile(join(root, 'out'), 'utf8'), 'data');
});
// Permission denied is tested as an unprivileged user through the real CLI (test/cli/export.test.ts).
