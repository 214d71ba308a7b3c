import assert from 'node:assert/strict';
import {test} from 'node:test';
import {BINDINGS, bindingsFor, hintItems, hintLines, hints, keyName, lookup, TEXT_MODES, type Mode} from '../../source/ui/keys.ts';

const MODES = Object.keys(BINDINGS) as Mode[];

test('every mode\'s footer hints fit two lines of 80 columns, wrapped between hints, none left out', () => {
	for (const mode of MODES) {
		const lines = hintLines(mode, 80);
		assert.ok(lines.length <= 2, `${mode}: ${lines.join(' / ')}`);
		for (const line of lines) assert.ok(line.length <= 80, `${mode}: ${line}`);
		assert.deepEqual(lines.join(' · ').split(' · '), hintItems(mode), mode);
	}
});

test('hints wrap to more lines on a narrow terminal and stay whole', () => {
	const lines = hintLines('review', 40);
	assert.ok(lines.length >= 3);
	for (const line of lines) assert.ok(line.length <= 40, line);
	assert.equal(lines.join(' · '), hints('review'));
});

test('the review footer shows paging (PgUp/PgDn) along with every other key', () => {
	assert.match(hints('review'), /PgUp\/PgDn scroll/);
	assert.match(hints('review'), /s save · x export · D deploy · Esc back · \? help · q quit/);
});

test('Shift-Tab has its own name; Tab is tab', () => {
	const key = (over: object) => ({tab: true, shift: false, ctrl: false, meta: false, ...over}) as Parameters<typeof keyName>[1];
	assert.equal(keyName('', key({shift: true})), 'shift+tab');
	assert.equal(keyName('', key({})), 'tab');
});

test('no key is bound twice in one mode', () => {
	for (const mode of MODES) {
		const keys = bindingsFor(mode).flatMap(b => b.keys.filter(k => !(k === 'ctrl+c' && b.action === 'quit')));
		assert.equal(new Set(keys).size, keys.length, mode);
	}
});

test('text modes leave printable keys to the text; Ctrl-C quits everywhere', () => {
	for (const mode of MODES) {
		assert.equal(lookup(mode, 'ctrl+c')?.action, 'quit', mode);
		if (TEXT_MODES.has(mode)) for (const k of ['q', '?', 'd', 'J', 'x']) assert.equal(lookup(mode, k), undefined, `${mode} ${k}`);
		else assert.equal(lookup(mode, '?')?.action, 'help', mode);
	}
});

test('deploy is a key of the review; the deploy screen has its own keys', () => {
	assert.equal(lookup('review', 'D')?.action, 'deploy');
	assert.equal(lookup('review', 'D')?.disabled, undefined);
	assert.equal(lookup('deploy.preview', 'y')?.action, 'apply');
	assert.equal(lookup('deploy.confirm', 'n')?.action, 'no');
	assert.equal(lookup('deploy.question', 'enter')?.action, 'answer');
});
