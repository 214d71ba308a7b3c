/** The hosts table as text lines (pure): columns sized to the width, cells cut with …, a problem line under a bad row. */
import type {HostRow} from '../wizard/host-fields.ts';

/** `text` cut to `width` (ending in … when cut) and padded to it. */
export function fit(text: string, width: number): string {
	if (width <= 0) return '';
	return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

export interface Columns {
	name: number;
	address: number;
	user: number;
	port: number;
	identity: number;
}

/** Prefix `>` + number + 2 spaces, 4 gaps between the 5 columns, then ` ✓`. */
const FIXED = 5 + 4 + 2;

export function columnsFor(width: number): Columns {
	const port = 5;
	const user = width >= 70 ? 8 : 6;
	const rest = Math.max(9, width - FIXED - port - user);
	const name = Math.floor(rest * 0.28);
	const address = Math.floor(rest * 0.36);
	return {name, address, user, port, identity: rest - name - address};
}

export function headerLine(width: number): string {
	const c = columnsFor(width);
	return `     ${fit('name', c.name)} ${fit('address', c.address)} ${fit('user', c.user)} ${fit('port', c.port)} ${fit('identity', c.identity)}`.trimEnd();
}

export function rowLine(row: HostRow, index: number, selected: boolean, ok: boolean, width: number): string {
	const c = columnsFor(width);
	const cells = [fit(row.name, c.name), fit(row.address, c.address), fit(row.user, c.user), fit(row.port, c.port), fit(row.identity, c.identity)];
	return `${selected ? '>' : ' '}${String(index + 1).padStart(2)}  ${cells.join(' ')} ${ok ? '✓' : '✗'}`;
}

/** First row to show so that `selected` is visible within `budget` lines (a row with a problem takes two). */
export function windowStart(costs: readonly number[], selected: number, budget: number): number {
	const sel = Math.max(0, selected);
	let start = sel;
	let used = costs[sel] ?? 0;
	while (start > 0 && used + costs[start - 1]! <= budget) {
		start--;
		used += costs[start]!;
	}
	return start;
}

/** How many rows from `start` fit in `budget` lines (at least one). */
export function windowCount(costs: readonly number[], start: number, budget: number): number {
	let used = 0;
	let n = 0;
	while (start + n < costs.length && used + costs[start + n]! <= budget) used += costs[start + n++]!;
	return Math.max(Math.min(1, costs.length - start), n);
}
