/** Conditions the executor waits for, judged on probe snapshots (pure), and a generic poll loop. */
import type {ClusterSnapshot, GroupSnapshot} from '../probe/types.ts';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A group is settled when every replica runs, one leader is named by DLedger and every name server. */
export const settled = (g: GroupSnapshot | undefined): boolean => g?.verdict === 'healthy';

export function groupsSettled(snapshot: ClusterSnapshot | undefined, groups: readonly string[]): {ok: boolean; why: string} {
	if (!snapshot) return {ok: false, why: 'no probe answer yet'};
	const pending: string[] = [];
	for (const name of groups) {
		const g = snapshot.groups.find(x => x.group === name);
		if (!g) pending.push(`${name}: not probed`);
		else if (!settled(g)) pending.push(`${g.group}: ${g.verdict}${g.reasons.length ? ` (${g.reasons[0]})` : ''}`);
	}
	return pending.length === 0 ? {ok: true, why: ''} : {ok: false, why: pending.join('; ')};
}

export function backAsFollower(snapshot: ClusterSnapshot | undefined, group: string, selfId: string): {ok: boolean; why: string} {
	const g = snapshot?.groups.find(x => x.group === group);
	if (!g) return {ok: false, why: `${group} not probed yet`};
	const r = g.replicas.find(x => x.selfId === selfId);
	if (settled(g) && r && (r.role === 'follower' || r.role === 'leader')) {
		return {ok: true, why: ''};
	}
	return {ok: false, why: `${group}: ${g.verdict}${g.reasons.length ? ` (${g.reasons.join('; ')})` : ''}; ${selfId} is ${r?.role ?? 'unknown'}`};
}

export class WaitTimeout extends Error {
	constructor(what: string, ms: number, last: string) {
		super(`timed out after ${Math.round(ms / 1000)} s waiting until ${what}${last ? `: ${last}` : ''}`);
		this.name = 'WaitTimeout';
	}
}

/** Polls `check` until it says ok; throws WaitTimeout with the last reason. */
export async function waitUntil(
	what: string,
	check: () => Promise<{ok: boolean; why: string}>,
	options: {timeoutMs: number; pollMs: number; sleep: Sleep; now: () => number},
): Promise<void> {
	const start = options.now();
	let last = '';
	for (;;) {
		try {
			const result = await check();
			if (result.ok) return;
			last = result.why;
		} catch (error) {
			last = (error as Error).message;
		}
		if (options.now() - start >= options.timeoutMs) throw new WaitTimeout(what, options.timeoutMs, last);
		await options.sleep(options.pollMs);
	}
}
