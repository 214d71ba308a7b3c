import {execFile} from 'node:child_process';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {memoryIO} from '../../source/cli/io.ts';
import {main} from '../../source/cli/main.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEED_HOSTS = '192.168.1.71,192.168.1.76,192.168.1.77';

export const scratch = (prefix = 'rmq-tui-cli-') => mkdtemp(join(tmpdir(), prefix));

/** Runs the CLI in-process with captured output. */
export async function run(argv: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {HOME: '/nonexistent-home'}) {
	const io = memoryIO(cwd, env);
	const code = await main(argv, io);
	return {code, out: io.out(), err: io.err()};
}

/** Runs a real process; resolves with its exit code and output (never rejects on a non-zero exit). */
export function spawnCli(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}) {
	return new Promise<{code: number; out: string; err: string}>(resolve => {
		execFile(command, args, {cwd: options.cwd ?? ROOT, env: options.env ?? process.env, timeout: 60_000}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({code, out: stdout, err: stderr});
		});
	});
}
