/** Table-driven: one broken input per row, each with the finding (rule, severity, file, line, exact message) it must produce. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {lintFiles, type LintInput, type Severity} from '../../source/lint/index.ts';
import {
	append, brief, composePath, confPath, drop, editCompose, editConf, goodCluster, goodConf, GOOD_COMPOSE, NAMESRV_ADDR, rename, replace, set,
} from './support.ts';

const A = '192.168.1.71';
const B = '192.168.1.76';
const C = '192.168.1.77';

interface Row {
	name: string;
	input: LintInput;
	rule: string;
	severity: Severity;
	file: string;
	line: number | undefined;
	message: string;
}

const conf = (name: string, edit: Parameters<typeof editConf>[2][], rule: string, severity: Severity, line: number | undefined, message: string, ip = A): Row =>
	({name, input: editConf(goodCluster(), ip, ...edit), rule, severity, file: confPath(ip), line, message});
const compose = (name: string, edit: Parameters<typeof editCompose>[2][], rule: string, severity: Severity, line: number | undefined, message: string): Row =>
	({name, input: editCompose(goodCluster(), A, ...edit), rule, severity, file: composePath(A), line, message});

const ROWS: Row[] = [
	// How 4.7.1 reads the file
	conf('trailing space after true', [set('enableDLegerCommitLog', 'true ')], 'trailing-space', 'error', 8,
		'enableDLegerCommitLog has trailing whitespace after "true": Boolean.parseBoolean("true ") is false: the broker starts without DLedger'),
	conf('trailing space after a port', [set('listenPort', '10911\t')], 'trailing-space', 'error', 7,
		'listenPort has trailing whitespace after "10911": parsing "10911\\t" as a number fails and 4.7.1 keeps the default silently'),
	conf('dLedgerPeers', [rename('dLegerPeers', 'dLedgerPeers')], 'dledger-key-misspelled', 'error', 10,
		'dLedgerPeers is misspelled: 4.7.1 reads dLegerPeers ("Leger") and ignores dLedgerPeers silently, so DLedger never gets this value'),
	conf('enableDLedgerCommitLog', [rename('enableDLegerCommitLog', 'enableDLedgerCommitLog')], 'dledger-key-misspelled', 'error', 8,
		'enableDLedgerCommitLog is misspelled: 4.7.1 reads enableDLegerCommitLog ("Leger") and ignores enableDLedgerCommitLog silently, so the broker starts as a plain broker without DLedger'),
	conf('the old mapedFile spelling', [append('mapedFileSizeCommitLog=1073741824')], 'unknown-key', 'error', 14,
		'mapedFileSizeCommitLog is not a RocketMQ 4.7.1 broker key and is ignored silently; did you mean mappedFileSizeCommitLog?'),
	conf('a key in the wrong case', [rename('listenPort', 'listenport')], 'unknown-key', 'error', 7,
		'listenport is not a RocketMQ 4.7.1 broker key (keys are case-sensitive) and is ignored silently; did you mean listenPort?'),
	conf('fastListenPort, which 4.7.1 does not have', [append('fastListenPort=10909')], 'unknown-key', 'warning', 14,
		'fastListenPort is not a RocketMQ 4.7.1 broker key and is ignored silently: the fast channel is always listenPort−2'),
	conf('a key like no other', [append('enableMagic=true')], 'unknown-key', 'warning', 14,
		'enableMagic is not a RocketMQ 4.7.1 broker key and is ignored silently'),
	conf('a boolean that is not one', [set('enableDLegerCommitLog', 'yes')], 'bad-boolean', 'error', 8,
		'enableDLegerCommitLog=yes is not true or false: Boolean.parseBoolean reads it as false'),
	conf('a port that is not a number', [set('listenPort', '10911a')], 'bad-number', 'error', 7,
		'listenPort=10911a is not a whole number: 4.7.1 ignores it silently and keeps the default'),
	conf('an enum in the wrong case', [append('flushDiskType=async_flush')], 'bad-enum', 'error', 14,
		'flushDiskType=async_flush is not one of ASYNC_FLUSH, SYNC_FLUSH: 4.7.1 ignores it silently and keeps the default'),
	conf('a key set twice', [append('listenPort=10921')], 'duplicate-key', 'warning', 14,
		'listenPort is set twice: line 7 says "10911", but this later "10921" wins'),
	conf('a byte order mark', [t => `\uFEFF${t.replace(/^#.*\n/, '')}`], 'conf-bom', 'error', 1,
		'the file starts with a UTF-8 byte order mark: Java reads the first key as "ï»¿brokerClusterName" and ignores it'),
	conf('a full-width colon', [set('namesrvAddr', '192.168.1.71：9876')], 'non-ascii-value', 'error', 6,
		'the value of namesrvAddr contains "：" (U+FF1A): Java reads .conf files as ISO-8859-1, so the broker sees other characters'),
	// DLedger keys
	conf('DLedger not enabled', [drop('enableDLegerCommitLog')], 'dledger-disabled', 'error', undefined,
		'enableDLegerCommitLog is not set: the broker starts as a plain broker, without DLedger failover'),
	conf('no selfId', [drop('dLegerSelfId')], 'dledger-key-missing', 'error', 8,
		'dLegerSelfId is missing: DLedger mode is on and cannot start without it'),
	conf('selfId node1', [set('dLegerSelfId', 'node1')], 'dledger-selfid-shape', 'error', 11,
		'dLegerSelfId=node1 is not a letter followed by digits: the broker derives its brokerId from the digits after the first character ("ode1") and fails to start'),
	conf('selfId not among the peers', [set('dLegerSelfId', 'n5')], 'dledger-selfid-not-in-peers', 'error', 11,
		'dLegerSelfId=n5 is not one of the ids in dLegerPeers (n0, n1, n2): DLedger fails to start'),
	conf('a peer without port', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77')], 'dledger-peers-malformed', 'error', 10,
		'dLegerPeers entry "n2-192.168.1.77" is not <id>-<IP>:<port>: DLedger cannot parse it'),
	conf('a peer host name with "-"', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-rmq-host-3:20911')], 'dledger-peer-hostname', 'error', 10,
		'dLegerPeers entry "n2-rmq-host-3:20911" uses a host name containing "-": it breaks DLedger\'s peer parser'),
	conf('two peers on one host', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.71:20921;n2-192.168.1.77:20911')], 'dledger-peers-same-host', 'warning', 10,
		'dLegerPeers puts n0 and n1 on the same host 192.168.1.71: losing that host takes two votes of the group'),
	conf('a peer container IP', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-172.17.0.3:20911')], 'dledger-peer-container-ip', 'error', 10,
		'dLegerPeers entry "n2-172.17.0.3:20911" uses 172.17.0.3, a container IP on Docker\'s default bridge: replicas on other hosts cannot reach it'),
	conf('two replicas', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911')], 'dledger-replica-count', 'error', 10,
		'dLegerPeers lists 2 replicas: a majority of 2 is 2, so losing either one stops writes (no failover)'),
	conf('four replicas', [set('dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911;n3-192.168.1.78:20911')], 'dledger-replica-count', 'warning', 10,
		'dLegerPeers lists 4 replicas: 4 survive 1 failure(s), like 3 do, while every write waits for 3 of them'),
	// What one conf says
	conf('brokerName is not the group', [set('brokerName', 'broker-a')], 'broker-name-mismatch', 'error', 3,
		'brokerName=broker-a but dLegerGroup=RaftNode00: name servers list the group\'s leader under brokerName, so they must be equal'),
	conf('no brokerIP1', [drop('brokerIP1')], 'broker-ip-missing', 'error', undefined,
		'brokerIP1 is not set: the broker advertises its container\'s IP, which clients and other hosts cannot reach'),
	conf('a container brokerIP1', [set('brokerIP1', '172.17.0.2')], 'broker-ip-container', 'error', 4,
		'brokerIP1=172.17.0.2 is a container IP on Docker\'s default bridge: clients on other hosts cannot reach it'),
	conf('brokerIP1 of another host', [set('brokerIP1', A)], 'broker-ip-wrong-host', 'error', 4,
		'brokerIP1=192.168.1.71 but this file is for host 192.168.1.76 (192.168.1.76): the broker would advertise another host\'s address', B),
	conf('a name server without port', [set('namesrvAddr', '192.168.1.71;192.168.1.76:9876;192.168.1.77:9876')], 'namesrv-addr-invalid', 'error', 6,
		'namesrvAddr entry "192.168.1.71" is not host:port: the broker exits at start ("The Name Server Address … illegal")'),
	conf('store outside the mounted dir', [set('storePathRootDir', '/data/store')], 'store-path-outside', 'warning', 12,
		'storePathRootDir=/data/store is not under /home/rocketmq/store, the store directory of the image that compose files mount: data outside a mount is lost when the container is recreated'),
	conf('brokerRole in DLedger mode', [append('brokerRole=SLAVE')], 'dledger-ignored-key', 'info', 14,
		'brokerRole=SLAVE is ignored in DLedger mode: the role comes from the election'),
	// Across the cluster
	conf('the seed adaptation: every replica claims n0', [set('dLegerSelfId', 'n0')], 'dledger-selfid-duplicate', 'error', 11,
		'dLegerSelfId=n0 is also claimed in RaftNode00 by 192.168.1.71 (192.168.1.71/broker/conf/broker.conf): ids must be unique within a group', B),
	{
		name: 'the seed copied to every host unchanged (no host folders)',
		input: withoutHosts({...goodCluster(), confs: goodCluster().confs.map((c, i) => ({...c, path: `copy${i}/broker.conf`, text: goodConf(A, 'n0')}))}),
		rule: 'dledger-selfid-duplicate', severity: 'error', file: 'copy2/broker.conf', line: 11,
		message: 'dLegerSelfId=n0 is also claimed in RaftNode00 by 192.168.1.71 (copy0/broker.conf) and 192.168.1.71 (copy1/broker.conf): ids must be unique within a group',
	},
	{
		name: 'two replicas swapped ids',
		input: editConf(editConf(goodCluster(), B, set('dLegerSelfId', 'n2')), C, set('dLegerSelfId', 'n1')),
		rule: 'dledger-peer-wrong-host', severity: 'error', file: confPath(B), line: 10,
		message: 'dLegerPeers gives this host (192.168.1.76) the entry n1-192.168.1.76:20911, but this broker is dLegerSelfId=n2, whose entry n2-192.168.1.77:20911 points at 192.168.1.77',
	},
	conf('peers in another order', [set('dLegerPeers', 'n1-192.168.1.76:20911;n0-192.168.1.71:20911;n2-192.168.1.77:20911')], 'dledger-peers-mismatch', 'error', 10,
		'dLegerPeers differs from the other replicas of RaftNode00: "n1-192.168.1.76:20911;n0-192.168.1.71:20911;n2-192.168.1.77:20911" here, "n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911" in 192.168.1.76/broker/conf/broker.conf'),
	conf('another cluster name', [set('brokerClusterName', 'OrdersCluster')], 'cluster-name-mismatch', 'error', 2,
		'brokerClusterName is OrdersCluster here but RaftCluster in 2 other conf(s): the brokers form two clusters'),
	conf('a name server left out', [set('namesrvAddr', '192.168.1.71:9876;192.168.1.76:9876')], 'namesrv-addr-mismatch', 'error', 6,
		`namesrvAddr lists 192.168.1.71:9876;192.168.1.76:9876 but 2 other conf(s) list ${NAMESRV_ADDR}: clients of different name servers see different brokers`),
	conf('DLedger port on the fast port', [set('dLegerPeers', 'n0-192.168.1.71:10909;n1-192.168.1.76:10909;n2-192.168.1.77:10909')], 'port-collision', 'error', 7,
		'port 10909 on host 192.168.1.71 is opened by RaftNode00/n0 listenPort−2 (fast channel) and by RaftNode00/n0 DLedger port: only one can bind it'),
	{
		name: 'two groups on one host with the same listenPort',
		input: {...goodCluster(), confs: [...goodCluster().confs, {path: `${A}/broker/conf/broker-01.conf`, host: A, text: goodConf01()}]},
		rule: 'port-collision', severity: 'error', file: `${A}/broker/conf/broker-01.conf`, line: 7,
		message: 'port 10911 on host 192.168.1.71 is opened by RaftNode01/n0 listenPort and by RaftNode00/n0 listenPort (192.168.1.71/broker/conf/broker.conf): only one can bind it',
	},
	{
		name: 'two replicas of a group on one host',
		input: withoutHosts(editConf(goodCluster(), B, set('brokerIP1', A), set('brokerIP2', A), set('listenPort', '10921'))),
		rule: 'group-replicas-same-host', severity: 'error', file: confPath(B), line: 11,
		message: 'RaftNode00 has 2 replicas on host 192.168.1.71: this one and 192.168.1.71/broker/conf/broker.conf; one host failure takes 2 votes',
	},
	// Compose files
	compose('DLedger port not published', [replace('      - "20911:20911"\n', '')], 'compose-port-missing', 'error', 8,
		'service broker does not publish 20911 (the DLedger port the other replicas dial, from 192.168.1.71/broker/conf/broker.conf)'),
	compose('listen port remapped', [replace('"10911:10911"', '"20000:10911"')], 'compose-port-remapped', 'error', 10,
		'service broker publishes 10911 as "20000:10911": peers and clients dial the advertised brokerIP1:10911, so the host port must be 10911'),
	compose('the HA port published', [replace('      - "20911:20911"\n', '      - "20911:20911"\n      - "10912:10912"\n')], 'compose-port-unused', 'warning', 12,
		'service broker publishes 10912 (listenPort+1, the HA port), which is not opened in DLedger mode'),
	compose('conf mounted over $ROCKETMQ_HOME/conf', [
		replace('./conf:/home/rocketmq/conf:ro', './conf:/home/rocketmq/rocketmq-4.7.1/conf'),
		replace('/home/rocketmq/conf/broker.conf', '/home/rocketmq/rocketmq-4.7.1/conf/broker.conf'),
	], 'compose-mount-hides-rocketmq', 'error', 13,
	'service broker mounts /home/rocketmq/rocketmq-4.7.1/conf over the image\'s /home/rocketmq/rocketmq-4.7.1/conf, where the broker and name server load their logback config'),
	compose('relative -c', [replace('"/home/rocketmq/conf/broker.conf"', '"../conf/broker.conf"')], 'compose-conf-relative', 'error', 4,
		'service broker runs mqbroker -c ../conf/broker.conf, a relative path: it is read from the image\'s WORKDIR /home/rocketmq/rocketmq-4.7.1/bin'),
	compose('-c where nothing is mounted', [replace('"/home/rocketmq/conf/broker.conf"', '"/etc/rocketmq/broker.conf"')], 'compose-conf-not-mounted', 'error', 4,
		'service broker runs mqbroker -c /etc/rocketmq/broker.conf, but no volume is mounted there: the file does not exist in the container and the broker starts without it'),
	compose('the conf file mounted alone', [replace('./conf:/home/rocketmq/conf:ro', './conf/broker.conf:/home/rocketmq/conf/broker.conf:ro')], 'compose-conf-file-mount', 'warning', 13,
		'service broker bind-mounts the single file broker.conf: an editor that saves by rename leaves the container on the old file, and a missing source becomes a directory'),
	compose('no JAVA_OPT_EXT', [replace('      JAVA_OPT_EXT: -Xms1g -Xmx1g -Xmn512m\n', '      TZ: UTC\n')], 'compose-heap-unset', 'warning', 2,
		'service broker sets no JAVA_OPT_EXT: the image sizes the heap from the host\'s RAM (1 GB+ per JVM, pre-touched)'),
	compose('store not mounted', [replace('      - ./store:/home/rocketmq/store\n', '')], 'compose-store-not-mounted', 'warning', 2,
		'service broker keeps its store in /home/rocketmq/store, which is not on a mounted volume: the messages are lost when the container is recreated'),
	compose('mqbroker without -c', [replace('["sh", "mqbroker", "-c", "/home/rocketmq/conf/broker.conf"]', 'sh mqbroker')], 'compose-broker-no-conf', 'error', 4,
		'service broker runs mqbroker without -c: the broker starts with defaults, without DLedger'),
	compose('a service defined twice', [append('  broker:\n    image: apacherocketmq/rocketmq:4.7.1-alpine')], 'compose-yaml', 'error', 16,
		'the file is not valid YAML: Map keys must be unique'),
	compose('two brokers sharing one store', [t => t + t.replace('services:\n', '').replace('  broker:', '  broker-b:').replace(/"(\d+):\d+"/g, (_, p) => `"${Number(p) + 10}:${Number(p) + 10}"`).replace('broker.conf"', 'other.conf"')],
		'compose-store-shared', 'error', 15,
		'service broker keeps its store in 192.168.1.71/broker/store, as broker-b does: brokers sharing a store (and its dledger-<selfId> folder) corrupt it'),
	{
		name: 'a name server missing from namesrvAddr',
		input: {...goodCluster(), composes: [...goodCluster().composes, {path: '192.168.1.78/namesrv/docker-compose.yml', host: '192.168.1.78', text: 'services:\n  namesrv:\n    image: apacherocketmq/rocketmq:4.7.1-alpine\n    command: sh mqnamesrv\n    restart: always\n    environment: [JAVA_OPT_EXT=-Xmx512m]\n    ports: ["9876:9876"]\n    volumes: [./logs:/home/rocketmq/logs]\n'}]},
		rule: 'namesrv-not-listed', severity: 'error', file: confPath(A), line: 6,
		message: 'namesrvAddr does not list the name server 192.168.1.78:9876 (192.168.1.78/namesrv/docker-compose.yml): the broker never registers there, so its clients do not see it',
	},
];

/** Hand-written files outside host folders: mapped by brokerIP1. */
function withoutHosts(input: LintInput): LintInput {
	return {confs: input.confs.map(({host: _, ...rest}) => rest), composes: input.composes.map(({host: _, ...rest}) => rest)};
}

function goodConf01(): string {
	return goodCluster().confs[0]!.text
		.replaceAll('RaftNode00', 'RaftNode01')
		.replaceAll(':20911', ':20921');
}

test(`the good cluster lints clean (${ROWS.length} broken variants follow)`, () => {
	assert.deepEqual(lintFiles(goodCluster()).map(brief), []);
	assert.ok(ROWS.length >= 20);
	assert.equal(new Set(ROWS.map(r => r.name)).size, ROWS.length, 'row names are unique');
});

for (const row of ROWS) {
	test(`${row.name} → ${row.severity} [${row.rule}]`, () => {
		const findings = lintFiles(row.input);
		const found = findings.filter(f => f.rule === row.rule && f.file === row.file);
		assert.ok(found.length > 0, `no [${row.rule}] in ${row.file}; got:\n${findings.map(brief).join('\n')}`);
		const match = found.find(f => f.message === row.message) ?? found[0]!;
		assert.deepEqual({severity: match.severity, line: match.line, message: match.message}, {severity: row.severity, line: row.line, message: row.message});
		assert.ok(match.fix.length > 0 && !match.fix.includes('\n'), 'a one-line fix');
	});
}

test('GOOD_COMPOSE is the compose file of every host', () => {
	assert.ok(goodCluster().composes.every(c => c.text === GOOD_COMPOSE));
});
