/** Small text helpers shared by the drill's guard, live status and report. Pure. */

/** `4.2 s` (one decimal), for live text. */
export const seconds1 = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** `6.427 s` (milliseconds kept), for reports. Negative values keep their sign (a clock offset shows). */
export const seconds3 = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** Binary multiples, labelled as operators read them: `512 B`, `12 KB`, `4.5 MB`, `40 MB`, `1.2 GB`. */
export function formatBytes(bytes: number): string {
	const units: Array<[number, string]> = [
		[1024 ** 3, 'GB'],
		[1024 ** 2, 'MB'],
		[1024, 'KB'],
	];
	for (const [size, unit] of units) {
		if (bytes >= size) {
			const value = bytes / size;
			return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
		}
	}
	return `${bytes} B`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
	if (items.length <= 1) return items[0] ?? '';
	return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** ISO time of an epoch ms value. */
export const iso = (ms: number): string => new Date(ms).toISOString();
