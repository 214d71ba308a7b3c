/**
 * Every lint rule: id, the severities it reports at, what it checks. One table for the README and `--help`;
 * a test keeps it equal to the ids the rule modules emit.
 */
import type {Severity} from './types.ts';

export interface RuleInfo {
	id: string;
	severities: readonly Severity[];
	checks: string;
}

const E = ['error'] as const;
const W = ['warning'] as const;
const I = ['info'] as const;

export const RULES: readonly RuleInfo[] = [
	// How 4.7.1 reads a conf (conf-syntax-rules.ts)
	{id: 'conf-bom', severities: E, checks: 'no UTF-8 byte order mark (Java would read it into the first key)'},
	{id: 'non-ascii-value', severities: E, checks: 'values are ASCII (Java reads .conf files as ISO-8859-1)'},
	{id: 'dledger-key-misspelled', severities: E, checks: 'dLeger* keys spelled "Leger" (dLedgerPeers is ignored silently)'},
	{id: 'unknown-key', severities: ['error', 'warning'], checks: 'every key is a 4.7.1 broker key; error with a did-you-mean, else warning'},
	{id: 'trailing-space', severities: E, checks: 'no trailing whitespace in values (enableDLegerCommitLog=true␠ reads as false)'},
	{id: 'bad-boolean', severities: E, checks: 'boolean keys are true or false'},
	{id: 'bad-number', severities: E, checks: 'numeric keys are whole numbers (else the default stays, silently)'},
	{id: 'bad-enum', severities: E, checks: 'brokerRole / flushDiskType are exact enum names'},
	{id: 'duplicate-key', severities: ['warning', 'info'], checks: 'each key once (the later one wins)'},
	// DLedger keys of one conf (dledger-conf-rules.ts)
	{id: 'dledger-disabled', severities: E, checks: 'enableDLegerCommitLog=true'},
	{id: 'dledger-key-missing', severities: E, checks: 'dLegerGroup, dLegerPeers and dLegerSelfId are set'},
	{id: 'dledger-selfid-shape', severities: E, checks: 'ids are a letter then digits (node1 crashes the broker)'},
	{id: 'dledger-selfid-not-in-peers', severities: E, checks: 'dLegerSelfId is one of the ids in dLegerPeers'},
	{id: 'dledger-peers-malformed', severities: E, checks: 'dLegerPeers entries are <id>-<IP>:<port>'},
	{id: 'dledger-peers-duplicate', severities: E, checks: 'no id or address twice in dLegerPeers'},
	{id: 'dledger-peers-same-host', severities: W, checks: 'dLegerPeers puts every replica on its own host'},
	{id: 'dledger-peer-hostname', severities: ['error', 'warning'], checks: 'peer hosts are IPs (a name with "-" breaks the parser: error)'},
	{id: 'dledger-peer-container-ip', severities: E, checks: 'no 172.17.x container IPs in dLegerPeers'},
	{id: 'dledger-replica-count', severities: ['error', 'warning'], checks: 'an odd number of replicas, at least 3'},
	// What one conf says (conf-rules.ts)
	{id: 'broker-name-mismatch', severities: E, checks: 'brokerName equals dLegerGroup'},
	{id: 'cluster-name-default', severities: W, checks: 'brokerClusterName is set'},
	{id: 'dledger-ignored-key', severities: I, checks: 'brokerRole / brokerId, ignored in DLedger mode'},
	{id: 'broker-ip-missing', severities: E, checks: 'brokerIP1 is set (else the container IP is advertised)'},
	{id: 'broker-ip-invalid', severities: E, checks: 'brokerIP1 is an IPv4 address'},
	{id: 'broker-ip-container', severities: E, checks: 'brokerIP1 is not a 172.17.x container IP'},
	{id: 'broker-ip-wrong-host', severities: E, checks: 'brokerIP1 is the IP of the host the file is for (its folder)'},
	{id: 'broker-ip-duplicate', severities: E, checks: 'files of different host folders do not share a brokerIP1'},
	{id: 'broker-ip-loopback', severities: W, checks: 'brokerIP1 is not a loopback address'},
	{id: 'broker-ip2-differs', severities: I, checks: 'brokerIP2 equals brokerIP1'},
	{id: 'namesrv-addr-missing', severities: W, checks: 'namesrvAddr is set'},
	{id: 'namesrv-addr-invalid', severities: E, checks: 'namesrvAddr is host:port entries separated by ";"'},
	{id: 'store-path-outside', severities: W, checks: 'storePathRootDir / storePathCommitLog under /home/rocketmq/store'},
	{id: 'port-invalid', severities: E, checks: 'listenPort and listenPort−2 within 1–65535'},
	// Across the confs of a cluster (cluster-rules.ts, port-rules.ts)
	{id: 'cluster-name-mismatch', severities: E, checks: 'one brokerClusterName everywhere'},
	{id: 'namesrv-addr-mismatch', severities: E, checks: 'the same namesrvAddr on every broker'},
	{id: 'namesrv-not-listed', severities: E, checks: 'namesrvAddr lists every name server found in compose files'},
	{id: 'dledger-peers-mismatch', severities: E, checks: 'dLegerPeers byte-identical on every replica of a group'},
	{id: 'dledger-selfid-duplicate', severities: E, checks: 'dLegerSelfId unique within a group'},
	{id: 'dledger-peer-wrong-host', severities: E, checks: 'each replica\'s own peer entry has its host\'s IP'},
	{id: 'group-replicas-same-host', severities: E, checks: 'the replicas of a group are on distinct hosts'},
	{id: 'dledger-replica-not-linted', severities: I, checks: 'peers whose conf was not among the linted files'},
	{id: 'port-collision', severities: E, checks: 'listen, listen−2, DLedger and name server ports distinct per host'},
	// Compose files (compose-rules.ts, compose-host-rules.ts)
	{id: 'compose-yaml', severities: E, checks: 'the compose file is valid YAML'},
	{id: 'compose-legacy-version', severities: I, checks: 'no obsolete top-level version'},
	{id: 'compose-legacy-network', severities: I, checks: 'networks.<n>.external.name → {name, external: true}'},
	{id: 'compose-mount-hides-rocketmq', severities: E, checks: 'nothing mounted over $ROCKETMQ_HOME/conf (logback config)'},
	{id: 'compose-heap-unset', severities: W, checks: 'JAVA_OPT_EXT sets the heap (else sized from the host\'s RAM)'},
	{id: 'compose-logs-not-mounted', severities: W, checks: '/home/rocketmq/logs is mounted'},
	{id: 'compose-restart-missing', severities: I, checks: 'a restart policy'},
	{id: 'compose-image-version', severities: W, checks: 'the RocketMQ image is 4.7.1'},
	{id: 'compose-broker-no-conf', severities: E, checks: 'mqbroker gets -c'},
	{id: 'compose-conf-relative', severities: E, checks: '-c is an absolute path'},
	{id: 'compose-conf-not-mounted', severities: E, checks: 'a volume is mounted where -c points'},
	{id: 'compose-conf-outside-home', severities: W, checks: 'the conf is mounted under /home/rocketmq (e.g. /home/rocketmq/conf)'},
	{id: 'compose-conf-file-mount', severities: W, checks: 'the conf folder is mounted, not the single file'},
	{id: 'compose-conf-not-linted', severities: W, checks: 'the conf -c names is among the linted files'},
	{id: 'compose-store-not-mounted', severities: W, checks: 'the broker\'s store paths are on a mounted volume'},
	{id: 'compose-port-missing', severities: E, checks: 'listen, listen−2 and DLedger ports of the conf are published'},
	{id: 'compose-port-remapped', severities: E, checks: 'they are published with host port == container port'},
	{id: 'compose-port-unused', severities: W, checks: 'no other broker port published (listen+1 is unused in DLedger mode)'},
	{id: 'compose-namesrv-port', severities: E, checks: 'the name server publishes 9876'},
	{id: 'compose-console-public', severities: I, checks: 'the console is not published on all interfaces'},
	{id: 'console-namesrv-mismatch', severities: W, checks: 'the console asks the name servers the brokers register with'},
	{id: 'compose-port-collision', severities: E, checks: 'each host port published by one service per host'},
	{id: 'compose-store-shared', severities: E, checks: 'each broker has its own store folder'},
	// Cluster files (inventory-rules.ts)
	{id: 'inventory-invalid', severities: E, checks: 'the cluster file parses (addresses, duplicates, options)'},
	{id: 'plan-invalid', severities: E, checks: 'a plan exists (R ≤ hosts, ports fit, pins kept)'},
	{id: 'replica-count', severities: ['error', 'warning'], checks: 'replicas is odd and at least 3'},
	{id: 'host-ip-container', severities: E, checks: 'no host ip on Docker\'s default bridge'},
	{id: 'host-ip-loopback', severities: E, checks: 'no loopback host ip in a multi-host cluster'},
	{id: 'console-public', severities: I, checks: 'console.public: true is deliberate'},
];

/** The rule table as Markdown (for the README). */
export function rulesMarkdown(): string {
	return ['| rule | severity | checks |', '| --- | --- | --- |', ...RULES.map(r => `| \`${r.id}\` | ${r.severities.join(' / ')} | ${r.checks} |`)].join('\n');
}
