import assert from 'node:assert/strict';
import {test} from 'node:test';
import {BINDINGS, bindingsFor, hints, lookup, TEXT_MODES, type Mode} from '../../source/ui/keys.ts';

const MODES = Object.keys(BINDINGS) as Mode[];

test('every mode\'s footer hints fit 80 columns', () => {
	for (const mode of MODES) assert.ok(hints(mode).length <= 80, `${mode}: ${hints(mode)}`);
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

test('deploy is shown disabled with its reason', () => {
	assert.equal(lookup('review', 'D')?.disabled, 'deploy arrives with the deploy issue');
	assert.match(hints('review'), /D deploy \(off\)/);
});
