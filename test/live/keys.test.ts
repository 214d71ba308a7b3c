/** The live pane's part of the key table: dispatch, footer hints, `?` overlay and README all read it. */
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {dangerousOff, PANE_BINDINGS, PANE_TEXT_MODES, paneBindingsFor, paneHintItems, paneHintLines, paneKeysMarkdown, paneLookup, READ_ONLY_REASON, type PaneMode} from '../../source/ui/keys.ts';

const MODES = Object.keys(PANE_BINDINGS) as PaneMode[];

test('no key is bound twice in a pane mode; Ctrl-C quits in every one', () => {
	for (const mode of MODES) {
		const keys = paneBindingsFor(mode).flatMap(b => b.keys.filter(k => !(k === 'ctrl+c' && b.action === 'quit')));
		assert.equal(new Set(keys).size, keys.length, mode);
		assert.equal(paneLookup(mode, 'ctrl+c')?.action, 'quit', mode);
	}
});

test('the drill keys are the dangerous bindings, and read-only or no host access turns exactly those off', () => {
	const dangerous = paneBindingsFor('pane').filter(b => b.dangerous).map(b => b.keys.join('/'));
	assert.deepEqual(dangerous, ['s', 'K', 'p', 'S', 'r']);
	assert.equal(dangerousOff({}), undefined);
	assert.equal(dangerousOff({readOnly: true, noHosts: 'x'}), READ_ONLY_REASON);
	for (const policy of [{readOnly: true}, {noHosts: 'no host access'}]) {
		for (const mode of MODES) {
			for (const b of paneBindingsFor(mode, policy)) assert.equal(b.disabled !== undefined, b.dangerous === true, `${mode} ${b.keys.join('/')}`);
		}
	}
	assert.equal(paneLookup('pane', 'K', {readOnly: true})?.disabled, READ_ONLY_REASON);
	assert.equal(paneLookup('pane', 'K')?.disabled, undefined);
});

test('questions and text modes own the keyboard: no q, no ?, no drill key', () => {
	for (const mode of MODES.filter(m => m !== 'pane')) {
		assert.equal(paneLookup(mode, 'q'), undefined, mode);
		assert.equal(paneLookup(mode, '?'), undefined, mode);
		assert.equal(paneLookup(mode, 'K'), undefined, mode);
	}
	for (const mode of PANE_TEXT_MODES) for (const k of ['j', 'k', 's', 'y', 'n']) assert.equal(paneLookup(mode, k), undefined, `${mode} ${k}`);
	assert.equal(paneLookup('pane', 'k')?.action, 'up');
	assert.equal(paneLookup('pane.undo', 'k')?.action, 'keepAll');
});

test('every pane footer fits two lines of 80 columns; disabled drill keys are one hint saying why', () => {
	for (const policy of [{}, {readOnly: true}, {noHosts: 'no host access with --namesrv'}]) {
		for (const mode of MODES) {
			const lines = paneHintLines(mode, 80, policy);
			assert.ok(lines.length <= 2, `${mode} ${JSON.stringify(policy)}: ${lines.join(' / ')}`);
			for (const line of lines) assert.ok(line.length <= 80, line);
		}
	}
	assert.match(paneHintItems('pane', {readOnly: true}).join(' · '), /s K p S r off: read-only \(--read-only\)/);
	assert.match(paneHintItems('pane').join(' · '), /s stop · K kill · p pause · S start · r restart/);
});

test("the README's live-pane key reference is the table", async () => {
	const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
	assert.ok(readme.includes(paneKeysMarkdown()), 'regenerate the README "Live pane" keys from paneKeysMarkdown()');
});
