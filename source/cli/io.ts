/** What a command may touch of the process: output streams and the working directory. Injected for tests. */
export interface CommandIO {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	cwd: string;
	env: NodeJS.ProcessEnv;
}

export const EXIT = {ok: 0, findings: 1, usage: 2, unreachable: 3} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {
	constructor(message: string, readonly hint?: string) {
		super(message);
	}
}

export function processIO(): CommandIO {
	return {
		stdout: text => process.stdout.write(text),
		stderr: text => process.stderr.write(text),
		cwd: process.cwd(),
		env: process.env,
	};
}

/** Collects output, for tests. */
export function memoryIO(cwd = process.cwd(), env: NodeJS.ProcessEnv = {}): CommandIO & {out: () => string; err: () => string} {
	let out = '';
	let err = '';
	return {stdout: t => void (out += t), stderr: t => void (err += t), cwd, env, out: () => out, err: () => err};
}
