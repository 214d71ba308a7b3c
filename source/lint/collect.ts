/** Small collection helpers shared by the rules (ES2023 has no Map.groupBy). */

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
	const groups = new Map<K, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = groups.get(k);
		if (list) list.push(item);
		else groups.set(k, [item]);
	}
	return groups;
}

/** The most frequent key (the first seen wins a tie). */
export function mostCommon<T>(items: readonly T[], key: (item: T) => string): string | undefined {
	let best: string | undefined;
	let bestCount = 0;
	for (const [k, members] of groupBy(items, key)) {
		if (members.length > bestCount) {
			best = k;
			bestCount = members.length;
		}
	}
	return best;
}
