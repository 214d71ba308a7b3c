/**
 * Writing an export tree atomically: everything goes to a hidden sibling first and is renamed into
 * place only when complete, so an error never leaves a half-written tree (or a half-replaced one).
 */
import {randomBytes} from 'node:crypto';
import {mkdir, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import type {TreeEntry} from './tree.ts';

export class ExportError extends Error {
	constructor(message: string, readonly fix: string) {
		super(message);
	}
}

function explain(error: unknown, target: string): ExportError {
	const code = (error as NodeJS.ErrnoException).code;
	const where = (error as NodeJS.ErrnoException).path ?? target;
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return new ExportError(`cannot write ${where}: permission denied`, 'choose a directory you can write to, or fix its permissions');
		case 'EROFS':
			return new ExportError(`cannot write ${where}: the file system is read-only`, 'choose a directory on a writable file system');
		case 'ENOTDIR':
		case 'EEXIST':
			return new ExportError(`cannot create ${target}: a file (not a directory) is in the way at ${where}`, 'choose another --export directory');
		case 'ENOSPC':
			return new ExportError(`no space left while writing ${where}`, 'free some disk space or choose another directory');
		default:
			return new ExportError(`cannot write ${where}: ${(error as Error).message}`, 'choose another --export directory');
	}
}

async function existingDir(dir: string): Promise<'missing' | 'empty' | 'non-empty'> {
	try {
		const info = await stat(dir);
		if (!info.isDirectory()) throw new ExportError(`${dir} exists and is not a directory`, 'choose another --export directory');
		return (await readdir(dir)).length === 0 ? 'empty' : 'non-empty';
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
		if (error instanceof ExportError) throw error;
		throw explain(error, dir);
	}
}

export async function writeTreeAtomically(target: string, entries: readonly TreeEntry[], options: {force: boolean}): Promise<string> {
	const dir = resolve(target);
	const state = await existingDir(dir);
	if (state === 'non-empty' && !options.force) {
		throw new ExportError(`${dir} is not empty`, 'choose an empty or new directory, or pass --force to replace its contents');
	}
	const parent = dirname(dir);
	const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
	const staging = join(parent, `.${basename(dir)}.rmq-tui-${tag}`);
	try {
		await mkdir(parent, {recursive: true});
		await mkdir(staging);
		for (const entry of entries) {
			const path = join(staging, ...entry.path.split('/'));
			if (entry.content === undefined) {
				await mkdir(path, {recursive: true, mode: 0o755});
			} else {
				await mkdir(dirname(path), {recursive: true, mode: 0o755});
				await writeFile(path, entry.content, {mode: 0o644});
			}
		}
	} catch (error) {
		await rm(staging, {recursive: true, force: true});
		throw error instanceof ExportError ? error : explain(error, dir);
	}
	const previous = join(parent, `.${basename(dir)}.rmq-tui-old-${tag}`);
	try {
		if (state !== 'missing') await rename(dir, previous);
		try {
			await rename(staging, dir);
		} catch (error) {
			if (state !== 'missing') await rename(previous, dir);
			throw error;
		}
	} catch (error) {
		await rm(staging, {recursive: true, force: true});
		throw explain(error, dir);
	}
	if (state !== 'missing') await rm(previous, {recursive: true, force: true});
	return dir;
}
