import {test} from 'node:test';
import assert from 'node:assert/strict';
import {escapeKey, escapeValue, parseProperties, propertiesMap, writeProperties} from '../../source/format/properties.ts';
import {READER_CASES, TRICKY} from './cases.ts';

const write = (pairs: ReadonlyArray<readonly [string, string]>) => writeProperties(pairs.map(([key, value]) => ({key, value})));

test('writer → reader round trip keeps every tricky key and value', () => {
	const text = write(TRICKY);
	assert.deepEqual(propertiesMap(text), new Map(TRICKY));
});

test('each tricky pair round-trips on its own line', () => {
	for (const [key, value] of TRICKY) {
		const text = write([[key, value]]);
		assert.equal(text.split('\n').length, 2, `${JSON.stringify(key)} spans more than one line: ${JSON.stringify(text)}`);
		assert.deepEqual([...propertiesMap(text)], [[key, value]], JSON.stringify(key));
	}
});

test('written files are printable ASCII (Properties.load reads ISO-8859-1)', () => {
	const text = write(TRICKY) + writeProperties([{comment: '中文 comment\twith tab'}]);
	assert.match(text, /^[\x20-\x7e\n]*$/);
});

test('escaping: exact forms', () => {
	const cases: Array<[kind: 'key' | 'value', input: string, output: string]> = [
		['value', 'a=b:c', 'a=b:c'],
		['value', ' lead', '\\ lead'],
		['value', 'in ner', 'in ner'],
		['value', 'trail ', 'trail '],
		['value', 'back\\slash', 'back\\\\slash'],
		['value', '中', '\\u4E2D'],
		['value', '😀', '\\uD83D\\uDE00'],
		['value', 'a\tb\nc\rd\fe', 'a\\tb\\nc\\rd\\fe'],
		['key', 'a b', 'a\\ b'],
		['key', 'a=b:c', 'a\\=b\\:c'],
		['key', '#!', '\\#\\!'],
	];
	for (const [kind, input, output] of cases) {
		assert.equal(kind === 'key' ? escapeKey(input) : escapeValue(input), output, `${kind} ${JSON.stringify(input)}`);
	}
});

test('writer: comments, blank lines, one entry per line, final newline', () => {
	const text = writeProperties([
		{comment: 'first line\n\nthird line'},
		{key: 'a', value: '1'},
		{blank: true},
		{comment: 'café'},
		{key: 'b', value: '2'},
	]);
	assert.equal(text, '# first line\n#\n# third line\na=1\n\n# caf\\u00E9\nb=2\n');
	assert.deepEqual(propertiesMap(text), new Map([['a', '1'], ['b', '2']]));
});

test('writer: an empty key is refused', () => {
	assert.throws(() => writeProperties([{key: '', value: 'x'}]), /key cannot be empty/);
});

for (const [name, text, expected] of READER_CASES) {
	test(`reader: ${name}`, () => {
		assert.deepEqual(Object.fromEntries(propertiesMap(text)), expected);
	});
}

test('reader: entries keep their line numbers and raw text (continuations included)', () => {
	const entries = parseProperties('# c\na=1\n\nb=x\\\n  y\nc=3\n');
	assert.deepEqual(entries.map(e => [e.key, e.line, e.raw]), [
		['a', 2, 'a=1'],
		['b', 4, 'b=x\\\n  y'],
		['c', 6, 'c=3'],
	]);
});

test('reader: every duplicate is returned in order, the map keeps the last', () => {
	const text = 'a=1\nb=2\na=3\n';
	assert.deepEqual(parseProperties(text).map(e => `${e.key}=${e.value}`), ['a=1', 'b=2', 'a=3']);
	assert.equal(propertiesMap(text).get('a'), '3');
});

test('reader: a malformed \\u escape is an error, as in Java', () => {
	assert.throws(() => propertiesMap('a=\\u12G4\n'), /malformed \\uxxxx encoding/);
	assert.throws(() => propertiesMap('a=\\u12\n'), /malformed/);
});
