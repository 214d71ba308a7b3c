/** Reconnect delays (pure): exponential, capped, with optional jitter so many hosts do not retry in lockstep. */

export interface BackoffOptions {
	/** Delay before the first retry (default 1000 ms). */
	initialMs?: number;
	/** Upper bound (default 30 000 ms). */
	maxMs?: number;
	/** Growth per retry (default 2). */
	factor?: number;
	/** ± this fraction of randomness (0–1, default 0.2). */
	jitter?: number;
}

/** The delay before retry number `retry` (1-based). `random` returns [0, 1) — injected for tests. */
export function backoffDelay(retry: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
	const initial = options.initialMs ?? 1000;
	const max = options.maxMs ?? 30_000;
	const factor = options.factor ?? 2;
	const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
	const base = Math.min(max, initial * factor ** Math.max(0, retry - 1));
	const spread = base * jitter * (2 * random() - 1);
	return Math.max(0, Math.round(Math.min(max, base + spread)));
}
