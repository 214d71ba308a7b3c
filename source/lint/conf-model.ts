/**
 * A broker `.conf` as 4.7.1 would see it (pure): the properties entries (last one wins), the host the file is
 * for, and the DLedger view the rules share (group, selfId, parsed peers, effective ports).
 */
import {parseProperties, type PropertyEntry} from '../format/properties.ts';
import {isIPv4} from '../inventory/address.ts';
import {BROKER_DEFAULTS} from './key-types.ts';
import {findingsFor, type FindingMaker, type LintSource} from './types.ts';

export interface Peer {
	id: string;
	host: string;
	port: number;
	/** The entry as written, e.g. `n1-192.168.1.76:20911`. */
	text: string;
}

export interface BrokerConf {
	path: string;
	/** What findings call the file. */
	file: string;
	text: string;
	/** The host the file is for: its folder / rendered host, else its brokerIP1. */
	host?: string;
	/** Was the host given (a folder, a rendered file's host) rather than read from brokerIP1? */
	hostGiven: boolean;
	/** That host's IPv4, and where it was learnt: from the host itself (checkable against brokerIP1) or from brokerIP1. */
	hostIp?: string;
	hostIpFrom?: 'host' | 'brokerIP1';
	entries: PropertyEntry[];
	/** The entry Java keeps for each key (the last). */
	last: Map<string, PropertyEntry>;
	finding: FindingMaker;
	/** Trimmed values of the keys the cluster rules compare. */
	group?: string;
	selfId?: string;
	peersText?: string;
	peers: Peer[];
	/** Peer entries that are not `id-host:port`. */
	malformedPeers: string[];
	/** This broker's own entry in dLegerPeers. */
	self?: Peer;
	/** listenPort in effect (10911 when absent or unparsable, as Java keeps its default). */
	listenPort: number;
	brokerIP1?: string;
	clusterName: string;
	namesrvAddr?: string;
}

/** The trimmed value Java keeps for `key`, or undefined when absent. */
export const valueOf = (conf: BrokerConf, key: string): string | undefined => conf.last.get(key)?.value.trim();
export const lineOf = (conf: BrokerConf, key: string): number | undefined => conf.last.get(key)?.line;

/** Split dLegerPeers the way DLedger does: `;` between entries, the id before the first `-`, then `host:port`. */
export function parsePeers(value: string): {peers: Peer[]; malformed: string[]} {
	const peers: Peer[] = [];
	const malformed: string[] = [];
	const parts = value.split(';');
	while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // Java's split drops trailing empties
	for (const text of parts) {
		const dash = text.indexOf('-');
		const colon = text.lastIndexOf(':');
		const id = text.slice(0, dash);
		const host = text.slice(dash + 1, colon);
		const portText = text.slice(colon + 1);
		const port = Number(portText);
		if (dash <= 0 || colon <= dash + 1 || !/^\d+$/.test(portText) || port < 1 || port > 65535) malformed.push(text);
		else peers.push({id, host, port, text});
	}
	return {peers, malformed};
}

/** Integer value as Java's parseInt would read it; undefined when it would throw. */
export function javaInt(value: string): number | undefined {
	return /^[+-]?\d{1,10}$/.test(value) ? Number(value) : undefined;
}

export function readConf(source: LintSource, hostIps: Record<string, string> = {}): BrokerConf {
	const entries = parseProperties(source.text);
	const last = new Map(entries.map(e => [e.key, e]));
	const trimmed = (key: string) => last.get(key)?.value.trim() || undefined;
	const brokerIP1 = last.get('brokerIP1')?.value.trim();
	const validIP1 = brokerIP1 !== undefined && isIPv4(brokerIP1) ? brokerIP1 : undefined;
	const host = source.host ?? validIP1;
	const ipOfHost = source.host === undefined ? undefined : hostIps[source.host] ?? (isIPv4(source.host) ? source.host : undefined);
	const peersText = trimmed('dLegerPeers');
	const {peers, malformed} = parsePeers(peersText ?? '');
	const selfId = trimmed('dLegerSelfId');
	const listenEntry = last.get('listenPort');
	const file = source.label ?? source.path;
	return {
		path: source.path,
		file,
		text: source.text,
		host,
		hostGiven: source.host !== undefined,
		hostIp: ipOfHost ?? validIP1,
		hostIpFrom: ipOfHost !== undefined ? 'host' : validIP1 !== undefined ? 'brokerIP1' : undefined,
		entries,
		last,
		finding: findingsFor(file, host),
		group: trimmed('dLegerGroup'),
		selfId,
		peersText,
		peers,
		malformedPeers: malformed,
		self: selfId === undefined ? undefined : peers.find(p => p.id === selfId),
		// An unparsable value is ignored by Java: the default stays.
		listenPort: (listenEntry && javaInt(listenEntry.value)) ?? BROKER_DEFAULTS.listenPort,
		brokerIP1,
		clusterName: trimmed('brokerClusterName') ?? BROKER_DEFAULTS.brokerClusterName,
		namesrvAddr: trimmed('namesrvAddr'),
	};
}

/** `RaftNode00/n0` (or the file name when the group or id is unknown), for messages about a broker. */
export function brokerLabel(conf: BrokerConf): string {
	return conf.group && conf.selfId ? `${conf.group}/${conf.selfId}` : conf.file;
}

/** Is DLedger mode on, as Java reads it (Boolean.parseBoolean: "true" in any case, nothing else)? */
export const dledgerOn = (conf: BrokerConf): boolean => conf.last.get('enableDLegerCommitLog')?.value.toLowerCase() === 'true';

/** A `;`-separated address list as a set (order and repeats do not matter), for comparing namesrvAddr values. */
export const addressSet = (value: string): string => [...new Set(value.split(';').filter(Boolean))].sort().join(';');

/** Is `path` equal to `dir` or inside it (POSIX paths)? */
export function isWithin(path: string, dir: string): boolean {
	const base = dir.endsWith('/') ? dir.slice(0, -1) : dir;
	return path === base || path.startsWith(`${base}/`);
}

/** Docker's default bridge network (docker0): a container address, never a host's. */
export const isContainerIp = (ip: string): boolean => /^172\.17\./.test(ip);
export const isLoopback = (ip: string): boolean => /^127\./.test(ip);
