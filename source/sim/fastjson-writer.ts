/**
 * Writing bodies the way 4.7.1's fastjson does (pure):
 *  - beans: fields in alphabetical order, null fields left out (the caller builds plain objects in that order);
 *  - java.util.HashMap / HashSet: iteration order of the Java table, emulated by javaHashOrder;
 *  - maps with integer (Long) keys: BARE keys, `{0:"1.2.3.4:10911"}`.
 */

/** java.lang.String#hashCode. */
export function javaStringHash(s: string): number {
	let h = 0;
	for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
	return h;
}

/** java.lang.Long#hashCode. */
export function javaLongHash(v: number): number {
	const b = BigInt.asUintN(64, BigInt(v));
	return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
}

const javaHash = (key: string | number): number => (typeof key === 'number' ? javaLongHash(key) : javaStringHash(key));

/** HashMap.tableSizeFor. */
function tableSizeFor(n: number): number {
	let cap = 1;
	while (cap < n) cap *= 2;
	return Math.max(1, cap);
}

/**
 * The iteration order of a java.util.HashMap (or HashSet) holding `keys`, given in insertion order.
 * initialCapacity is the constructor argument (16 by default). The table grows (×2) past 0.75 load and never
 * shrinks; the size used is keys.length (a map that once held more entries may have a larger table). Buckets
 * come in index order; within a bucket, insertion order (lists; treeified buckets are not emulated).
 */
export function javaHashOrder<K extends string | number>(keys: readonly K[], initialCapacity = 16): K[] {
	let cap = tableSizeFor(initialCapacity);
	while (keys.length > cap * 0.75) cap *= 2;
	const bucket = (k: K): number => {
		const h = javaHash(k);
		return (h ^ (h >>> 16)) & (cap - 1);
	};
	return keys
		.map((k, i) => ({k, i, b: bucket(k)}))
		.sort((x, y) => x.b - y.b || x.i - y.i)
		.map(e => e.k);
}

/** A Java map's entries in Java iteration order, as a JS Map (number keys are written bare). */
export function javaHashMap<K extends string | number, V>(entries: Iterable<readonly [K, V]>, initialCapacity = 16): Map<K, V> {
	const source = new Map(entries);
	return new Map(javaHashOrder([...source.keys()], initialCapacity).map(k => [k, source.get(k)!] as const));
}

/** Serialize: object keys in their given order, undefined left out, Map number keys bare. No whitespace. */
export function toFastjson(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new RangeError('non-finite number');
		return String(value);
	}
	if (typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return `[${value.map((v: unknown) => toFastjson(v === undefined ? null : v)).join(',')}]`;
	if (value instanceof Map) {
		const parts: string[] = [];
		for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
			if (v === undefined) continue;
			parts.push(`${typeof k === 'number' ? String(k) : JSON.stringify(k)}:${toFastjson(v)}`);
		}
		return `{${parts.join(',')}}`;
	}
	const parts: string[] = [];
	if (typeof value !== 'object') throw new TypeError(`cannot serialise ${typeof value}`);
	for (const [k, v] of Object.entries(value as object)) {
		if (v === undefined) continue;
		parts.push(`${JSON.stringify(k)}:${toFastjson(v)}`);
	}
	return `{${parts.join(',')}}`;
}
