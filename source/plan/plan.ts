/**
 * Cluster file → plan (pure, deterministic): which containers run on which host, their ports, paths and ids.
 */
import type {ClusterFile, HostSpec} from '../inventory/schema.ts';
import {place, selfIdOf} from './placement.ts';
import {IMAGE, type BrokerPlan, type ConsolePlan, type GroupPlan, type HostPlan, type NamesrvPlan, type Plan, type PlanError} from './types.ts';

export type PlanResult = {ok: true; plan: Plan} | {ok: false; errors: PlanError[]};

/** Keys rmq-tui computes per broker; `brokerProperties` may not override them. */
export const MANAGED_BROKER_KEYS = [
	'brokerClusterName', 'brokerName', 'brokerIP1', 'brokerIP2', 'namesrvAddr', 'listenPort',
	'enableDLegerCommitLog', 'dLegerGroup', 'dLegerPeers', 'dLegerSelfId', 'storePathRootDir', 'storePathCommitLog',
] as const;

/** IPv4 as a sortable number. */
const ipOrder = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

export const groupName = (prefix: string, index: number): string => `${prefix}${String(index).padStart(2, '0')}`;

export function layoutOf(baseDir: string): Plan['layout'] {
	return {
		namesrvDir: `${baseDir}/namesrv`,
		brokerDir: `${baseDir}/broker`,
		brokerConfDir: `${baseDir}/broker/conf`,
		consoleDir: `${baseDir}/console`,
	};
}

export const brokerKey = (group: string, selfId: string): string => `${group}-${selfId}`;
export const brokerContainerName = (group: string, selfId: string): string => `rocketmq-${group.toLowerCase()}-${selfId}`;
export const NAMESRV_CONTAINER = 'rocketmq-namesrv';
export const CONSOLE_CONTAINER = 'rocketmq-console';

/** Threads for sending: the host's cores (the guide's advice), capped; 2 (the guide's value) when unknown. */
export function sendThreads(host: HostSpec): number {
	return host.cpus === undefined ? 2 : Math.max(1, Math.min(16, host.cpus));
}

function checkOptions(cluster: ClusterFile): PlanError[] {
	const errors: PlanError[] = [];
	const names = new Set(cluster.hosts.map(h => h.name));
	for (const [i, name] of (cluster.namesrvHosts ?? []).entries()) {
		if (!names.has(name)) {
			errors.push({path: `namesrvHosts[${i}]`, message: `"${name}" is not a host name in hosts`, fix: `use one of: ${[...names].join(', ')}`});
		}
	}
	if (cluster.console.enabled && cluster.console.host !== undefined && !names.has(cluster.console.host)) {
		errors.push({path: 'console.host', message: `"${cluster.console.host}" is not a host name in hosts`, fix: `use one of: ${[...names].join(', ')}`});
	}
	for (const key of MANAGED_BROKER_KEYS) {
		if (key in cluster.brokerProperties) {
			errors.push({
				path: `brokerProperties.${key}`,
				message: `${key} is computed per broker by rmq-tui and cannot be set for all brokers`,
				fix: `remove brokerProperties.${key}`,
			});
		}
	}
	const {listen, dledger, groupStride} = cluster.ports;
	const lastListen = listen + groupStride * (cluster.groups - 1);
	const lastDledger = dledger + groupStride * (cluster.groups - 1);
	if (Math.max(lastListen + 1, lastDledger) > 65535) {
		errors.push({
			path: 'ports',
			message: `${cluster.groups} groups with a stride of ${groupStride} run past port 65535 (last listen ${lastListen}, last DLedger ${lastDledger})`,
			fix: 'lower ports.listen/ports.dledger or the stride',
		});
	}
	return errors;
}

function portCollisions(hostPlan: HostPlan): PlanError[] {
	const seen = new Map<number, string>();
	const errors: PlanError[] = [];
	for (const {port, owner} of hostPlan.ports) {
		const other = seen.get(port);
		if (other !== undefined) {
			errors.push({
				path: 'ports',
				message: `port ${port} on host ${hostPlan.spec.name} is wanted by both ${other} and ${owner}`,
				fix: 'move ports.listen, ports.dledger, ports.namesrv, ports.groupStride or console.port apart',
			});
		} else {
			seen.set(port, owner);
		}
	}
	return errors;
}

export function buildPlan(cluster: ClusterFile): PlanResult {
	const optionErrors = checkOptions(cluster);
	if (optionErrors.length > 0) return {ok: false, errors: optionErrors};
	const layout = layoutOf(cluster.baseDir);
	const groupNames = Array.from({length: cluster.groups}, (_, i) => groupName(cluster.groupPrefix, i));
	const placed = place({
		hosts: cluster.hosts,
		groups: groupNames,
		replicas: cluster.replicas,
		pinned: cluster.placement,
		storeDirOf: (group, selfId) => `${layout.brokerDir}/store/${brokerKey(group, selfId)}`,
	});
	if (!placed.ok) return placed;
	const hostByName = new Map(cluster.hosts.map(h => [h.name, h]));

	const groups: GroupPlan[] = groupNames.map((name, index) => {
		const listenPort = cluster.ports.listen + index * cluster.ports.groupStride;
		const dledgerPort = cluster.ports.dledger + index * cluster.ports.groupStride;
		const ids = Array.from({length: cluster.replicas}, (_, i) => selfIdOf(i));
		const pins = placed.placement[name]!;
		const peers = ids.map(id => `${id}-${hostByName.get(pins[id]!.host)!.ip}:${dledgerPort}`).join(';');
		const replicas = ids.map((selfId, replicaIndex): BrokerPlan => {
			const host = hostByName.get(pins[selfId]!.host)!;
			const key = brokerKey(name, selfId);
			return {
				group: name,
				groupIndex: index,
				selfId,
				replicaIndex,
				host: host.name,
				ip: host.ip,
				containerName: brokerContainerName(name, selfId),
				listenPort,
				fastPort: listenPort - 2,
				haPort: listenPort + 1,
				dledgerPort,
				peers,
				storeDir: pins[selfId]!.storeDir,
				logsDir: `${layout.brokerDir}/logs/${key}`,
				confHostPath: `${layout.brokerConfDir}/${key}.conf`,
				confContainerPath: `${IMAGE.confDir}/${key}.conf`,
				sendMessageThreadPoolNums: sendThreads(host),
			};
		});
		return {name, index, replicas};
	});

	const namesrvHostNames = new Set(cluster.namesrvHosts ?? cluster.hosts.map(h => h.name));
	// Ordered by IP, not by host order: reordering hosts must not change any broker's conf.
	const namesrvs: NamesrvPlan[] = cluster.hosts
		.filter(h => namesrvHostNames.has(h.name))
		.sort((a, b) => ipOrder(a.ip) - ipOrder(b.ip) || a.name.localeCompare(b.name))
		.map(h => ({host: h.name, ip: h.ip, port: cluster.ports.namesrv, containerName: NAMESRV_CONTAINER, logsDir: `${layout.namesrvDir}/logs`}));

	const consoleHost = cluster.console.enabled ? hostByName.get(cluster.console.host ?? cluster.hosts[0]!.name) : undefined;
	const consolePlan: ConsolePlan | undefined = consoleHost && {
		host: consoleHost.name,
		ip: consoleHost.ip,
		port: cluster.console.port,
		public: cluster.console.public,
		image: cluster.console.image,
		containerName: CONSOLE_CONTAINER,
	};

	const brokers = groups.flatMap(g => g.replicas);
	const hosts: HostPlan[] = cluster.hosts.map(spec => {
		const namesrv = namesrvs.find(n => n.host === spec.name);
		const hostBrokers = brokers.filter(b => b.host === spec.name).sort((a, b) => a.groupIndex - b.groupIndex);
		const console = consolePlan?.host === spec.name ? consolePlan : undefined;
		const ports: HostPlan['ports'] = [];
		if (namesrv) ports.push({port: namesrv.port, owner: 'name server'});
		for (const b of hostBrokers) {
			const who = `${b.group}/${b.selfId}`;
			ports.push(
				{port: b.fastPort, owner: `${who} fast (listen−2)`},
				{port: b.listenPort, owner: `${who} listen`},
				{port: b.haPort, owner: `${who} HA (reserved)`},
				{port: b.dledgerPort, owner: `${who} DLedger`},
			);
		}
		if (console) ports.push({port: console.port, owner: 'console'});
		const writableDirs = [
			...(namesrv ? [namesrv.logsDir] : []),
			...hostBrokers.flatMap(b => [b.logsDir, b.storeDir]),
		];
		return {spec, ...(namesrv ? {namesrv} : {}), brokers: hostBrokers, ...(console ? {console} : {}), ports, writableDirs};
	});
	const collisions = hosts.flatMap(portCollisions);
	if (collisions.length > 0) return {ok: false, errors: collisions};

	const {version: _v, hosts: _h, placement: _p, ...options} = cluster;
	return {
		ok: true,
		plan: {
			options,
			hosts,
			groups,
			namesrvs,
			namesrvAddr: namesrvs.map(n => `${n.ip}:${n.port}`).join(';'),
			...(consolePlan ? {console: consolePlan} : {}),
			placement: placed.placement,
			layout,
		},
	};
}
