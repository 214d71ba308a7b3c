/**
 * RemoteFiles through `sudo -n` commands, for a non-root user writing where only root may (for root no sudo is
 * added). Each operation is a FIXED `sh -c` script; paths, modes and owners are its positional arguments, passed
 * as quoted argv words — user data is never part of the script text.
 */
import {RemoteError} from './errors.ts';
import {exec, execOk, type ExecTarget} from './exec.ts';
import type {FileStat, RemoteFiles} from './files.ts';

/** Exit status the scripts use for "does not exist". */
const ABSENT = 3;

const READ = 'if [ -e "$1" ]; then exec cat -- "$1"; else exit 3; fi';

/**
 * $1 path, $2 octal mode, $3 owner (uid:gid or empty). mktemp in the target's directory, copy stdin, chmod, chown,
 * fsync (GNU sync FILE; falls back to a full sync), rename; the temp file is removed on any failure.
 */
const WRITE = [
	'set -e',
	'dir=$(dirname -- "$1"); base=$(basename -- "$1")',
	'tmp=$(mktemp "$dir/.$base.rmq-tui-XXXXXX")',
	'trap \'rm -f -- "$tmp"\' EXIT',
	'cat > "$tmp"',
	'chmod "$2" "$tmp"',
	'if [ -n "$3" ]; then chown "$3" "$tmp"; fi',
	'sync -- "$tmp" 2>/dev/null || sync',
	'mv -f -- "$tmp" "$1"',
	'trap - EXIT',
].join('\n');

/** Prints `type size mode(octal) uid gid mtime(s)`; exit 3 when absent. */
const STAT = 'if [ -e "$1" ]; then exec stat -L -c "%F|%s|%a|%u|%g|%Y" -- "$1"; else exit 3; fi';

const sh = (script: string, ...args: string[]) => ['sh', '-c', script, 'sh', ...args];

/** `%F|%s|%a|%u|%g|%Y` of GNU stat → FileStat (pure). */
export function parseStatLine(line: string): FileStat {
	const [kind = '', size, mode, uid, gid, mtime] = line.trim().split('|');
	const type: FileStat['type'] = /^regular/.test(kind) ? 'file' : kind === 'directory' ? 'directory' : kind === 'symbolic link' ? 'symlink' : 'other';
	return {type, size: Number(size), mode: parseInt(mode ?? '0', 8), uid: Number(uid), gid: Number(gid), mtimeMs: Number(mtime) * 1000};
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

export function sudoFiles(target: ExecTarget, options: {timeoutMs?: number} = {}): RemoteFiles {
	const timeoutMs = options.timeoutMs ?? 120_000;
	const stat = async (path: string): Promise<FileStat | undefined> => {
		const result = await exec(target, sh(STAT, path), {sudo: true, timeoutMs});
		if (result.code === ABSENT) return undefined;
		if (result.code !== 0) throw new RemoteError('remote', target.label, `${target.label}: cannot stat ${path}: ${result.stderr.trim()}`);
		return parseStatLine(result.stdout);
	};
	return {
		stat,
		async read(path) {
			const result = await exec(target, sh(READ, path), {sudo: true, timeoutMs, maxOutputBytes: 512 * 1024 * 1024});
			if (result.code === ABSENT) return undefined;
			if (result.code !== 0) throw new RemoteError('remote', target.label, `${target.label}: cannot read ${path}: ${result.stderr.trim()}`);
			return result.stdoutBytes;
		},
		async writeAtomic(path, data, write = {}) {
			const owner = write.uid !== undefined ? `${write.uid}${write.gid !== undefined ? `:${write.gid}` : ''}` : write.gid !== undefined ? `:${write.gid}` : '';
			await execOk(target, sh(WRITE, path, octal(write.mode ?? 0o644), owner), {sudo: true, timeoutMs, stdin: data});
		},
		async mkdirp(path, mkdir = {}) {
			await execOk(target, ['mkdir', '-p', ...(mkdir.mode !== undefined ? ['-m', octal(mkdir.mode)] : []), '--', path], {sudo: true, timeoutMs});
		},
		async chown(path, uid, gid, chown = {}) {
			await execOk(target, ['chown', ...(chown.recursive ? ['-R'] : []), `${uid}:${gid}`, '--', path], {sudo: true, timeoutMs});
		},
	};
}
