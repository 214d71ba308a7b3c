/** `rmq-tui lint PATH...`: lint hand-written confs / compose files (one cluster) and cluster files. */
import {formatFindings, summaryLine} from '../../lint/format.ts';
import {lintPaths} from '../../lint/load.ts';
import {EXIT, type CommandIO} from '../io.ts';

export async function lintCommand(paths: readonly string[], flags: {json?: boolean; quiet?: boolean}, io: CommandIO): Promise<number> {
	if (paths.length === 0) {
		io.stderr('rmq-tui lint: no paths given\n  fix: name the broker .conf / docker-compose.yml files or folders to lint, e.g. rmq-tui lint out/\n');
		return EXIT.usage;
	}
	const {findings, problems, fileCount} = await lintPaths(paths, io.cwd);
	if (problems.length > 0) {
		io.stderr(problems.map(p => `rmq-tui lint: ${p}\n`).join(''));
		return EXIT.usage;
	}
	const hasErrors = findings.some(f => f.severity === 'error');
	if (flags.json) {
		io.stdout(`${JSON.stringify(flags.quiet ? findings.filter(f => f.severity === 'error') : findings, null, 2)}\n`);
		return hasErrors ? EXIT.findings : EXIT.ok;
	}
	const listing = formatFindings(findings, flags.quiet === true);
	io.stdout(`${listing}${listing ? '\n\n' : ''}${summaryLine(findings, fileCount)}\n`);
	return hasErrors ? EXIT.findings : EXIT.ok;
}
