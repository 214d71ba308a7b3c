/** A small correct cluster to break in tests: 3 hosts, one DLedger group, a conf and a broker compose file per host. */
import type {Finding, LintInput, LintSource} from '../../source/lint/index.ts';

export const HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'] as const;
export const PEERS = 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911';
export const NAMESRV_ADDR = '192.168.1.71:9876;192.168.1.76:9876;192.168.1.77:9876';

/** Line numbers are part of the tests: keep the order. */
export function goodConf(ip: string, selfId: string): string {
	return [
		`# Broker RaftNode00/${selfId} on ${ip}`, // 1
		'brokerClusterName=RaftCluster', // 2
		'brokerName=RaftNode00', // 3
		`brokerIP1=${ip}`, // 4
		`brokerIP2=${ip}`, // 5
		`namesrvAddr=${NAMESRV_ADDR}`, // 6
		'listenPort=10911', // 7
		'enableDLegerCommitLog=true', // 8
		'dLegerGroup=RaftNode00', // 9
		`dLegerPeers=${PEERS}`, // 10
		`dLegerSelfId=${selfId}`, // 11
		'storePathRootDir=/home/rocketmq/store', // 12
		'storePathCommitLog=/home/rocketmq/store/commitlog', // 13
		'',
	].join('\n');
}

export const GOOD_COMPOSE = `services:
  broker:
    image: apacherocketmq/rocketmq:4.7.1-alpine
    command: ["sh", "mqbroker", "-c", "/home/rocketmq/conf/broker.conf"]
    restart: unless-stopped
    environment:
      JAVA_OPT_EXT: -Xms1g -Xmx1g -Xmn512m
    ports:
      - "10909:10909"
      - "10911:10911"
      - "20911:20911"
    volumes:
      - ./conf:/home/rocketmq/conf:ro
      - ./logs:/home/rocketmq/logs
      - ./store:/home/rocketmq/store
`;

export const confPath = (ip: string): string => `${ip}/broker/conf/broker.conf`;
export const composePath = (ip: string): string => `${ip}/broker/docker-compose.yml`;

export function goodCluster(): LintInput {
	return {
		confs: HOSTS.map((ip, i) => ({path: confPath(ip), host: ip, text: goodConf(ip, `n${i}`)})),
		composes: HOSTS.map(ip => ({path: composePath(ip), host: ip, text: GOOD_COMPOSE})),
	};
}

type Edit = (text: string) => string;

/** Replace `key=…` with `key=value` (the line keeps its number). */
export const set = (key: string, value: string): Edit => text => {
	const re = new RegExp(`^${key}=.*$`, 'm');
	if (!re.test(text)) throw new Error(`no ${key} line`);
	return text.replace(re, `${key}=${value}`);
};
/** Turn the `key=…` line into a comment (the line numbers stay). */
export const drop = (key: string): Edit => text => text.replace(new RegExp(`^${key}=.*$`, 'm'), `# ${key} removed`);
export const rename = (key: string, to: string): Edit => text => text.replace(new RegExp(`^${key}=`, 'm'), `${to}=`);
export const append = (line: string): Edit => text => `${text}${line}\n`;
export const replace = (from: string | RegExp, to: string): Edit => text => {
	const out = text.replace(from, to);
	if (out === text) throw new Error(`${String(from)} not found`);
	return out;
};

function editSources(sources: LintSource[], path: string, edits: Edit[]): LintSource[] {
	if (!sources.some(s => s.path === path)) throw new Error(`no file ${path}`);
	return sources.map(s => (s.path === path ? {...s, text: edits.reduce((t, e) => e(t), s.text)} : s));
}

export const editConf = (input: LintInput, ip: string, ...edits: Edit[]): LintInput => ({...input, confs: editSources(input.confs, confPath(ip), edits)});
export const editCompose = (input: LintInput, ip: string, ...edits: Edit[]): LintInput => ({...input, composes: editSources(input.composes, composePath(ip), edits)});

export const brief = (f: Finding): string => `${f.file}:${f.line ?? '-'} ${f.severity} [${f.rule}] ${f.message}`;
