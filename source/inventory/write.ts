/** Serialise a cluster file to YAML (through the yaml library), with a header that documents it. */
import {Document} from 'yaml';
import type {ClusterFile, ConsoleOptions, HostSpec} from './schema.ts';

function hostEntry(h: HostSpec): Record<string, unknown> {
	// Fixed key order (ssh-config defaults are merged in after the keys a file gives), as consoleEntry.
	const ssh = Object.keys(h.ssh).length === 1
		? h.ssh.host
		: Object.fromEntries((['host', 'user', 'port', 'identity', 'auth', 'proxyJump'] as const).filter(k => h.ssh[k] !== undefined).map(k => [k, h.ssh[k]]));
	return {name: h.name, ssh, ip: h.ip, ...(h.cpus !== undefined ? {cpus: h.cpus} : {})};
}

/** A fixed key order (parsing puts a given console.host last), so writing what was read gives the same text. */
function consoleEntry(c: ConsoleOptions): Record<string, unknown> {
	return {enabled: c.enabled, ...(c.host !== undefined ? {host: c.host} : {}), image: c.image, port: c.port, public: c.public};
}

export function clusterToYaml(cluster: ClusterFile): string {
	const body: Record<string, unknown> = {
		version: cluster.version,
		name: cluster.name,
		hosts: cluster.hosts.map(hostEntry),
		groups: cluster.groups,
		replicas: cluster.replicas,
		groupPrefix: cluster.groupPrefix,
		image: cluster.image,
		baseDir: cluster.baseDir,
		network: cluster.network,
		timezone: cluster.timezone,
		heap: cluster.heap,
		ports: cluster.ports,
		...(cluster.namesrvHosts ? {namesrvHosts: cluster.namesrvHosts} : {}),
		console: consoleEntry(cluster.console),
		brokerProperties: cluster.brokerProperties,
		placement: cluster.placement,
	};
	const doc = new Document(body);
	doc.commentBefore =
		' rmq-tui cluster file (schema version 1). Edit freely; `rmq-tui lint` and every command validate it.\n' +
		' placement pins each replica (dLegerSelfId) to its host and store dir once exported or deployed:\n' +
		' reordering or adding hosts never moves a placed replica.';
	const placement = doc.get('placement', true) as {commentBefore?: string} | undefined;
	if (placement && Object.keys(cluster.placement).length === 0) placement.commentBefore = ' filled in on export/deploy';
	return doc.toString({lineWidth: 0});
}
