/**
 * The dry-run's unified diff against GNU `diff -u` (diffutils), hunk for hunk, and a seeded fuzz checking that the
 * hunks are minimal (as many -/+ lines as GNU diff's) and turn `before` into `after` when applied.
 *
 * Headers: GNU diff writes `@@ -5 +5 @@` for a one-line range; ours always writes the count (`-5,1`), which patch(1)
 * reads the same — the comparison normalises that. The two `---`/`+++` lines (GNU's carry file times) are compared
 * separately. A missing newline at the end is shown as GNU does: `\ No newline at end of file` after that line.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after as afterAll, before as beforeAll, test, type TestContext} from 'node:test';
import {unifiedDiff} from '../../source/deploy/text-diff.ts';
import {need} from '../support/need.ts';

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'rmq-tui-text-diff-'));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const hasGnuDiff = (): boolean => /GNU diffutils/.test(spawnSync('diff', ['--version'], {encoding: 'utf8'}).stdout ?? '');

/** GNU diff's hunks (its two header lines dropped), with one-line ranges written out as `,1`; '' when equal. */
function gnu(before: string, after: string, context = 3): string {
	writeFileSync(join(dir, 'a'), before);
	writeFileSync(join(dir, 'b'), after);
	const r = spawnSync('diff', [`-U${context}`, join(dir, 'a'), join(dir, 'b')], {encoding: 'utf8'});
	assert.ok(r.status === 0 || r.status === 1, `diff failed: ${r.stderr}`);
	if (r.status === 0) return '';
	return normalise(r.stdout.replace(/\n$/, '').split('\n').slice(2).join('\n'));
}

const normalise = (hunks: string): string =>
	hunks.replace(/^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$/gm, (_, a: string, b: string | undefined, c: string, d: string | undefined) => `@@ -${a}${b ?? ',1'} +${c}${d ?? ',1'} @@`);

/** Ours without its two header lines. */
function ours(before: string, after: string, context = 3): string {
	const text = unifiedDiff(before, after, {from: 'a', to: 'b'}, context);
	if (text === '') return '';
	const lines = text.split('\n');
	assert.deepEqual(lines.slice(0, 2), ['--- a', '+++ b']);
	return lines.slice(2).join('\n');
}

/** Locally a missing GNU diff skips; under CI it fails (test/support/need.ts). */
const needDiff = (t: TestContext): boolean => need(t, 'GNU diff (apt-get install diffutils)', hasGnuDiff());

function same(t: TestContext, before: string, after: string, context = 3): boolean {
	if (!needDiff(t)) return false;
	assert.equal(ours(before, after, context), gnu(before, after, context), `before ${JSON.stringify(before)}\nafter ${JSON.stringify(after)}`);
	assert.equal(apply(before, unifiedDiff(before, after, {from: 'a', to: 'b'}, context)), after);
	return true;
}

/** Text lines with their newline (the last may have none). */
const pieces = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** A strict patch applier: context and removed lines must match, ranges must add up. */
function apply(before: string, diff: string): string {
	if (diff === '') return before;
	const old = pieces(before);
	const lines = diff.split('\n');
	assert.match(lines[0]!, /^--- /);
	assert.match(lines[1]!, /^\+\+\+ /);
	const out: string[] = [];
	let at = 0;
	let k = 2;
	while (k < lines.length) {
		const h = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[k]!);
		assert.ok(h, `hunk header expected: ${lines[k]}`);
		const [oldStart, oldLen, newStart, newLen] = h.slice(1).map(Number) as [number, number, number, number];
		const from = oldLen === 0 ? oldStart : oldStart - 1;
		assert.ok(from >= at, 'hunks overlap or go backwards');
		out.push(...old.slice(at, from));
		at = from;
		assert.equal(newLen === 0 ? newStart : newStart - 1, out.length, 'new start');
		let seenOld = 0;
		let seenNew = 0;
		k++;
		while (k < lines.length && !lines[k]!.startsWith('@@')) {
			const line = lines[k]!;
			const noEol = lines[k + 1] === '\\ No newline at end of file';
			const text = line.slice(1) + (noEol ? '' : '\n');
			if (line[0] === ' ' || line[0] === '-') {
				assert.equal(old[at], text, `line ${at + 1} of before does not match ${JSON.stringify(line)}`);
				at++;
				seenOld++;
			}
			if (line[0] === ' ' || line[0] === '+') {
				out.push(text);
				seenNew++;
			}
			assert.ok(' -+'.includes(line[0]!) && line.length > 0, `bad body line ${JSON.stringify(line)}`);
			k += noEol ? 2 : 1;
		}
		assert.equal(seenOld, oldLen, 'old length in the header');
		assert.equal(seenNew, newLen, 'new length in the header');
	}
	out.push(...old.slice(at));
	return out.join('');
}

const counts = (hunks: string): {minus: number; plus: number} => {
	const body = hunks.split('\n').filter(l => !l.startsWith('@@'));
	return {minus: body.filter(l => l.startsWith('-')).length, plus: body.filter(l => l.startsWith('+')).length};
};

const numbered = (n: number, prefix = 'line'): string[] => Array.from({length: n}, (_, i) => `${prefix} ${i + 1}`);
const text = (lines: readonly string[]): string => lines.map(l => `${l}\n`).join('');
const edit = (lines: readonly string[], changes: Record<number, string>): string[] => lines.map((l, i) => changes[i] ?? l);

test('equal texts: empty output, as diff prints nothing', t => {
	assert.equal(unifiedDiff('', '', {from: 'a', to: 'b'}), '');
	assert.equal(unifiedDiff('x\ny\n', 'x\ny\n', {from: 'a', to: 'b'}), '');
	same(t, 'x\ny\n', 'x\ny\n');
});

test('labels head the diff', () => {
	assert.equal(unifiedDiff('a\n', 'b\n', {from: 'h1:/etc/x (old)', to: 'h1:/etc/x (new)'}), '--- h1:/etc/x (old)\n+++ h1:/etc/x (new)\n@@ -1,1 +1,1 @@\n-a\n+b');
});

test('empty → text and text → empty', t => {
	if (!same(t, '', 'a\nb\nc\n')) return;
	assert.equal(ours('', 'a\nb\nc\n'), '@@ -0,0 +1,3 @@\n+a\n+b\n+c');
	same(t, 'a\nb\nc\n', '');
	assert.equal(ours('a\nb\nc\n', ''), '@@ -1,3 +0,0 @@\n-a\n-b\n-c');
});

test('one line changed at the start, in the middle, at the end of 20 lines', t => {
	const lines = numbered(20);
	for (const at of [0, 1, 9, 18, 19]) if (!same(t, text(lines), text(edit(lines, {[at]: 'CHANGED'})))) return;
	assert.equal(ours(text(lines), text(edit(lines, {0: 'CHANGED'}))), '@@ -1,4 +1,4 @@\n-line 1\n+CHANGED\n line 2\n line 3\n line 4');
	assert.equal(ours(text(lines), text(edit(lines, {9: 'CHANGED'}))), '@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+CHANGED\n line 11\n line 12\n line 13');
	assert.equal(ours(text(lines), text(edit(lines, {19: 'CHANGED'}))), '@@ -17,4 +17,4 @@\n line 17\n line 18\n line 19\n-line 20\n+CHANGED');
});

test('insertions, deletions and a block replaced', t => {
	const lines = numbered(12);
	const cases: Array<[string[], string[]]> = [
		[lines, [...lines.slice(0, 5), 'new a', 'new b', ...lines.slice(5)]],
		[lines, [...lines.slice(0, 5), ...lines.slice(8)]],
		[lines, [...lines.slice(0, 4), 'x', 'y', 'z', ...lines.slice(6)]],
		[lines, ['top', ...lines]],
		[lines, [...lines, 'bottom']],
		[lines, lines.slice(1)],
		[lines, lines.slice(0, -1)],
		[['a'], ['b']],
		[['a', 'b'], ['b', 'a']],
		[['same', 'same', 'same'], ['same', 'same']],
	];
	for (const [a, b] of cases) if (!same(t, text(a), text(b))) return;
	assert.equal(ours(text(lines), text([...lines.slice(0, 4), 'x', 'y', 'z', ...lines.slice(6)])),
		'@@ -2,8 +2,9 @@\n line 2\n line 3\n line 4\n-line 5\n-line 6\n+x\n+y\n+z\n line 7\n line 8\n line 9');
});

test('changes closer than 2×context share a hunk; farther apart they make two', t => {
	const lines = numbered(30);
	// Six unchanged lines between (= 2 × 3): one hunk. Seven: two.
	if (!same(t, text(lines), text(edit(lines, {5: 'X', 12: 'Y'})))) return;
	assert.equal(ours(text(lines), text(edit(lines, {5: 'X', 12: 'Y'}))).split('\n').filter(l => l.startsWith('@@')).length, 1);
	same(t, text(lines), text(edit(lines, {5: 'X', 13: 'Y'})));
	assert.deepEqual(ours(text(lines), text(edit(lines, {5: 'X', 13: 'Y'}))).split('\n').filter(l => l.startsWith('@@')), ['@@ -3,7 +3,7 @@', '@@ -11,7 +11,7 @@']);
	same(t, text(lines), text(edit(lines, {2: 'X', 15: 'Y', 27: 'Z'})));
	// Other context sizes, against diff -U.
	for (const context of [0, 1, 2, 5]) {
		same(t, text(lines), text(edit(lines, {5: 'X', 9: 'Y', 20: 'Z'})), context);
		same(t, text(lines), text([...lines.slice(0, 10), ...lines.slice(12), 'tail']), context);
	}
	assert.equal(ours(text(lines), text(edit(lines, {5: 'X'})), 0), '@@ -6,1 +6,1 @@\n-line 6\n+X');
});

test('trailing newline differences: shown as GNU diff shows them', t => {
	const cases: Array<[string, string]> = [
		['a\nb', 'a\nb\n'],
		['a\nb\n', 'a\nb'],
		['a', 'b'],
		['a', 'a\n'],
		['', 'a'],
		['a', ''],
		['x\na\nb\nc\nd\ne', 'y\na\nb\nc\nd\ne'],
		['x\na\nb\nc', 'y\na\nb\nc'],
		['x\na\nb\nc', 'x\na\nb\nc\nd'],
		['\n', ''],
		['\n', '\n\n'],
	];
	for (const [a, b] of cases) if (!same(t, a, b)) return;
	assert.equal(ours('a\nb', 'a\nb\n'), '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b');
	assert.equal(ours('x\na\nb\nc', 'y\na\nb\nc'), '@@ -1,4 +1,4 @@\n-x\n+y\n a\n b\n c\n\\ No newline at end of file');
});

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let r = Math.imul(a ^ (a >>> 15), 1 | a);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
	};
}

test('fuzz: 200 random edits on small alphabets — minimal like GNU diff, and the hunks apply', t => {
	if (!needDiff(t)) return;
	const rnd = random(20261125);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
	let identical = 0;
	for (let n = 0; n < 200; n++) {
		const alphabet = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, 2 + Math.floor(rnd() * 4));
		const before = Array.from({length: Math.floor(rnd() * 16)}, () => pick(alphabet));
		const after = [...before];
		for (let e = Math.floor(rnd() * 5); e > 0; e--) {
			const at = Math.floor(rnd() * (after.length + 1));
			const op = rnd();
			if (op < 0.35) after.splice(at, 0, pick(alphabet));
			else if (op < 0.7 && after.length > 0) after.splice(Math.min(at, after.length - 1), 1);
			else if (after.length > 0) after[Math.min(at, after.length - 1)] = pick(alphabet);
		}
		const a = text(before).slice(0, rnd() < 0.15 ? -1 : undefined);
		const b = text(after).slice(0, rnd() < 0.15 ? -1 : undefined);
		const context = pick([0, 1, 3]);
		const label = `case ${n}: ${JSON.stringify(a)} → ${JSON.stringify(b)} (-U${context})`;
		const mine = ours(a, b, context);
		const theirs = gnu(a, b, context);
		assert.equal(mine === '', theirs === '', label);
		assert.deepEqual(counts(mine), counts(theirs), label);
		assert.equal(apply(a, unifiedDiff(a, b, {from: 'a', to: 'b'}, context)), b, label);
		if (mine === theirs) identical++;
	}
	// Most alignments are GNU's own (180 of 200 with this seed); the rest are equally minimal (checked above).
	assert.ok(identical >= 150, `${identical} of 200 identical to GNU diff`);
});
