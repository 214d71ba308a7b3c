/** A problem found in a cluster file or in flags: where, what, and how to fix it. */
export interface InventoryError {
	/** Dotted path inside the cluster file, e.g. `hosts[1].ip`, or a flag such as `--hosts`. */
	path: string;
	message: string;
	fix: string;
}

export type Result<T, E = InventoryError> = {ok: true; value: T} | {ok: false; errors: E[]};

export function formatErrors(errors: Array<{path: string; message: string; fix: string}>): string {
	return errors.map(e => `✗ ${e.path}: ${e.message}\n  fix: ${e.fix}`).join('\n');
}
