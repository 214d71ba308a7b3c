/** Collecting validation problems with their paths, and did-you-mean suggestions (pure). */
import type {InventoryError} from './errors.ts';

export type Raw = Record<string, unknown>;
export const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Collector {
	readonly errors: InventoryError[] = [];
	add(path: string, message: string, fix: string): void {
		this.errors.push({path, message, fix});
	}

	unknownKeys(obj: Raw, known: Set<string>, path: string): void {
		for (const key of Object.keys(obj)) {
			if (!known.has(key)) {
				const suggestion = closest(key, [...known]);
				this.add(
					path ? `${path}.${key}` : key,
					'unknown key',
					suggestion ? `did you mean "${suggestion}"?` : `remove it; known keys: ${[...known].join(', ')}`,
				);
			}
		}
	}

	int(value: unknown, path: string, min: number, max: number, fallback: number): number {
		if (value === undefined) return fallback;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
			this.add(path, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, `set ${path} to a number in range`);
			return fallback;
		}
		return value;
	}

	str(value: unknown, path: string, fallback: string, shape?: RegExp, shapeHint?: string): string {
		if (value === undefined) return fallback;
		if (typeof value !== 'string' || value.trim() === '') {
			this.add(path, `must be a non-empty string, got ${JSON.stringify(value)}`, `set ${path} to a string`);
			return fallback;
		}
		if (value.trim() !== value) {
			this.add(path, `"${value}" has leading or trailing spaces`, 'remove the spaces');
			return value.trim();
		}
		if (shape && !shape.test(value)) {
			this.add(path, `"${value}" is not valid`, shapeHint ?? `match ${shape}`);
		}
		return value;
	}

	bool(value: unknown, path: string, fallback: boolean): boolean {
		if (value === undefined) return fallback;
		if (typeof value !== 'boolean') {
			this.add(path, `must be true or false, got ${JSON.stringify(value)}`, `write ${path}: true or ${path}: false`);
			return fallback;
		}
		return value;
	}
}

/** Levenshtein-nearest candidate within a small distance, for did-you-mean hints. */
export function closest(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
	let best: string | undefined;
	let bestD = Infinity;
	for (const c of candidates) {
		const d = editDistance(word.toLowerCase(), c.toLowerCase());
		if (d < bestD) {
			best = c;
			bestD = d;
		}
	}
	return bestD <= Math.min(maxDistance, Math.max(1, Math.floor(word.length / 3))) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let prev = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return row[b.length]!;
}
