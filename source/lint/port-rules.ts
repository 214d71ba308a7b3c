/**
 * Port collisions per host (pure, facts §3): every broker opens listenPort, listenPort−2 and its DLedger port
 * on 0.0.0.0; a name server opens 9876. Two of these on one host cannot both bind.
 */
import type {NamesrvEndpoint} from './cluster-rules.ts';
import {groupBy} from './collect.ts';
import {brokerLabel, lineOf, type BrokerConf} from './conf-model.ts';
import type {Finding} from './types.ts';

interface PortUse {
	port: number;
	/** e.g. `RaftNode00/n0 listen` or `the name server`. */
	owner: string;
	conf?: BrokerConf;
	line?: number | undefined;
}

function brokerPorts(conf: BrokerConf): PortUse[] {
	const who = brokerLabel(conf);
	const listenLine = lineOf(conf, 'listenPort');
	return [
		{port: conf.listenPort, owner: `${who} listenPort`, conf, line: listenLine},
		{port: conf.listenPort - 2, owner: `${who} listenPort−2 (fast channel)`, conf, line: listenLine},
		...(conf.self ? [{port: conf.self.port, owner: `${who} DLedger port`, conf, line: lineOf(conf, 'dLegerPeers')}] : []),
	];
}

/** Name server ports on a host: from its compose files and from every namesrvAddr entry with its IP. */
function namesrvPorts(ip: string, confs: readonly BrokerConf[], namesrvs: readonly NamesrvEndpoint[]): PortUse[] {
	const ports = new Set(namesrvs.filter(n => n.ip === ip).map(n => n.port));
	for (const conf of confs) {
		for (const entry of (conf.namesrvAddr ?? '').split(';')) {
			const m = /^(.+):(\d+)$/.exec(entry);
			if (m && m[1] === ip) ports.add(Number(m[2]));
		}
	}
	return [...ports].map(port => ({port, owner: 'the name server'}));
}

export function lintHostPorts(confs: readonly BrokerConf[], namesrvs: readonly NamesrvEndpoint[] = []): Finding[] {
	const findings: Finding[] = [];
	const byHost = groupBy(confs.filter(c => c.host !== undefined), c => c.host!);
	for (const [host, onHost] of byHost) {
		const ip = onHost.find(c => c.hostIp)?.hostIp;
		const uses = [...onHost.flatMap(brokerPorts), ...(ip ? namesrvPorts(ip, confs, namesrvs) : [])];
		for (const [port, sharing] of groupBy(uses, u => u.port)) {
			if (sharing.length < 2) continue;
			const reported = new Set<BrokerConf>();
			for (const use of sharing) {
				if (!use.conf || reported.has(use.conf)) continue;
				reported.add(use.conf);
				const rest = sharing.filter(u => u !== use).map(u => (u.conf && u.conf !== use.conf ? `${u.owner} (${u.conf.file})` : u.owner));
				findings.push(use.conf.finding('port-collision', 'error', use.line,
					`port ${port} on host ${host} is opened by ${use.owner} and by ${rest.join(' and ')}: only one can bind it`,
					'give each broker on a host its own listenPort and DLedger port, e.g. +10 per group (10911/20911, 10921/20921), clear of 9876'));
			}
		}
	}
	return findings;
}
