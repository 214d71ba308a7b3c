/** Serialise a cluster file to YAML (through the yaml library), with a header that documents it. */
import {Document} from 'yaml';
import type {ClusterFile, HostSpec} from './schema.ts';

function hostEntry(h: HostSpec): Record<string, unknown> {
	const ssh = Object.keys(h.ssh).length === 1 ? h.ssh.host : {...h.ssh};
	return {name: h.name, ssh, ip: h.ip, ...(h.cpus !== undefined ? {cpus: h.cpus} : {})};
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
		console: cluster.console,
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
