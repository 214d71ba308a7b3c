/** Reading apache/rocketmq-docker's image-build scripts from a local checkout for --build-image. */
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {BuildScriptsError, readBuildScripts} from '../../source/deploy/build-scripts.ts';

function checkout(): string {
	const root = mkdtempSync(join(tmpdir(), 'rmq-build-scripts-'));
	mkdirSync(join(root, 'image-build/scripts'), {recursive: true});
	mkdirSync(join(root, '.git'));
	writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/master\n');
	writeFileSync(join(root, 'README.md'), '# not uploaded\n');
	writeFileSync(join(root, 'image-build/build-image.sh'), '#!/bin/bash\necho build\n');
	chmodSync(join(root, 'image-build/build-image.sh'), 0o755);
	writeFileSync(join(root, 'image-build/Dockerfile-alpine'), 'FROM alpine\n');
	writeFileSync(join(root, 'image-build/scripts/runbroker-customize.sh'), 'exec java "$@"\n');
	chmodSync(join(root, 'image-build/scripts/runbroker-customize.sh'), 0o755);
	return root;
}

const thrown = (run: () => unknown): BuildScriptsError => {
	try {
		run();
	} catch (error) {
		assert.ok(error instanceof BuildScriptsError, String(error));
		return error;
	}
	assert.fail('no error');
};

test('a checkout or its image-build dir: the image-build files with their layout and executable bits, nothing else', () => {
	const root = checkout();
	try {
		const fromRoot = readBuildScripts(root);
		assert.equal(fromRoot.source, join(root, 'image-build'));
		assert.deepEqual(fromRoot.files.map(f => `${f.path} ${f.mode.toString(8)}`), ['build-image.sh 755', 'Dockerfile-alpine 644', 'scripts/runbroker-customize.sh 755']);
		assert.equal(fromRoot.files[2]!.content, 'exec java "$@"\n');
		assert.deepEqual(readBuildScripts(join(root, 'image-build')).files, fromRoot.files);
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
});

test('a missing dir, a dir without build-image.sh, a binary file: each says what to pass instead', () => {
	const root = checkout();
	try {
		const missing = thrown(() => readBuildScripts(join(root, 'nope')));
		assert.match(missing.message, /nope: no such directory$/);
		assert.match(missing.fix, /git clone https:\/\/github\.com\/apache\/rocketmq-docker\.git/);
		const wrong = thrown(() => readBuildScripts(join(root, '.git')));
		assert.match(wrong.message, /neither .*\.git\/build-image\.sh nor .*\.git\/image-build\/build-image\.sh exists/);
		writeFileSync(join(root, 'image-build/rocketmq.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00]));
		const binary = thrown(() => readBuildScripts(root));
		assert.match(binary.message, /rocketmq\.zip is not a text file/);
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
});
