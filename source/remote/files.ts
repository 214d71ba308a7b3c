/**
 * Files on the remote host behind one small interface, with two implementations: SFTP as the login user
 * (sftpFiles, this file) and `sudo -n` commands for a non-root user writing where only root may (sudoFiles in
 * sudo-files.ts). Writes are atomic: a temp file in the same directory, written, fsync'ed, given its mode (and
 * owner), then renamed over the target — a reader sees the old file or the new one, never half of it.
 */
import {randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import type {SFTPWrapper, Stats} from 'ssh2';
import {RemoteError} from './errors.ts';
import {execOk, needsSudo, type ExecTarget} from './exec.ts';

export interface FileStat {
	type: 'file' | 'directory' | 'symlink' | 'other';
	size: number;
	/** Permission bits (e.g. 0o644). */
	mode: number;
	uid: number;
	gid: number;
	mtimeMs: number;
}

export interface WriteOptions {
	/** Default 0o644. */
	mode?: number;
	/** Owner of the new file (root, or sudo, needed to give it away). */
	uid?: number;
	gid?: number;
}

export interface RemoteFiles {
	/** The file's bytes; undefined when it does not exist. */
	read(path: string): Promise<Buffer | undefined>;
	/** Atomic replace (temp in the same directory + fsync + rename). The directory must exist. */
	writeAtomic(path: string, data: Buffer | string, options?: WriteOptions): Promise<void>;
	/** undefined when it does not exist (symlinks are followed). */
	stat(path: string): Promise<FileStat | undefined>;
	/** `mkdir -p`; `mode` applies to the directories it creates. */
	mkdirp(path: string, options?: {mode?: number}): Promise<void>;
	/** `chown uid:gid` (through exec, with sudo when not root). */
	chown(path: string, uid: number, gid: number, options?: {recursive?: boolean}): Promise<void>;
}

/** What the SFTP implementation needs of a session (SshSession has it). */
export interface SftpTarget extends ExecTarget {
	sftp(): Promise<SFTPWrapper>;
}

const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const CHUNK = 32 * 1024;
const PIPELINE = 16;

/** A temp name next to `path`: hidden, recognisable, unique. */
export function tempPathFor(path: string, random: Buffer = randomBytes(6)): string {
	return posix.join(posix.dirname(path), `.${posix.basename(path)}.rmq-tui-${random.toString('hex')}.tmp`);
}

function typeOf(stats: Stats): FileStat['type'] {
	if (stats.isFile()) return 'file';
	if (stats.isDirectory()) return 'directory';
	if (stats.isSymbolicLink()) return 'symlink';
	return 'other';
}

export function toFileStat(stats: Stats): FileStat {
	return {type: typeOf(stats), size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtimeMs: stats.mtime * 1000};
}

const sftpCode = (error: unknown) => (error as {code?: unknown}).code;

function sftpError(target: ExecTarget, what: string, path: string, error: unknown): RemoteError {
	const code = sftpCode(error);
	const why = code === SFTP_NO_SUCH_FILE ? 'no such file or directory' : code === SFTP_PERMISSION_DENIED ? 'permission denied' : (error as Error).message;
	const hint = code === SFTP_PERMISSION_DENIED && needsSudo(target.user) ? ` (user ${target.user} may not write there: use sudoFiles, or fix the owner)` : '';
	return new RemoteError('remote', target.label, `${target.label}: cannot ${what} ${path}: ${why}${hint}`, {}, {cause: error});
}

/** Promisify an SFTP call whose callback is (error, value). */
function call<T>(fn: (cb: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
	return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

export function sftpFiles(target: SftpTarget): RemoteFiles {
	const stat = async (path: string): Promise<FileStat | undefined> => {
		const sftp = await target.sftp();
		try {
			return toFileStat(await call<Stats>(cb => sftp.stat(path, cb)));
		} catch (error) {
			if (sftpCode(error) === SFTP_NO_SUCH_FILE) return undefined;
			throw sftpError(target, 'stat', path, error);
		}
	};

	const chown: RemoteFiles['chown'] = async (path, uid, gid, options = {}) => {
		await execOk(target, ['chown', ...(options.recursive ? ['-R'] : []), `${uid}:${gid}`, '--', path], {sudo: true});
	};

	return {
		stat,
		chown,
		async read(path) {
			const sftp = await target.sftp();
			try {
				return await call<Buffer>(cb => sftp.readFile(path, cb));
			} catch (error) {
				if (sftpCode(error) === SFTP_NO_SUCH_FILE) return undefined;
				throw sftpError(target, 'read', path, error);
			}
		},
		async writeAtomic(path, data, options = {}) {
			const sftp = await target.sftp();
			const bytes = typeof data === 'string' ? Buffer.from(data) : data;
			const temp = tempPathFor(path);
			const mode = options.mode ?? 0o644;
			const owner = options.uid !== undefined || options.gid !== undefined;
			let handle: Buffer | undefined;
			let step = 'create';
			try {
				handle = await call<Buffer>(cb => sftp.open(temp, 'wx', {mode: 0o600}, cb));
				step = 'write';
				// up to PIPELINE writes in flight: one round trip per batch, not per chunk
				for (let batch = 0; batch < bytes.length; batch += CHUNK * PIPELINE) {
					const writes: Array<Promise<void>> = [];
					for (let offset = batch; offset < Math.min(bytes.length, batch + CHUNK * PIPELINE); offset += CHUNK) {
						const length = Math.min(CHUNK, bytes.length - offset);
						writes.push(call<void>(cb => sftp.write(handle!, bytes, offset, length, offset, error => cb(error, undefined))));
					}
					await Promise.all(writes);
				}
				step = 'set the mode of';
				await call<void>(cb => sftp.fchmod(handle!, mode, error => cb(error, undefined)));
				if (owner && !needsSudo(target.user)) {
					step = 'set the owner of';
					const current = await call<Stats>(cb => sftp.fstat(handle!, cb));
					await call<void>(cb => sftp.fchown(handle!, options.uid ?? current.uid, options.gid ?? current.gid, error => cb(error, undefined)));
				}
				step = 'fsync';
				await call<void>(cb => sftp.ext_openssh_fsync(handle!, error => cb(error, undefined))).catch((error: Error) => {
					// a non-OpenSSH server without fsync@openssh.com: the rename is still atomic, just not durable yet
					if (!/does not support/i.test(error.message)) throw error;
				});
				step = 'close';
				const h = handle;
				handle = undefined;
				await call<void>(cb => sftp.close(h, error => cb(error, undefined)));
				if (owner && needsSudo(target.user)) {
					step = 'set the owner of';
					const current = await stat(temp);
					await chown(temp, options.uid ?? current?.uid ?? 0, options.gid ?? current?.gid ?? 0);
				}
				step = 'rename';
				await call<void>(cb => sftp.ext_openssh_rename(temp, path, error => cb(error, undefined)));
			} catch (error) {
				if (handle) await call<void>(cb => sftp.close(handle!, e => cb(e, undefined))).catch(() => {});
				await call<void>(cb => sftp.unlink(temp, e => cb(e, undefined))).catch(() => {});
				if (error instanceof RemoteError) throw error;
				throw sftpError(target, `${step} the temp file for`, path, error);
			}
		},
		async mkdirp(path, options = {}) {
			const sftp = await target.sftp();
			const absolute = path.startsWith('/');
			const parts = path.split('/').filter(p => p !== '' && p !== '.');
			let current = absolute ? '' : '.';
			for (const part of parts) {
				current = `${current}/${part}`;
				const existing = await stat(current);
				if (existing?.type === 'directory') continue;
				if (existing) throw new RemoteError('remote', target.label, `${target.label}: cannot create directory ${current}: a ${existing.type} is in the way`);
				try {
					await call<void>(cb => sftp.mkdir(current, {mode: options.mode ?? 0o755}, error => cb(error, undefined)));
					// the server's umask applied to mkdir: set the mode asked for
					if (options.mode !== undefined) await call<void>(cb => sftp.chmod(current, options.mode!, error => cb(error, undefined)));
				} catch (error) {
					if ((await stat(current))?.type === 'directory') continue; // created meanwhile
					throw sftpError(target, 'create directory', current, error);
				}
			}
		},
	};
}
