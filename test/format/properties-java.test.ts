/** The properties writer and reader against the real java.util.Properties.load (what BrokerStartup uses). */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {propertiesMap, writeProperties} from '../../source/format/properties.ts';
import {loadWithJava} from '../support/java-properties.ts';
import {needJava} from '../support/need.ts';
import {READER_CASES, TRICKY} from './cases.ts';

function tempDir(t: {after: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-props-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

test('Java loads what writeProperties wrote as the original tricky strings', async t => {
	if (!needJava(t)) return;
	const dir = tempDir(t);
	const all = join(dir, 'all.properties');
	writeFileSync(all, writeProperties(TRICKY.map(([key, value]) => ({key, value}))), 'latin1');
	const loaded = await loadWithJava([all]);
	assert.deepEqual(loaded[all], Object.fromEntries(TRICKY));
});

test('Java and propertiesMap read hand-written texts the same way', async t => {
	if (!needJava(t)) return;
	const dir = tempDir(t);
	const files = READER_CASES.map(([, text], i) => {
		const file = join(dir, `case-${i}.properties`);
		writeFileSync(file, text, 'latin1');
		return file;
	});
	const loaded = await loadWithJava(files);
	READER_CASES.forEach(([name, text, expected], i) => {
		assert.deepEqual(loaded[files[i]!], expected, `Java disagrees with the expected map of "${name}"`);
		assert.deepEqual(Object.fromEntries(propertiesMap(text)), loaded[files[i]!], `propertiesMap disagrees with Java on "${name}"`);
	});
});
