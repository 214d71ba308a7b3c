/** A type guard: a Host that also has the live capabilities (events, log follows, drill actions). */
import type {Host, LiveHost} from '../deploy/host.ts';

const LIVE_METHODS = ['watchEvents', 'killContainer', 'pauseContainer', 'unpauseContainer', 'restartContainer', 'followFile', 'followContainerLogs', 'clockOffset'] as const;

export function isLiveHost(host: Host): host is LiveHost {
	const h = host as unknown as Record<string, unknown>;
	return LIVE_METHODS.every(m => typeof h[m] === 'function');
}

/** The hosts that can be watched live, by name (others are left out). */
export function liveHosts(hosts: ReadonlyMap<string, Host>): Map<string, LiveHost> {
	return new Map([...hosts].filter((entry): entry is [string, LiveHost] => isLiveHost(entry[1])));
}
