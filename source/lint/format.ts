/** Findings as a compiler prints them (pure): `file:line: severity [rule] message`, then `  fix: …`, per file. */
import type {Finding, Severity} from './types.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
	const counts: Record<Severity, number> = {error: 0, warning: 0, info: 0};
	for (const f of findings) counts[f.severity]++;
	return counts;
}

/** `N errors, M warnings in K files` (and the info count when there is any). */
export function summaryLine(findings: readonly Finding[], fileCount: number): string {
	const {error, warning, info} = countBySeverity(findings);
	return `${plural(error, 'error')}, ${plural(warning, 'warning')}${info > 0 ? `, ${info} info` : ''} in ${plural(fileCount, 'file')}`;
}

/** Sorted findings → text, a blank line between files. `errorsOnly` leaves out warnings and info. */
export function formatFindings(findings: readonly Finding[], errorsOnly = false): string {
	const shown = errorsOnly ? findings.filter(f => f.severity === 'error') : findings;
	const blocks: string[] = [];
	let currentFile: string | undefined;
	let block: string[] = [];
	for (const f of shown) {
		if (f.file !== currentFile && block.length > 0) {
			blocks.push(block.join('\n'));
			block = [];
		}
		currentFile = f.file;
		block.push(`${f.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.severity} [${f.rule}] ${f.message}`, `  fix: ${f.fix}`);
	}
	if (block.length > 0) blocks.push(block.join('\n'));
	return blocks.join('\n\n');
}
