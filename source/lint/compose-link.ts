/**
 * Which linted conf each broker service runs (pure): follow `-c` through the service's mounts to a host path,
 * match it to a linted conf by path (same host), else by file name; then infer each compose file's host.
 */
import {posix} from 'node:path';
import {isIPv4} from '../inventory/address.ts';
import {IMAGE} from '../plan/types.ts';
import {isWithin, type BrokerConf} from './conf-model.ts';
import type {NamesrvEndpoint} from './cluster-rules.ts';
import type {ComposeFile, Mount, Service} from './compose-model.ts';

/** The image's WORKDIR ($ROCKETMQ_HOME/bin): a relative `-c` is read from there. */
export const IMAGE_WORKDIR = `${IMAGE.rocketmqHome}/bin`;

export interface BrokerServiceLink {
	compose: ComposeFile;
	service: Service;
	/** `-c` as an absolute container path. */
	confPath: string;
	/** The mount that holds it. */
	mount?: Mount;
	/** Where that file is on the host, when the mount is a bind mount. */
	hostConfPath?: string;
	conf?: BrokerConf;
}

export interface ComposeLinks {
	brokers: BrokerServiceLink[];
	/** Host of each compose file: given, else the host of the confs its brokers run. */
	hostOf: Map<ComposeFile, string | undefined>;
	namesrvs: NamesrvEndpoint[];
}

/** The mount whose target holds `path` (the deepest one, as Docker layers them). */
export function mountHolding(mounts: readonly Mount[], path: string): Mount | undefined {
	return mounts.filter(m => isWithin(path, m.target)).sort((a, b) => b.target.length - a.target.length)[0];
}

/** Where a container path is on the host, through a bind mount. */
export function hostPathOf(mount: Mount | undefined, containerPath: string): string | undefined {
	return mount?.hostPath === undefined ? undefined : posix.join(mount.hostPath, containerPath.slice(mount.target.length));
}

function findConf(confs: readonly BrokerConf[], host: string | undefined, hostPath: string | undefined, confPath: string): BrokerConf | undefined {
	const candidates = host === undefined ? confs : confs.filter(c => c.host === host);
	const byPath = hostPath === undefined ? undefined : candidates.find(c => posix.normalize(c.path) === hostPath);
	if (byPath) return byPath;
	const byName = candidates.filter(c => posix.basename(c.path) === posix.basename(confPath));
	return byName.length === 1 ? byName[0] : undefined;
}

export function linkComposes(composes: readonly ComposeFile[], confs: readonly BrokerConf[], hostIps: Record<string, string> = {}): ComposeLinks {
	const brokers: BrokerServiceLink[] = [];
	const hostOf = new Map<ComposeFile, string | undefined>();
	for (const compose of composes) {
		for (const service of compose.services) {
			if (service.kind !== 'broker' || service.confArg === undefined) continue;
			const confPath = posix.isAbsolute(service.confArg) ? posix.normalize(service.confArg) : posix.join(IMAGE_WORKDIR, service.confArg);
			const mount = mountHolding(service.volumes, confPath);
			const hostConfPath = hostPathOf(mount, confPath);
			const conf = findConf(confs, compose.host, hostConfPath, confPath);
			brokers.push({compose, service, confPath, mount, hostConfPath, conf});
		}
		const confHosts = new Set(brokers.filter(b => b.compose === compose && b.conf?.host).map(b => b.conf!.host));
		hostOf.set(compose, compose.host ?? (confHosts.size === 1 ? [...confHosts][0] : undefined));
	}
	const ipOf = (compose: ComposeFile): string | undefined => {
		const host = hostOf.get(compose);
		if (host === undefined) return undefined;
		return hostIps[host] ?? (isIPv4(host) ? host : confs.find(c => c.host === host)?.hostIp);
	};
	const namesrvs = composes.flatMap(compose => {
		const ip = ipOf(compose);
		if (ip === undefined) return [];
		return compose.services.filter(s => s.kind === 'namesrv').flatMap(s => {
			const published = s.networkMode === 'host' ? [9876] : s.ports.filter(p => p.containerPort === 9876 && p.hostPort !== undefined).map(p => p.hostPort!);
			return published.map(port => ({ip, port, file: compose.file}));
		});
	});
	return {brokers, hostOf, namesrvs};
}
