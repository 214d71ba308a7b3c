import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {keyFileExists} from '../../source/ui/run.tsx';

test('keyFileExists: absolute and ~/ paths as typed', () => {
	const home = mkdtempSync(join(tmpdir(), 'rmq-keys-'));
	try {
		writeFileSync(join(home, 'id_rmq'), 'key');
		assert.equal(keyFileExists('~/id_rmq', home), true);
		assert.equal(keyFileExists(join(home, 'id_rmq'), home), true);
		assert.equal(keyFileExists('~/id_none', home), false);
		assert.equal(keyFileExists('~', home), true);
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
});
