/**
 * Plan → files per host (pure, given the templates). Compose files through the yaml library,
 * broker confs through the properties writer; every value comes from the plan.
 */
import {createHash} from 'node:crypto';
import {isMap, type Document} from 'yaml';
import {writeProperties, type PropertiesLine} from '../format/properties.ts';
import {javaOptExt} from '../plan/jvm.ts';
import {IMAGE, type BrokerPlan, type HostPlan, type Plan} from '../plan/types.ts';
import {fillTemplate, quotedList, type TemplateVars} from './template.ts';
import {loadTemplates, type Templates} from './templates.ts';

/** `cluster-record`: the pinned cluster file deploy leaves on every host (`.rmq-tui/cluster.yaml`). */
export type FileKind = 'namesrv-compose' | 'broker-compose' | 'broker-conf' | 'console-compose' | 'cluster-record';

export interface RenderedFile {
	/** Host name (plan.hosts[].spec.name). */
	host: string;
	/** Absolute path on that host. */
	path: string;
	content: string;
	kind: FileKind;
}

export const LABEL = {
	cluster: 'io.rmq-tui.cluster',
	role: 'io.rmq-tui.role',
	group: 'io.rmq-tui.group',
	selfId: 'io.rmq-tui.self-id',
	confDigest: 'io.rmq-tui.conf-sha256',
} as const;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const yamlText = (doc: Document): string => doc.toString({lineWidth: 0});

/** Compose interpolates `$` in every value: `$$` is a literal dollar. */
const composeLiteral = (text: string): string => text.replaceAll('$', '$$$$');

/**
 * `sh -c <graceful-start.sh> rmq-tui-start <script> [args…]`: the image's start script under a wrapper that
 * forwards SIGTERM to the JVM and waits for it (templates/graceful-start.sh says why).
 */
export function startCommand(templates: Templates, script: 'mqbroker' | 'mqnamesrv', args: readonly string[] = []): string[] {
	const wrapper = templates['graceful-start']
		.split('\n')
		.filter(line => !line.startsWith('#'))
		.join('\n')
		.trim();
	return ['sh', '-c', composeLiteral(wrapper), 'rmq-tui-start', script, ...args];
}

function replacePorts(doc: Document, path: readonly (string | number)[], ports: readonly string[]): void {
	doc.setIn(path, quotedList(doc, ports));
}

/** The broker's .conf: the template's sections, then extra properties (overriding earlier keys in place). */
export function renderBrokerConf(plan: Plan, broker: BrokerPlan, templates: Templates): string {
	const vars: TemplateVars = {
		cluster: plan.options.name,
		group: broker.group,
		selfId: broker.selfId,
		host: broker.host,
		ip: broker.ip,
		namesrvAddr: plan.namesrvAddr,
		listenPort: broker.listenPort,
		fastPort: broker.fastPort,
		haPort: broker.haPort,
		peers: broker.peers,
		storeDir: broker.storeDir,
		sendMessageThreadPoolNums: broker.sendMessageThreadPoolNums,
		extraProperties: plan.options.brokerProperties,
	};
	const sections = fillTemplate(templates['broker.conf'], vars, 'broker.conf.yaml').toJS() as Array<{
		comment?: string;
		properties?: Record<string, string | number | boolean>;
	}>;
	const lines: PropertiesLine[] = [];
	const written = new Map<string, {key: string; value: string}>();
	for (const section of sections) {
		const entries = Object.entries(section.properties ?? {}).filter(([key]) => {
			const earlier = written.get(key);
			if (earlier) earlier.value = String(section.properties![key]);
			return !earlier;
		});
		if (entries.length === 0 && section.properties) continue;
		if (lines.length > 0) lines.push({blank: true});
		if (section.comment) lines.push({comment: section.comment});
		for (const [key, value] of entries) {
			const line = {key, value: String(value)};
			written.set(key, line);
			lines.push(line);
		}
	}
	return writeProperties(lines);
}

function brokerService(plan: Plan, broker: BrokerPlan, confText: string, templates: Templates): Document {
	const doc = fillTemplate(templates['broker-service'], {
		image: plan.options.image,
		containerName: broker.containerName,
		command: startCommand(templates, 'mqbroker', ['-c', broker.confContainerPath]),
		javaOptExt: javaOptExt(plan.options.heap.broker, plan.options.timezone),
		timezone: plan.options.timezone,
		ports: [],
		confDir: plan.layout.brokerConfDir,
		logsDir: broker.logsDir,
		storeDir: broker.storeDir,
		labels: {
			[LABEL.cluster]: plan.options.name,
			[LABEL.role]: 'broker',
			[LABEL.group]: broker.group,
			[LABEL.selfId]: broker.selfId,
			[LABEL.confDigest]: sha256(confText),
		},
	}, 'broker-service.yaml');
	replacePorts(doc, ['ports'], [broker.fastPort, broker.listenPort, broker.dledgerPort].map(p => `${p}:${p}`));
	return doc;
}

function renderBrokerCompose(plan: Plan, host: HostPlan, confs: Map<BrokerPlan, string>, templates: Templates): string {
	const doc = fillTemplate(templates['broker-compose'], {
		cluster: plan.options.name,
		host: host.spec.name,
		brokerList: host.brokers.map(b => `${b.group}/${b.selfId}`).join(', '),
		services: {},
		network: plan.options.network,
	}, 'broker-compose.yaml');
	const services = doc.get('services', true);
	if (!isMap(services)) throw new Error('broker-compose.yaml: services must be a map');
	for (const broker of host.brokers) {
		const service = brokerService(plan, broker, confs.get(broker)!, templates);
		services.set(doc.createNode(broker.containerName), service.contents);
	}
	return yamlText(doc);
}

function renderNamesrvCompose(plan: Plan, host: HostPlan, templates: Templates): string {
	const ns = host.namesrv!;
	const doc = fillTemplate(templates['namesrv-compose'], {
		cluster: plan.options.name,
		host: host.spec.name,
		serviceName: ns.containerName,
		image: plan.options.image,
		containerName: ns.containerName,
		command: startCommand(templates, 'mqnamesrv'),
		javaOptExt: javaOptExt(plan.options.heap.namesrv, plan.options.timezone),
		timezone: plan.options.timezone,
		ports: [],
		logsDir: ns.logsDir,
		labels: {[LABEL.cluster]: plan.options.name, [LABEL.role]: 'namesrv'},
		network: plan.options.network,
	}, 'namesrv-compose.yaml');
	replacePorts(doc, ['services', ns.containerName, 'ports'], [`${ns.port}:${IMAGE.namesrvPort}`]);
	return yamlText(doc);
}

function renderConsoleCompose(plan: Plan, host: HostPlan, templates: Templates): string {
	const c = host.console!;
	const doc = fillTemplate(templates['console-compose'], {
		cluster: plan.options.name,
		host: host.spec.name,
		exposure: c.public
			? `published on ALL interfaces at port ${c.port} (console.public: true) — firewall it.`
			: `published on this host's loopback only; reach it with ssh -L ${c.port}:127.0.0.1:${c.port} ${host.spec.ssh.host}`,
		serviceName: c.containerName,
		image: c.image,
		containerName: c.containerName,
		namesrvAddr: plan.namesrvAddr,
		timezone: plan.options.timezone,
		ports: [],
		labels: {[LABEL.cluster]: plan.options.name, [LABEL.role]: 'console'},
		network: plan.options.network,
	}, 'console-compose.yaml');
	replacePorts(doc, ['services', c.containerName, 'ports'], [c.public ? `${c.port}:8080` : `127.0.0.1:${c.port}:8080`]);
	return yamlText(doc);
}

/** Every file of every host, in a stable order: per host name server, broker confs, broker compose, console. */
export function renderCluster(plan: Plan, templates: Templates = loadTemplates()): RenderedFile[] {
	const files: RenderedFile[] = [];
	for (const host of plan.hosts) {
		const name = host.spec.name;
		if (host.namesrv) {
			files.push({host: name, path: `${plan.layout.namesrvDir}/docker-compose.yml`, kind: 'namesrv-compose', content: renderNamesrvCompose(plan, host, templates)});
		}
		const confs = new Map(host.brokers.map(b => [b, renderBrokerConf(plan, b, templates)] as const));
		for (const [broker, content] of confs) files.push({host: name, path: broker.confHostPath, kind: 'broker-conf', content});
		if (host.brokers.length > 0) {
			files.push({host: name, path: `${plan.layout.brokerDir}/docker-compose.yml`, kind: 'broker-compose', content: renderBrokerCompose(plan, host, confs, templates)});
		}
		if (host.console) {
			files.push({host: name, path: `${plan.layout.consoleDir}/docker-compose.yml`, kind: 'console-compose', content: renderConsoleCompose(plan, host, templates)});
		}
	}
	return files;
}


