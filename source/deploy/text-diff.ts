/** A unified line diff (pure), for the dry-run: what a changed file on a host will look like. */

type Edit = {op: ' ' | '-' | '+'; line: string};

function edits(before: readonly string[], after: readonly string[]): Edit[] {
	// Longest common subsequence table; files here are a few hundred lines at most.
	const n = before.length;
	const m = after.length;
	const lcs = Array.from({length: n + 1}, () => new Uint32Array(m + 1));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
		}
	}
	const out: Edit[] = [];
	let i = 0;
	let j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && before[i] === after[j]) {
			out.push({op: ' ', line: before[i]!});
			i++;
			j++;
		} else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
			// On a tie the old line goes first: `-old` then `+new`, as diff -u prints a change.
			out.push({op: '-', line: before[i++]!});
		} else {
			out.push({op: '+', line: after[j++]!});
		}
	}
	return out;
}

/** A last line without its newline keeps a `\n` (no line has one otherwise): it differs from the same line ended. */
const NO_EOL = '\n';
const splitLines = (text: string): string[] => {
	if (text === '') return [];
	const lines = text.replace(/\n$/, '').split('\n');
	if (!text.endsWith('\n')) lines[lines.length - 1] += NO_EOL;
	return lines;
};
const printed = (e: Edit): string[] =>
	e.line.endsWith(NO_EOL) ? [`${e.op}${e.line.slice(0, -1)}`, '\\ No newline at end of file'] : [`${e.op}${e.line}`];

/** `--- a`/`+++ b` and hunks with `context` lines around each change; empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, labels: {from: string; to: string}, context = 3): string {
	if (before === after) return '';
	const all = edits(splitLines(before), splitLines(after));
	const changed = all.map((e, k) => (e.op === ' ' ? -1 : k)).filter(k => k >= 0);
	const hunks: Array<[number, number]> = [];
	for (const k of changed) {
		const start = Math.max(0, k - context);
		const end = Math.min(all.length, k + context + 1);
		const last = hunks.at(-1);
		if (last && start <= last[1]) last[1] = Math.max(last[1], end);
		else hunks.push([start, end]);
	}
	const lines = [`--- ${labels.from}`, `+++ ${labels.to}`];
	for (const [start, end] of hunks) {
		const oldStart = all.slice(0, start).filter(e => e.op !== '+').length;
		const newStart = all.slice(0, start).filter(e => e.op !== '-').length;
		const body = all.slice(start, end);
		const oldLen = body.filter(e => e.op !== '+').length;
		const newLen = body.filter(e => e.op !== '-').length;
		lines.push(`@@ -${oldStart + (oldLen ? 1 : 0)},${oldLen} +${newStart + (newLen ? 1 : 0)},${newLen} @@`);
		for (const e of body) lines.push(...printed(e));
	}
	return lines.join('\n');
}
