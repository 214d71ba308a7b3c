/**
 * Rules across all confs of a cluster (pure): one cluster name, one namesrvAddr listing every name server, and per
 * DLedger group identical peers, unique selfIds, each replica's own peer entry on its own host, one replica per host.
 */
import {groupBy, mostCommon} from './collect.ts';
import {addressSet, lineOf, type BrokerConf} from './conf-model.ts';
import type {Finding} from './types.ts';

/** A name server known from a compose file: where clients reach it. */
export interface NamesrvEndpoint {
	ip: string;
	port: number;
	file: string;
}

const others = (confs: readonly BrokerConf[]): string => confs.map(c => `${c.host ?? '?'} (${c.file})`).join(' and ');

function clusterNameFindings(confs: readonly BrokerConf[]): Finding[] {
	const common = mostCommon(confs, c => c.clusterName);
	return confs.filter(c => c.clusterName !== common).map(c => c.finding('cluster-name-mismatch', 'error', lineOf(c, 'brokerClusterName'),
		`brokerClusterName is ${c.clusterName} here but ${common} in ${confs.filter(o => o.clusterName === common).length} other conf(s): the brokers form two clusters`,
		`set brokerClusterName=${common}`));
}

function namesrvFindings(confs: readonly BrokerConf[], namesrvs: readonly NamesrvEndpoint[]): Finding[] {
	const withAddr = confs.filter(c => c.namesrvAddr);
	const common = mostCommon(withAddr, c => addressSet(c.namesrvAddr!));
	const findings: Finding[] = [];
	for (const conf of withAddr) {
		const set = addressSet(conf.namesrvAddr!);
		const line = lineOf(conf, 'namesrvAddr');
		if (set !== common) {
			findings.push(conf.finding('namesrv-addr-mismatch', 'error', line,
				`namesrvAddr lists ${set} but ${withAddr.filter(c => addressSet(c.namesrvAddr!) === common).length} other conf(s) list ${common}: clients of different name servers see different brokers`,
				`use the same namesrvAddr on every broker, listing all name servers (${common})`));
		}
		for (const ns of namesrvs) {
			if (set.split(';').includes(`${ns.ip}:${ns.port}`)) continue;
			findings.push(conf.finding('namesrv-not-listed', 'error', line,
				`namesrvAddr does not list the name server ${ns.ip}:${ns.port} (${ns.file}): the broker never registers there, so its clients do not see it`,
				`add ${ns.ip}:${ns.port} to namesrvAddr on every broker`));
		}
	}
	return findings;
}

function peersMismatch(group: string, confs: readonly BrokerConf[]): Finding[] {
	const common = mostCommon(confs.filter(c => c.peersText), c => c.peersText!);
	const reference = confs.find(c => c.peersText === common);
	return confs.filter(c => c.peersText && c.peersText !== common).map(c => c.finding('dledger-peers-mismatch', 'error', lineOf(c, 'dLegerPeers'),
		`dLegerPeers differs from the other replicas of ${group}: "${c.peersText}" here, "${common}" in ${reference!.file}`,
		`make dLegerPeers byte-identical on every replica of ${group}`));
}

/** The id dLegerPeers gives this conf's host, if exactly one entry has its IP. */
function idForHost(conf: BrokerConf) {
	const mine = conf.peers.filter(p => p.host === conf.hostIp);
	return mine.length === 1 ? mine[0] : undefined;
}

function selfIdDuplicates(group: string, confs: readonly BrokerConf[]): Finding[] {
	const findings: Finding[] = [];
	const bySelfId = groupBy(confs.filter(c => c.selfId), c => c.selfId!);
	for (const [selfId, claimants] of bySelfId) {
		if (claimants.length < 2) continue;
		// The one replica on the host its peer entry names keeps the id; when that is not a single one, all are reported.
		const rightful = claimants.filter(c => c.self && c.self.host === c.hostIp);
		const wrong = rightful.length === 1 ? claimants.filter(c => c !== rightful[0]) : claimants;
		for (const conf of wrong) {
			const mine = idForHost(conf);
			findings.push(conf.finding('dledger-selfid-duplicate', 'error', lineOf(conf, 'dLegerSelfId'),
				`dLegerSelfId=${selfId} is also claimed in ${group} by ${others(claimants.filter(c => c !== conf))}: ids must be unique within a group`,
				mine && mine.id !== selfId
					? `set dLegerSelfId=${mine.id}, the id dLegerPeers gives this host (${conf.hostIp})`
					: `give each replica of ${group} its own id from dLegerPeers`));
		}
	}
	return findings;
}

function selfOnOtherHost(group: string, confs: readonly BrokerConf[]): Finding[] {
	return confs.flatMap(conf => {
		const {self, hostIp} = conf;
		if (!self || !hostIp || self.host === hostIp) return [];
		const mine = idForHost(conf);
		return [conf.finding('dledger-peer-wrong-host', 'error', lineOf(conf, 'dLegerPeers'),
			mine
				? `dLegerPeers gives this host (${hostIp}) the entry ${mine.text}, but this broker is dLegerSelfId=${conf.selfId}, whose entry ${self.text} points at ${self.host}`
				: `this broker is dLegerSelfId=${conf.selfId}, whose entry ${self.text} points at ${self.host}, not at this host (${hostIp}); no entry has this host's IP`,
			mine
				? `set dLegerSelfId=${mine.id} (or correct the IPs in dLegerPeers on every replica of ${group})`
				: `change ${self.text} to ${self.id}-${hostIp}:${self.port} on every replica of ${group}`)];
	});
}

function replicasSameHost(group: string, confs: readonly BrokerConf[]): Finding[] {
	const byHost = groupBy(confs.filter(c => c.host !== undefined), c => c.host!);
	return [...byHost].flatMap(([host, onHost]) => onHost.slice(1).map(conf => conf.finding('group-replicas-same-host', 'error', lineOf(conf, 'dLegerSelfId'),
		`${group} has ${onHost.length} replicas on host ${host}: this one and ${onHost.filter(c => c !== conf).map(c => c.file).join(', ')}; one host failure takes ${onHost.length} votes`,
		`move this replica to a host that has no replica of ${group}`)));
}

function replicasNotLinted(group: string, confs: readonly BrokerConf[]): Finding[] {
	const reference = confs.find(c => c.peers.length > 0);
	if (!reference) return [];
	const hosts = new Set(confs.map(c => c.hostIp));
	const ids = new Set(confs.map(c => c.selfId));
	const absent = reference.peers.filter(p => !ids.has(p.id) && !hosts.has(p.host));
	if (absent.length === 0) return [];
	return [reference.finding('dledger-replica-not-linted', 'info', lineOf(reference, 'dLegerPeers'),
		`${group} replica(s) ${absent.map(p => p.text).join(', ')} have no conf among the linted files: they are not checked against this one`,
		'lint every host\'s files together, e.g. rmq-tui lint <folder with one sub-folder per host>')];
}

/**
 * Files of different host-name folders that advertise the same brokerIP1 (copied without changing it). Folders
 * named by IP are checked against that IP instead (broker-ip-wrong-host).
 */
function sharedBrokerIps(confs: readonly BrokerConf[]): Finding[] {
	const byIp = groupBy(confs.filter(c => c.brokerIP1 && c.hostGiven && c.hostIpFrom !== 'host'), c => c.brokerIP1!);
	return [...byIp].flatMap(([ip, sharing]) => {
		const hosts = new Set(sharing.map(c => c.host));
		if (hosts.size < 2) return [];
		return sharing.map(conf => conf.finding('broker-ip-duplicate', 'error', lineOf(conf, 'brokerIP1'),
			`brokerIP1=${ip} is also the brokerIP1 of ${others(sharing.filter(c => c.host !== conf.host))}: every host must advertise its own IP`,
			`set brokerIP1 (and brokerIP2) to the IP of host ${conf.host}`));
	});
}

export function lintClusterConfs(confs: readonly BrokerConf[], namesrvs: readonly NamesrvEndpoint[] = []): Finding[] {
	const groups = groupBy(confs.filter(c => c.group), c => c.group!);
	return [
		...clusterNameFindings(confs),
		...sharedBrokerIps(confs),
		...namesrvFindings(confs, namesrvs),
		...[...groups].flatMap(([group, members]) => [
			...peersMismatch(group, members),
			...selfIdDuplicates(group, members),
			...selfOnOtherHost(group, members),
			...replicasSameHost(group, members),
			...replicasNotLinted(group, members),
		]),
	];
}
