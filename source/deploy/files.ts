/**
 * Files on a host: what to write, what to leave alone, what to back up first (pure).
 * A file whose content is already right is not touched (its mtime stays); a changed one is backed up next to
 * itself before the new content is renamed over it.
 */
import type {RenderedFile} from '../render/render.ts';
import {unifiedDiff} from './text-diff.ts';

export type FileAction =
	| {kind: 'unchanged'; file: RenderedFile}
	| {kind: 'create'; file: RenderedFile}
	| {kind: 'update'; file: RenderedFile; before: string; diff: string; backupPath: string};

/** `broker.conf` → `broker.conf.bak-20261125T070214Z`: sortable, one per deploy that changed it. */
export const backupPath = (path: string, at: Date): string => `${path}.bak-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;

/** `current` maps a path to its content on the host (absent: no such file). */
export function diffFiles(files: readonly RenderedFile[], current: ReadonlyMap<string, string>, at: Date): FileAction[] {
	return files.map((file): FileAction => {
		const before = current.get(file.path);
		if (before === undefined) return {kind: 'create', file};
		if (before === file.content) return {kind: 'unchanged', file};
		return {
			kind: 'update',
			file,
			before,
			diff: unifiedDiff(before, file.content, {from: `${file.host}:${file.path}`, to: `${file.host}:${file.path} (new)`}),
			backupPath: backupPath(file.path, at),
		};
	});
}
