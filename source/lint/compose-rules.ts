/**
 * Per-compose-file rules (pure, facts §3–4): legacy syntax, what every RocketMQ container needs (heap, logs, not
 * hiding $ROCKETMQ_HOME/conf), and for each broker the conf its `-c` names and the ports it must publish.
 */
import {posix} from 'node:path';
import {IMAGE} from '../plan/types.ts';
import {addressSet, isWithin, valueOf} from './conf-model.ts';
import {IMAGE_WORKDIR, mountHolding, type BrokerServiceLink, type ComposeLinks} from './compose-link.ts';
import type {ComposeFile, Service} from './compose-model.ts';
import {BROKER_DEFAULTS} from './key-types.ts';
import type {Finding} from './types.ts';

const ROCKETMQ_HOME = IMAGE.rocketmqHome;
const USER_HOME = IMAGE.home;
const LOGS_DIR = IMAGE.rocketmqLogs;

function fileFindings(compose: ComposeFile): Finding[] {
	return [
		...compose.yamlErrors.map(e => compose.finding('compose-yaml', 'error', e.line, `the file is not valid YAML: ${e.message}`, 'fix the YAML syntax at that line')),
		...(compose.versionLine === undefined ? [] : [compose.finding('compose-legacy-version', 'info', compose.versionLine,
			'`version` is obsolete in the Compose specification (Compose v2 warns about it; only docker-compose v1 before 1.27 needs it)',
			'delete the version line if every host runs Compose v2 or docker-compose ≥ 1.27')]),
		...compose.legacyExternalNames.map(n => compose.finding('compose-legacy-network', 'info', n.line,
			`networks.${n.network}.external.name is the legacy (file format 2) form`,
			`write networks: {${n.network}: {name: ${n.name}, external: true}}`)),
	];
}

function containerFindings(compose: ComposeFile, service: Service): Finding[] {
	const at = service.line;
	const findings = service.volumes.filter(m => isWithin(`${ROCKETMQ_HOME}/conf`, m.target)).map(m => compose.finding('compose-mount-hides-rocketmq', 'error', m.line,
		`service ${service.name} mounts ${m.target} over the image's ${ROCKETMQ_HOME}/conf, where the broker and name server load their logback config`,
		`mount it elsewhere, e.g. ${IMAGE.confDir}, and pass an absolute -c`));
	if (!service.env.get('JAVA_OPT_EXT')) {
		findings.push(compose.finding('compose-heap-unset', 'warning', at,
			`service ${service.name} sets no JAVA_OPT_EXT: the image sizes the heap from the host's RAM (1 GB+ per JVM, pre-touched)`,
			`add environment JAVA_OPT_EXT: "${service.kind === 'namesrv' ? '-Xms512m -Xmx512m -Xmn256m' : '-Xms1g -Xmx1g -Xmn512m'}"`));
	}
	if (!service.volumes.some(m => isWithin(LOGS_DIR, m.target))) {
		findings.push(compose.finding('compose-logs-not-mounted', 'warning', at,
			`service ${service.name} does not mount ${IMAGE.logsDir}: its logs (${LOGS_DIR}) are lost with the container`,
			`mount a host folder owned by uid 3000 at ${IMAGE.logsDir}`));
	}
	if (service.restart === undefined) {
		findings.push(compose.finding('compose-restart-missing', 'info', at,
			`service ${service.name} has no restart policy: it stays down after a crash or a reboot`,
			'add restart: unless-stopped'));
	}
	if (service.image && /rocketmq:/.test(service.image) && !/:4\.7\.1(\b|-)/.test(service.image)) {
		findings.push(compose.finding('compose-image-version', 'warning', at,
			`service ${service.name} runs ${service.image}, but these rules (and rmq-tui) are for RocketMQ 4.7.1`,
			'use apacherocketmq/rocketmq:4.7.1-alpine'));
	}
	return findings;
}

function confPathFindings(link: BrokerServiceLink): Finding[] {
	const {compose, service, mount, confPath} = link;
	const arg = service.confArg!;
	const name = posix.basename(confPath);
	if (!posix.isAbsolute(arg)) {
		return [compose.finding('compose-conf-relative', 'error', service.commandLine,
			`service ${service.name} runs mqbroker -c ${arg}, a relative path: it is read from the image's WORKDIR ${IMAGE_WORKDIR}`,
			`mount the conf folder at ${IMAGE.confDir} and pass -c ${IMAGE.confDir}/${name}`)];
	}
	if (!mount) {
		return [compose.finding('compose-conf-not-mounted', 'error', service.commandLine,
			`service ${service.name} runs mqbroker -c ${confPath}, but no volume is mounted there: the file does not exist in the container and the broker starts without it`,
			`mount the host folder holding ${name} at ${posix.dirname(confPath)} (or change -c to where it is mounted)`)];
	}
	const findings: Finding[] = [];
	if (!isWithin(mount.target, USER_HOME)) {
		findings.push(compose.finding('compose-conf-outside-home', 'warning', mount.line,
			`service ${service.name} mounts its conf at ${mount.target}, outside the image's RocketMQ home (${USER_HOME}; ROCKETMQ_HOME is ${ROCKETMQ_HOME}): it only works because -c names the same absolute path`,
			`mount the conf folder at ${IMAGE.confDir} and pass -c ${IMAGE.confDir}/${name}`));
	}
	if (mount.target === confPath) {
		findings.push(compose.finding('compose-conf-file-mount', 'warning', mount.line,
			`service ${service.name} bind-mounts the single file ${name}: an editor that saves by rename leaves the container on the old file, and a missing source becomes a directory`,
			`mount the folder that holds ${name} instead, e.g. ${posix.dirname(mount.source)}:${IMAGE.confDir}:ro`));
	}
	if (!link.conf) {
		findings.push(compose.finding('compose-conf-not-linted', 'warning', service.commandLine,
			`service ${service.name} runs ${link.hostConfPath ?? name}, which is not among the linted files: its ports and store cannot be checked`,
			`lint the compose file together with ${name}, e.g. rmq-tui lint ${posix.dirname(compose.path)}`));
	}
	return findings;
}

function storeFindings(link: BrokerServiceLink): Finding[] {
	const {compose, service, conf} = link;
	const root = (conf && valueOf(conf, 'storePathRootDir')) || BROKER_DEFAULTS.storePathRootDir;
	const commitLog = (conf && valueOf(conf, 'storePathCommitLog')) || `${root}/commitlog`;
	const paths = isWithin(commitLog, root) && !mountHolding(service.volumes, root) ? [root] : [...new Set([root, commitLog])];
	const unmounted = paths.filter(path => !mountHolding(service.volumes, path));
	return unmounted.map(path => compose.finding('compose-store-not-mounted', 'warning', service.line,
		`service ${service.name} keeps its store in ${path}, which is not on a mounted volume: the messages are lost when the container is recreated`,
		`mount a host folder owned by uid 3000 at ${path === commitLog && path !== root ? path : BROKER_DEFAULTS.storePathRootDir}`));
}

const PORT_ROLES = {listen: 'listenPort, which clients and name servers use', fast: 'listenPort−2, the fast channel clients use by default', dledger: 'the DLedger port the other replicas dial'} as const;

function portFindings(link: BrokerServiceLink): Finding[] {
	const {compose, service, conf} = link;
	if (!conf || service.networkMode === 'host') return [];
	const expected = [
		{port: conf.listenPort, role: PORT_ROLES.listen},
		{port: conf.listenPort - 2, role: PORT_ROLES.fast},
		...(conf.self ? [{port: conf.self.port, role: PORT_ROLES.dledger}] : []),
	];
	const tcp = service.ports.filter(p => p.protocol === 'tcp');
	const findings: Finding[] = [];
	for (const {port, role} of expected) {
		const published = tcp.filter(p => p.containerPort === port);
		if (published.length === 0) {
			findings.push(compose.finding('compose-port-missing', 'error', service.portsLine ?? service.line,
				`service ${service.name} does not publish ${port} (${role}, from ${conf.file})`,
				`add "${port}:${port}" to its ports`));
		}
		for (const p of published.filter(p => p.hostPort !== port)) {
			findings.push(compose.finding('compose-port-remapped', 'error', p.line,
				`service ${service.name} publishes ${port} as "${p.text}": peers and clients dial the advertised brokerIP1:${port}, so the host port must be ${port}`,
				`write "${port}:${port}"`));
		}
	}
	if (!conf.self) return findings; // its DLedger port is unknown: extra ports cannot be judged
	const opened = [...new Set(expected.map(e => e.port))];
	for (const p of tcp.filter(p => !opened.includes(p.containerPort))) {
		const ha = p.containerPort === conf.listenPort + 1;
		findings.push(compose.finding('compose-port-unused', 'warning', p.line,
			ha
				? `service ${service.name} publishes ${p.containerPort} (listenPort+1, the HA port), which is not opened in DLedger mode`
				: `service ${service.name} publishes ${p.containerPort}, which this broker does not open (it opens ${opened.join(', ')})`,
			`remove "${p.text}" from its ports`));
	}
	return findings;
}

function namesrvPortFindings(compose: ComposeFile, service: Service): Finding[] {
	if (service.networkMode === 'host' || service.ports.some(p => p.containerPort === 9876 && p.hostPort !== undefined)) return [];
	return [compose.finding('compose-namesrv-port', 'error', service.portsLine ?? service.line,
		`service ${service.name} does not publish the name server's port 9876 with a fixed host port: brokers and clients on other hosts cannot reach it`,
		'add "9876:9876" to its ports')];
}

function consoleFindings(compose: ComposeFile, service: Service, namesrvAddr: string | undefined): Finding[] {
	const findings = service.ports.filter(p => p.containerPort === 8080 && (p.hostIp === undefined || p.hostIp === '0.0.0.0')).map(p => compose.finding('compose-console-public', 'info', p.line,
		`the console (an admin UI without authentication) is published on all interfaces at port ${p.hostPort ?? '(random)'}`,
		`publish it as "127.0.0.1:${p.hostPort ?? 19876}:8080" and reach it through ssh -L, or firewall the port`));
	const addr = /-Drocketmq\.namesrv\.addr=(\S+)/.exec(service.env.get('JAVA_OPTS') ?? '')?.[1];
	if (addr !== undefined && namesrvAddr !== undefined && addressSet(addr) !== addressSet(namesrvAddr)) {
		findings.push(compose.finding('console-namesrv-mismatch', 'warning', service.line,
			`the console asks name servers ${addr} but the brokers register with ${namesrvAddr}`,
			`set -Drocketmq.namesrv.addr=${namesrvAddr} in its JAVA_OPTS`));
	}
	return findings;
}

export function lintCompose(compose: ComposeFile, links: ComposeLinks, namesrvAddr?: string): Finding[] {
	const findings = fileFindings(compose);
	for (const service of compose.services) {
		if (service.kind === 'broker' || service.kind === 'namesrv') findings.push(...containerFindings(compose, service));
		if (service.kind === 'namesrv') findings.push(...namesrvPortFindings(compose, service));
		if (service.kind === 'console') findings.push(...consoleFindings(compose, service, namesrvAddr));
		if (service.kind === 'broker' && service.confArg === undefined) {
			findings.push(compose.finding('compose-broker-no-conf', 'error', service.commandLine ?? service.line,
				`service ${service.name} runs mqbroker without -c: the broker starts with defaults, without DLedger`,
				`pass -c ${IMAGE.confDir}/<its conf> and mount the conf folder there`));
		}
	}
	for (const link of links.brokers.filter(l => l.compose === compose)) {
		findings.push(...confPathFindings(link), ...storeFindings(link), ...portFindings(link));
	}
	return findings;
}
