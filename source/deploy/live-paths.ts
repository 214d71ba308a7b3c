/**
 * Where the live pane finds a container's log files (pure): the image writes them to `~/logs/rocketmqlogs`
 * (/home/rocketmq/logs/rocketmqlogs), which the container's logs mount puts on the host at
 * `<logsDir>/rocketmqlogs/` — BrokerPlan.logsDir / NamesrvPlan.logsDir.
 */
import {IMAGE} from '../plan/types.ts';
import type {ContainerSpec} from './spec.ts';

/** broker.log (role changes, registrations), broker_default.log (DLedger: HeartBeatTimeOut, VOTE_RESULT), namesrv.log. */
export const LOG_FILES = {broker: ['broker.log', 'broker_default.log'], namesrv: ['namesrv.log'], console: []} as const;

/** Which file of the container's `~/logs/rocketmqlogs` a host path is, through the container's mounts. */
export function rocketmqLogFile(spec: ContainerSpec, path: string): string | undefined {
	for (const mount of spec.mounts) {
		if (!path.startsWith(`${mount.source}/`)) continue;
		const inside = `${mount.target}${path.slice(mount.source.length)}`;
		const prefix = `${IMAGE.rocketmqLogs}/`;
		if (inside.startsWith(prefix) && !inside.slice(prefix.length).includes('/')) return inside.slice(prefix.length);
	}
	return undefined;
}

/** The host paths of a broker's or name server's log files, from its logs dir on the host (BrokerPlan/NamesrvPlan.logsDir). */
export const rocketmqLogPath = (logsDir: string, file: string): string => `${logsDir}/rocketmqlogs/${file}`;

/** The host paths of a container's log files, through its logs mount (none for the console). */
export function logPathsOf(spec: ContainerSpec): string[] {
	const mount = spec.mounts.find(m => m.target === IMAGE.logsDir);
	return mount ? LOG_FILES[spec.role].map(file => rocketmqLogPath(mount.source, file)) : [];
}
