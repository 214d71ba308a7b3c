/**
 * Remote command lines (pure). A command is ALWAYS an argv: every word is shell-quoted (shellJoin), so names and
 * paths from the user reach the program literally — never a string with user data pasted in. sshd runs the line
 * with the user's login shell, which only ever sees quoted words.
 */
import {shellJoin} from '../util/shell.ts';

export interface CommandOptions {
	/** Run as root through `sudo -n` (no prompt: fails at once when a password would be needed). */
	sudo?: boolean;
	/**
	 * Have the remote host SIGKILL the program after this long (coreutils/busybox `timeout`; inside sudo when both
	 * are asked, so it kills the program, not sudo). A backstop for root sessions: sshd ignores their signal requests
	 * ("session signalling requires privilege separation"), and a closed channel does not stop a program that writes
	 * nothing.
	 */
	killAfterMs?: number;
}

/**
 * The line sshd is given for `argv`: `exec` + the quoted words, so the login shell is replaced by the program and a
 * signal request (sshd signals the session's process group) reaches it. Throws on an empty argv or a NUL byte.
 */
export function commandLine(argv: readonly string[], options: CommandOptions = {}): string {
	if (argv.length === 0 || argv[0] === '') throw new Error('empty command');
	if (argv.some(a => a.includes('\0'))) throw new Error('a command argument contains a NUL byte');
	if (argv[0]!.startsWith('-')) throw new Error(`a program name cannot start with "-": ${argv[0]}`);
	const guarded = options.killAfterMs !== undefined ? ['timeout', '-s', 'KILL', String(Math.max(1, Math.ceil(options.killAfterMs / 1000))), ...argv] : argv;
	return `exec ${shellJoin(options.sudo ? ['sudo', '-n', '--', ...guarded] : guarded)}`;
}

export type SudoProblemKind = 'password-required' | 'not-allowed' | 'missing' | 'account';

export interface SudoProblem {
	kind: SudoProblemKind;
	/** sudo's own line. */
	detail: string;
}

/**
 * Did `sudo -n` itself refuse (as opposed to the command failing)? Judged from sudo's messages, which it prints
 * before running anything: exit 1 with `sudo: a password is required`, `… is not in the sudoers file`,
 * `Sorry, user … is not allowed to execute …`; exit 127 / `sudo: not found` when sudo is missing.
 */
export function sudoProblem(code: number | null, stderr: string): SudoProblem | undefined {
	const lines = stderr.split('\n').map(l => l.trim()).filter(l => l !== '');
	const line = (re: RegExp) => lines.find(l => re.test(l));
	if (code === 127) {
		const missing = line(/(^|: )sudo: (command )?not found$|sudo: No such file or directory/);
		if (missing) return {kind: 'missing', detail: missing};
	}
	if (code !== 1) return undefined;
	const password = line(/^sudo: (a password is required|a terminal is required)/);
	if (password) return {kind: 'password-required', detail: password};
	const notAllowed = line(/is not in the sudoers file|^Sorry, user .* is not allowed to execute|^sudo: .* is not allowed to/);
	if (notAllowed) return {kind: 'not-allowed', detail: notAllowed};
	const account = line(/^sudo: (account validation failure|.*account.*(locked|expired))/);
	if (account) return {kind: 'account', detail: account};
	return undefined;
}

/** What to tell the operator when sudo refused: the cause and the fix. */
export function sudoAdvice(problem: SudoProblem, user: string, host: string, argv: readonly string[]): string {
	const what = argv[0] ?? 'the command';
	const rule = `${user} ALL=(root) NOPASSWD: ALL`;
	switch (problem.kind) {
		case 'password-required':
			return `user ${user} cannot run sudo without a password on ${host} (needed for ${what}): add \`${rule}\` to /etc/sudoers.d/rmq-tui there (or list only the commands rmq-tui runs), or connect as root`;
		case 'not-allowed':
			return `user ${user} is not allowed to run ${what} as root through sudo on ${host} (${problem.detail}): add \`${rule}\` to /etc/sudoers.d/rmq-tui there, or connect as root`;
		case 'missing':
			return `sudo is not installed on ${host}, and user ${user} is not root: install sudo and add \`${rule}\`, or connect as root`;
		case 'account':
			return `sudo refused user ${user} on ${host} (${problem.detail}): check the account, or connect as root`;
	}
}
