import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parse} from 'yaml';
import {fillTemplate, quotedList} from '../../source/render/template.ts';
import {loadTemplates, TEMPLATE_FILES} from '../../source/render/templates.ts';

const fill = (text: string, vars: Parameters<typeof fillTemplate>[1]) => fillTemplate(text, vars, 'test.yaml').toString({lineWidth: 0});

test('a whole-value placeholder takes the variable\'s type: string, number, boolean, list, map', () => {
	const text = 's: ${s}\nn: ${n}\nb: ${b}\nl: ${l}\nm: ${m}\n';
	const out = parse(fill(text, {s: 'text', n: 10911, b: true, l: ['a', 1], m: {k: 'v', nested: {x: 1}}}));
	assert.deepEqual(out, {s: 'text', n: 10911, b: true, l: ['a', 1], m: {k: 'v', nested: {x: 1}}});
});

test('string values that look like other YAML types stay strings', () => {
	const out = parse(fill('a: ${a}\nb: ${b}\nc: ${c}\nd: ${d}\n', {a: '04', b: 'true', c: '1e3', d: 'null'}));
	assert.deepEqual(out, {a: '04', b: 'true', c: '1e3', d: 'null'});
});

test('placeholders inside a longer string are interpolated', () => {
	const out = parse(fill('a: pre-${x}-${y}-post\nb: "${x}:${x}"\n', {x: 'X', y: 7}));
	assert.deepEqual(out, {a: 'pre-X-7-post', b: 'X:X'});
});

test('a list or map cannot be interpolated into a string', () => {
	assert.throws(() => fill('a: x${l}\n', {l: ['a']}), /template test\.yaml: \$\{l\} is not a plain value/);
});

test('a missing variable throws, naming the template and the placeholder', () => {
	for (const text of ['a: ${missing}\n', 'a: x-${missing}\n', '# ${missing}\na: 1\n', '${missing}: 1\n']) {
		assert.throws(() => fillTemplate(text, {}, 'broker-service.yaml'), /template broker-service\.yaml: no value for \$\{missing\}/, text);
	}
});

test('a broken template throws, naming it', () => {
	assert.throws(() => fillTemplate('a: [unclosed\n', {}, 'bad.yaml'), /template bad\.yaml:/);
});

test('placeholder keys are filled', () => {
	assert.deepEqual(parse(fill('services:\n  ${name}:\n    image: x\n', {name: 'rocketmq-namesrv'})), {services: {'rocketmq-namesrv': {image: 'x'}}});
});

test('comments are kept and interpolated: document, before a key, after a value, inside lists', () => {
	const out = fill('# head ${a}\nk: 1 # after ${b}\n# before ${c}\nl:\n  # item ${a}\n  - x\n', {a: 'A', b: 'B', c: 'C'});
	for (const comment of ['# head A', '# after B', '# before C', '# item A']) assert.ok(out.includes(comment), `${comment} missing in:\n${out}`);
	assert.doesNotMatch(out, /\$\{/);
});

test('a comment before a whole-value placeholder survives the substitution', () => {
	const out = fill('a:\n  # explains a\n  ${a}\n', {a: 'v'});
	assert.match(out, /# explains a/);
	assert.deepEqual(parse(out), {a: 'v'});
});

test('quoting in the template is preserved', () => {
	const out = fill('env:\n  ONE: "${one}"\n  PLAIN: ${plain}\n  FLOW: ["sh", "${arg}"]\n', {one: '1', plain: 'word', arg: '/home/rocketmq/conf/a.conf'});
	assert.match(out, /ONE: "1"/);
	assert.match(out, /PLAIN: word/);
	assert.match(out, /\[ "sh", "\/home\/rocketmq\/conf\/a\.conf" \]/);
});

test('values are data: placeholders inside them are not expanded again', () => {
	const out = parse(fill('whole: ${v}\nmap: ${m}\nlist: ${l}\npart: x-${v}\n', {
		v: '${secret}',
		m: {'${k}': '${v}'},
		l: ['${v}'],
		secret: 'LEAKED',
		k: 'K',
	}));
	assert.deepEqual(out, {whole: '${secret}', map: {'${k}': '${v}'}, list: ['${v}'], part: 'x-${secret}'});
});

test('quotedList double-quotes every item (YAML 1.1 reads 10911:10911 as a base-60 number)', () => {
	const doc = fillTemplate('ports: ${ports}\n', {ports: []}, 'test.yaml');
	doc.set('ports', quotedList(doc, ['10909:10909', '127.0.0.1:19876:8080']));
	assert.equal(doc.toString(), 'ports:\n  - "10909:10909"\n  - "127.0.0.1:19876:8080"\n');
});

test('the shipped templates are all present, and the YAML ones valid YAML', () => {
	const templates = loadTemplates();
	for (const [name, file] of Object.entries(TEMPLATE_FILES) as Array<[keyof typeof TEMPLATE_FILES, string]>) {
		assert.ok(templates[name].length > 0, name);
		if (file.endsWith('.yaml')) assert.doesNotThrow(() => parse(templates[name]), name);
	}
});
