/** Per-file DLedger rules (pure): the mode is on, its keys are present and well-formed (facts §2). */
import {isIPv4} from '../inventory/address.ts';
import {misspelledDledgerKey} from './conf-syntax-rules.ts';
import {isContainerIp, lineOf, valueOf, type BrokerConf} from './conf-model.ts';
import {DLEDGER_KEYS} from './key-types.ts';
import type {Finding} from './types.ts';

const SELF_ID_SHAPE = /^[a-z][0-9]+$/i;
const PEERS_EXAMPLE = 'dLegerPeers=n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911';

function modeFindings(conf: BrokerConf, misspelt: Set<string>): Finding[] {
	const enable = conf.last.get('enableDLegerCommitLog');
	if (!enable) {
		if (misspelt.has('enableDLegerCommitLog')) return [];
		return [conf.finding('dledger-disabled', 'error', undefined,
			'enableDLegerCommitLog is not set: the broker starts as a plain broker, without DLedger failover',
			'add enableDLegerCommitLog=true')];
	}
	if (enable.value.trim().toLowerCase() === 'false') {
		return [conf.finding('dledger-disabled', 'error', enable.line,
			'enableDLegerCommitLog=false: the broker starts as a plain broker, without DLedger failover',
			'set enableDLegerCommitLog=true')];
	}
	const missing = DLEDGER_KEYS.filter(k => k !== 'enableDLegerCommitLog' && !valueOf(conf, k) && !misspelt.has(k));
	return missing.map(key => conf.finding('dledger-key-missing', 'error', enable.line,
		`${key} is ${conf.last.has(key) ? 'empty' : 'missing'}: DLedger mode is on and cannot start without it`,
		key === 'dLegerPeers' ? `add ${PEERS_EXAMPLE}` : key === 'dLegerGroup' ? 'add dLegerGroup=<the brokerName of this group>' : 'add dLegerSelfId=<this host\'s id in dLegerPeers, e.g. n0>'));
}

function selfIdFindings(conf: BrokerConf): Finding[] {
	const {selfId} = conf;
	if (!selfId) return [];
	const line = lineOf(conf, 'dLegerSelfId');
	if (!SELF_ID_SHAPE.test(selfId)) {
		return [conf.finding('dledger-selfid-shape', 'error', line,
			`dLegerSelfId=${selfId} is not a letter followed by digits: the broker derives its brokerId from the digits after the first character ("${selfId.slice(1)}") and fails to start`,
			'use ids like n0, n1, n2 (the same ones as in dLegerPeers)')];
	}
	if (conf.peers.length === 0 || conf.self) return [];
	const mine = conf.hostIp ? conf.peers.find(p => p.host === conf.hostIp) : undefined;
	return [conf.finding('dledger-selfid-not-in-peers', 'error', line,
		`dLegerSelfId=${selfId} is not one of the ids in dLegerPeers (${conf.peers.map(p => p.id).join(', ')}): DLedger fails to start`,
		mine ? `set dLegerSelfId=${mine.id}, the entry with this host's IP (${mine.text})` : 'set dLegerSelfId to the id of this host\'s entry in dLegerPeers')];
}

function replicaCountFinding(conf: BrokerConf): Finding[] {
	const n = conf.peers.length + conf.malformedPeers.length;
	const line = lineOf(conf, 'dLegerPeers');
	if (n === 0 || n >= 3 && n % 2 === 1) return [];
	if (n < 3) {
		return [conf.finding('dledger-replica-count', 'error', line,
			n === 1
				? 'dLegerPeers lists 1 replica: a single-node group has no failover'
				: 'dLegerPeers lists 2 replicas: a majority of 2 is 2, so losing either one stops writes (no failover)',
			'list 3 replicas (or another odd number), each on its own host')];
	}
	return [conf.finding('dledger-replica-count', 'warning', line,
		`dLegerPeers lists ${n} replicas: ${n} survive ${Math.floor((n - 1) / 2)} failure(s), like ${n - 1} do, while every write waits for ${n / 2 + 1} of them`,
		`use ${n - 1} or ${n + 1} replicas (an odd number)`)];
}

function peerFindings(conf: BrokerConf): Finding[] {
	const line = lineOf(conf, 'dLegerPeers');
	const findings: Finding[] = conf.malformedPeers.map(text => conf.finding('dledger-peers-malformed', 'error', line,
		`dLegerPeers entry "${text}" is not <id>-<IP>:<port>: DLedger cannot parse it`,
		`write the entries as ${PEERS_EXAMPLE.slice('dLegerPeers='.length)}`));
	const seenIds = new Set<string>();
	const seenAddresses = new Set<string>();
	const firstOnHost = new Map<string, string>();
	for (const peer of conf.peers) {
		const address = `${peer.host}:${peer.port}`;
		if (seenIds.has(peer.id) || seenAddresses.has(address)) {
			const what = seenIds.has(peer.id) ? `id ${peer.id}` : `address ${address}`;
			findings.push(conf.finding('dledger-peers-duplicate', 'error', line,
				`dLegerPeers lists ${what} twice ("${peer.text}"): every replica needs its own id and address`,
				'list each replica once, one id and one host IP per replica'));
		} else if (firstOnHost.has(peer.host)) {
			findings.push(conf.finding('dledger-peers-same-host', 'warning', line,
				`dLegerPeers puts ${firstOnHost.get(peer.host)} and ${peer.id} on the same host ${peer.host}: losing that host takes two votes of the group`,
				'give every replica of a group its own host (fine only for a single-host test rig)'));
		}
		seenIds.add(peer.id);
		seenAddresses.add(address);
		if (!firstOnHost.has(peer.host)) firstOnHost.set(peer.host, peer.id);
		if (!SELF_ID_SHAPE.test(peer.id)) {
			findings.push(conf.finding('dledger-selfid-shape', 'error', line,
				`dLegerPeers entry "${peer.text}" has id "${peer.id}", not a letter followed by digits: the replica that claims it fails to start`,
				'use ids like n0, n1, n2'));
		}
		if (!isIPv4(peer.host)) {
			const dash = peer.host.includes('-');
			findings.push(conf.finding('dledger-peer-hostname', dash ? 'error' : 'warning', line,
				dash
					? `dLegerPeers entry "${peer.text}" uses a host name containing "-": it breaks DLedger's peer parser`
					: `dLegerPeers entry "${peer.text}" uses a host name: peers should be the IPs the brokers advertise`,
				`replace ${peer.host} with the host's IPv4 address`));
		} else if (isContainerIp(peer.host)) {
			findings.push(conf.finding('dledger-peer-container-ip', 'error', line,
				`dLegerPeers entry "${peer.text}" uses ${peer.host}, a container IP on Docker's default bridge: replicas on other hosts cannot reach it`,
				`replace ${peer.host} with that host's own IP`));
		}
	}
	return findings;
}

export function lintDledgerConf(conf: BrokerConf): Finding[] {
	const misspelt = new Set(conf.entries.map(e => misspelledDledgerKey(e.key)).filter((k): k is string => k !== undefined));
	return [...modeFindings(conf, misspelt), ...selfIdFindings(conf), ...peerFindings(conf), ...replicaCountFinding(conf)];
}
