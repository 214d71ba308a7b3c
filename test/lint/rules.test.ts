/** The rule table (README, --help) names exactly the rules the modules emit. */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {RULES, rulesMarkdown} from '../../source/lint/rules.ts';

const LINT_DIR = new URL('../../source/lint/', import.meta.url);

test('every rule id emitted in source/lint is in RULES, and every RULES entry is emitted', () => {
	const emitted = new Map<string, Set<string>>();
	for (const name of readdirSync(LINT_DIR).filter(n => n.endsWith('.ts'))) {
		const text = readFileSync(new URL(name, LINT_DIR), 'utf8');
		for (const m of text.matchAll(/finding\('([a-z0-9-]+)', '(error|warning|info)'|finding\('([a-z0-9-]+)', ([^,']*\? '\w+' : '\w+')/g)) {
			const id = m[1] ?? m[3]!;
			const severities = m[2] ? [m[2]] : [...m[4]!.matchAll(/'(\w+)'/g)].map(s => s[1]!);
			for (const s of severities) emitted.set(id, (emitted.get(id) ?? new Set()).add(s));
		}
	}
	assert.deepEqual([...emitted.keys()].sort(), RULES.map(r => r.id).sort());
	for (const rule of RULES) assert.deepEqual([...emitted.get(rule.id)!].sort(), [...rule.severities].sort(), rule.id);
	assert.equal(new Set(RULES.map(r => r.id)).size, RULES.length);
});

test('the Markdown table has a row per rule', () => {
	assert.equal(rulesMarkdown().split('\n').length, RULES.length + 2);
});
