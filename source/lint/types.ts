/** What the linter reports, and what it reads. Pure data. */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
	/** Stable id such as `dledger-selfid-duplicate`. */
	rule: string;
	severity: Severity;
	/** The file as the user named it (rendered files: `host:path`). */
	file: string;
	/** 1-based line, when the finding belongs to one. */
	line?: number;
	/** The host the file belongs to, when known. */
	host?: string;
	/** One line: exactly what is wrong. */
	message: string;
	/** One line: how to fix it. */
	fix: string;
}

/** One file to lint, as text. */
export interface LintSource {
	/** Path as read (hand-written: relative to the working directory or absolute; rendered: the path on its host). */
	path: string;
	/** The host the file is for (its `<host>/` folder, or the rendered file's host); else brokerIP1 decides. */
	host?: string;
	text: string;
	/** What findings call the file; defaults to `path`. */
	label?: string;
}

export interface LintInput {
	confs: LintSource[];
	composes: LintSource[];
	/** Host name → the IPv4 its brokers must advertise, when known (an inventory); IPv4 host names need no entry. */
	hostIps?: Record<string, string>;
}

/** Builds findings that share a file and host. */
export function findingsFor(file: string, host?: string) {
	return (rule: string, severity: Severity, line: number | undefined, message: string, fix: string): Finding => ({
		rule,
		severity,
		file,
		...(line !== undefined ? {line} : {}),
		...(host !== undefined ? {host} : {}),
		message,
		fix,
	});
}

export type FindingMaker = ReturnType<typeof findingsFor>;

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2};

/** By file, then line (file-level findings first), then severity, rule and message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
	return [...findings].sort(
		(a, b) =>
			(a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
			(a.line ?? 0) - (b.line ?? 0) ||
			SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
			a.rule.localeCompare(b.rule) ||
			a.message.localeCompare(b.message),
	);
}
