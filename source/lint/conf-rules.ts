/** Per-file rules about what a conf SAYS (pure): identity, addresses, store paths, ports (facts §2–3). */
import {isIPv4} from '../inventory/address.ts';
import {dledgerOn, isContainerIp, isLoopback, isWithin, javaInt, lineOf, valueOf, type BrokerConf} from './conf-model.ts';
import {lintDledgerConf} from './dledger-conf-rules.ts';
import {lintConfSyntax} from './conf-syntax-rules.ts';
import {BROKER_DEFAULTS, IGNORED_IN_DLEDGER_MODE} from './key-types.ts';
import type {Finding} from './types.ts';

function identityFindings(conf: BrokerConf): Finding[] {
	const findings: Finding[] = [];
	const brokerName = valueOf(conf, 'brokerName');
	if (conf.group && brokerName !== conf.group) {
		findings.push(conf.finding('broker-name-mismatch', 'error', lineOf(conf, 'brokerName') ?? lineOf(conf, 'dLegerGroup'),
			brokerName
				? `brokerName=${brokerName} but dLegerGroup=${conf.group}: name servers list the group's leader under brokerName, so they must be equal`
				: `brokerName is not set, so 4.7.1 uses the container's host name; it must equal dLegerGroup=${conf.group}`,
			`set brokerName=${conf.group}`));
	}
	if (!valueOf(conf, 'brokerClusterName')) {
		findings.push(conf.finding('cluster-name-default', 'warning', lineOf(conf, 'brokerClusterName'),
			`brokerClusterName is not set: the broker joins "${BROKER_DEFAULTS.brokerClusterName}"`,
			'add brokerClusterName=<the cluster name every broker uses, e.g. RaftCluster>'));
	}
	if (dledgerOn(conf)) {
		for (const key of IGNORED_IN_DLEDGER_MODE) {
			const entry = conf.last.get(key);
			if (!entry) continue;
			findings.push(conf.finding('dledger-ignored-key', 'info', entry.line,
				`${key}=${entry.value.trim()} is ignored in DLedger mode: ${key === 'brokerRole' ? 'the role comes from the election' : 'the id comes from the election and dLegerSelfId'}`,
				`remove ${key} (harmless)`));
		}
	}
	return findings;
}

function brokerIpFindings(conf: BrokerConf): Finding[] {
	const ip = conf.brokerIP1;
	const line = lineOf(conf, 'brokerIP1');
	const hostHint = conf.hostIpFrom === 'host' ? conf.hostIp! : '<this host\'s IP>';
	if (!ip) {
		return [conf.finding('broker-ip-missing', 'error', line,
			`brokerIP1 is ${ip === undefined ? 'not set' : 'empty'}: the broker advertises its container's IP, which clients and other hosts cannot reach`,
			`add brokerIP1=${hostHint}`)];
	}
	if (!isIPv4(ip)) {
		return [conf.finding('broker-ip-invalid', 'error', line,
			`brokerIP1=${ip} is not an IPv4 address: clients and name servers get it as this broker's address`,
			`set brokerIP1=${hostHint}`)];
	}
	if (isContainerIp(ip)) {
		return [conf.finding('broker-ip-container', 'error', line,
			`brokerIP1=${ip} is a container IP on Docker's default bridge: clients on other hosts cannot reach it`,
			`set brokerIP1=${hostHint}`)];
	}
	if (conf.hostIpFrom === 'host' && ip !== conf.hostIp) {
		return [conf.finding('broker-ip-wrong-host', 'error', line,
			`brokerIP1=${ip} but this file is for host ${conf.host} (${conf.hostIp}): the broker would advertise another host's address`,
			`set brokerIP1=${conf.hostIp} (and brokerIP2=${conf.hostIp})`)];
	}
	if (isLoopback(ip)) {
		return [conf.finding('broker-ip-loopback', 'warning', line,
			`brokerIP1=${ip} is a loopback address: only clients on this host can reach the broker`,
			'set brokerIP1 to the IP other hosts reach this host at')];
	}
	const ip2 = valueOf(conf, 'brokerIP2');
	if (ip2 && ip2 !== ip) {
		return [conf.finding('broker-ip2-differs', 'info', lineOf(conf, 'brokerIP2'),
			`brokerIP2=${ip2} differs from brokerIP1=${ip}: unused in DLedger mode, but it suggests a copy from another host`,
			`set brokerIP2=${ip}`)];
	}
	return [];
}

function namesrvFindings(conf: BrokerConf): Finding[] {
	const value = conf.namesrvAddr;
	const line = lineOf(conf, 'namesrvAddr');
	if (!value) {
		return [conf.finding('namesrv-addr-missing', 'warning', line,
			'namesrvAddr is not set: the broker registers with no name server unless NAMESRV_ADDR is set in its environment',
			'add namesrvAddr=<ip:9876;ip:9876;…> listing every name server')];
	}
	const findings: Finding[] = [];
	for (const entry of value.split(';').filter((e, i, all) => e !== '' || i < all.length - 1)) {
		const m = /^([^\s:;]+):(\d+)$/.exec(entry);
		if (!m || Number(m[2]) > 65535) {
			findings.push(conf.finding('namesrv-addr-invalid', 'error', line,
				`namesrvAddr entry "${entry}" is not host:port: the broker exits at start ("The Name Server Address … illegal")`,
				'write namesrvAddr as IP:PORT entries separated by ";" with no spaces, e.g. 192.168.1.71:9876;192.168.1.76:9876'));
		} else if (isContainerIp(m[1]!)) {
			findings.push(conf.finding('namesrv-addr-invalid', 'error', line,
				`namesrvAddr entry "${entry}" is a container IP on Docker's default bridge: brokers on other hosts cannot reach it`,
				'use the IP of the host that runs the name server'));
		}
	}
	return findings;
}

function storeFindings(conf: BrokerConf): Finding[] {
	return (['storePathRootDir', 'storePathCommitLog'] as const).flatMap(key => {
		const value = valueOf(conf, key);
		if (value === undefined || isWithin(value, BROKER_DEFAULTS.storePathRootDir)) return [];
		return [conf.finding('store-path-outside', 'warning', lineOf(conf, key),
			`${key}=${value} is not under ${BROKER_DEFAULTS.storePathRootDir}, the store directory of the image that compose files mount: data outside a mount is lost when the container is recreated`,
			`set ${key}=${BROKER_DEFAULTS.storePathRootDir}${key === 'storePathCommitLog' ? '/commitlog' : ''} (or a folder under it)`)];
	});
}

function portFindings(conf: BrokerConf): Finding[] {
	const entry = conf.last.get('listenPort');
	const port = entry ? javaInt(entry.value) : undefined;
	if (port === undefined || (port >= 3 && port <= 65535)) return [];
	return [conf.finding('port-invalid', 'error', entry!.line,
		`listenPort=${port} is out of range: the broker opens listenPort and listenPort−2, both must be within 1–65535`,
		'use a port from 1024 to 65535, e.g. 10911')];
}

/** Every per-file rule. */
export function lintConf(conf: BrokerConf): Finding[] {
	return [
		...lintConfSyntax(conf),
		...lintDledgerConf(conf),
		...identityFindings(conf),
		...brokerIpFindings(conf),
		...namesrvFindings(conf),
		...storeFindings(conf),
		...portFindings(conf),
	];
}
