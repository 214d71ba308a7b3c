/**
 * Cluster file parsing and validation (pure). Accepts YAML or JSON text.
 * Every problem is reported with its path and a fix; nothing throws for bad input.
 */
import {isMap, isScalar, parseDocument, Scalar} from 'yaml';
import {describeAddressProblem, isIPv4} from './address.ts';
import {Collector, isObject, type Raw} from './collector.ts';
import type {Result} from './errors.ts';
import {
	CLUSTER_FILE_VERSION,
	DEFAULT_OPTIONS,
	SSH_AUTH_MODES,
	withDefaults,
	type ClusterFile,
	type ClusterOptions,
	type HostSpec,
	type Placement,
	type SshAuth,
	type SshTarget,
} from './schema.ts';

/** What `~/.ssh/config` says about an alias (see ssh-config.ts). */
export interface SshDefaults {
	hostName?: string;
	user?: string;
	port?: number;
	identity?: string;
	proxyJump?: string;
}

export type SshResolver = (alias: string) => SshDefaults;


const TOP_KEYS = new Set([
	'version', 'name', 'hosts', 'groups', 'replicas', 'groupPrefix', 'image', 'baseDir', 'network', 'timezone',
	'heap', 'ports', 'namesrvHosts', 'console', 'brokerProperties', 'placement',
]);
const HOST_KEYS = new Set(['name', 'ssh', 'ip', 'cpus']);
const SSH_KEYS = new Set(['host', 'user', 'port', 'identity', 'auth', 'proxyJump']);
const NAME_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEAP_SHAPE = /^[1-9]\d*[mMgG]$/;

/** `user@host:port` → parts. A bare IPv6 must be bracketed to carry a port. */
export function parseSshShorthand(text: string): SshTarget {
	let rest = text;
	let user: string | undefined;
	const at = rest.lastIndexOf('@');
	if (at > 0) {
		user = rest.slice(0, at);
		rest = rest.slice(at + 1);
	}
	let port: number | undefined;
	const bracket = /^\[(.+)\](?::(\d+))?$/.exec(rest);
	if (bracket) {
		rest = bracket[1]!;
		if (bracket[2]) port = Number(bracket[2]);
	} else {
		const m = /^([^:]+):(\d+)$/.exec(rest);
		if (m) {
			rest = m[1]!;
			port = Number(m[2]);
		}
	}
	return {host: rest, ...(user ? {user} : {}), ...(port !== undefined ? {port} : {})};
}

function parseSsh(raw: unknown, path: string, c: Collector): SshTarget | undefined {
	if (typeof raw === 'string') {
		const target = parseSshShorthand(raw.trim());
		if (raw.trim() !== raw) c.add(path, `"${raw}" has leading or trailing spaces`, 'remove the spaces');
		return target;
	}
	if (!isObject(raw)) {
		c.add(path, 'must be an address ("root@192.168.1.71:22") or an object {host, user, port, identity, auth, proxyJump}', 'write ssh: 192.168.1.71');
		return undefined;
	}
	c.unknownKeys(raw, SSH_KEYS, path);
	const host = c.str(raw.host, `${path}.host`, '');
	if (!host) {
		c.add(`${path}.host`, 'is missing', 'set the address or ~/.ssh/config alias to connect to');
		return undefined;
	}
	const target: SshTarget = {host};
	if (raw.user !== undefined) target.user = c.str(raw.user, `${path}.user`, 'root');
	if (raw.port !== undefined) target.port = c.int(raw.port, `${path}.port`, 1, 65535, 22);
	if (raw.identity !== undefined) target.identity = c.str(raw.identity, `${path}.identity`, '');
	if (raw.auth !== undefined) {
		if (SSH_AUTH_MODES.includes(raw.auth as SshAuth)) target.auth = raw.auth as SshAuth;
		else c.add(`${path}.auth`, `must be "agent" or "ask", got ${JSON.stringify(raw.auth)}`, 'write auth: agent (the running ssh-agent) or auth: ask (prompt at connect time), or remove it to use identity');
	}
	if (target.auth === 'agent' && target.identity !== undefined) {
		c.add(`${path}.identity`, 'is not used with auth: agent', 'remove identity to use the agent, or remove auth to use the key file');
	}
	if (raw.proxyJump !== undefined) target.proxyJump = c.str(raw.proxyJump, `${path}.proxyJump`, '');
	return target;
}

/** One `hosts[]` entry: a bare address, or an object. */
export function parseHost(raw: unknown, path: string, c: Collector, resolveSsh?: SshResolver): HostSpec | undefined {
	const entry: Raw = typeof raw === 'string' ? {ssh: raw} : isObject(raw) ? raw : {};
	if (!isObject(raw) && typeof raw !== 'string') {
		c.add(path, `must be an address or an object {name, ssh, ip}, got ${JSON.stringify(raw)}`, 'write - 192.168.1.71');
		return undefined;
	}
	c.unknownKeys(entry, HOST_KEYS, path);
	if (entry.ssh === undefined && typeof entry.ip === 'string') entry.ssh = entry.ip;
	if (entry.ssh === undefined) {
		c.add(`${path}.ssh`, 'is missing', 'set ssh to the address (or ~/.ssh/config alias) to connect to');
		return undefined;
	}
	const ssh = parseSsh(entry.ssh, `${path}.ssh`, c);
	if (!ssh) return undefined;
	const sshProblem = describeAddressProblem(ssh.host);
	if (sshProblem) {
		c.add(`${path}.ssh`, sshProblem, 'use an IP, a DNS name or a ~/.ssh/config Host alias');
		return undefined;
	}
	const defaults = resolveSsh?.(ssh.host) ?? {};
	const resolved: SshTarget = {
		...ssh,
		...(ssh.user === undefined && defaults.user ? {user: defaults.user} : {}),
		...(ssh.port === undefined && defaults.port ? {port: defaults.port} : {}),
		...(ssh.identity === undefined && ssh.auth !== 'agent' && defaults.identity ? {identity: defaults.identity} : {}),
		...(ssh.proxyJump === undefined && defaults.proxyJump ? {proxyJump: defaults.proxyJump} : {}),
	};
	let ip: string;
	if (entry.ip !== undefined) {
		ip = c.str(entry.ip, `${path}.ip`, '');
	} else if (isIPv4(ssh.host)) {
		ip = ssh.host;
	} else if (defaults.hostName && isIPv4(defaults.hostName)) {
		ip = defaults.hostName;
	} else {
		c.add(
			`${path}.ip`,
			`is required because ssh target "${ssh.host}" is not an IPv4 address`,
			'add ip: <the IPv4 the brokers on this host advertise and peers dial>',
		);
		return undefined;
	}
	if (ip && !isIPv4(ip)) {
		c.add(
			`${path}.ip`,
			`"${ip}" is not an IPv4 address; brokers advertise it and DLedger peers dial it (a host name with "-" breaks the peer parser)`,
			'use the host\'s IPv4 address on the network the other hosts reach',
		);
	}
	// Default name: the ssh target, unless it cannot name a folder (an IPv6 address): then the host's IPv4.
	const name = entry.name === undefined ? (NAME_SHAPE.test(ssh.host) ? ssh.host : ip) : c.str(entry.name, `${path}.name`, ssh.host);
	if (!NAME_SHAPE.test(name)) {
		c.add(`${path}.name`, `"${name}" cannot be used as a folder name`, 'use letters, digits, ".", "_" and "-" only');
	}
	const host: HostSpec = {name, ssh: resolved, ip};
	if (entry.cpus !== undefined) host.cpus = c.int(entry.cpus, `${path}.cpus`, 1, 1024, 1);
	return host;
}

function parsePlacement(raw: unknown, c: Collector): Placement {
	if (raw === undefined || raw === null) return {};
	if (!isObject(raw)) {
		c.add('placement', 'must map group names to {selfId: {host, storeDir}}', 'remove placement to let rmq-tui compute it');
		return {};
	}
	const placement: Placement = {};
	for (const [group, replicas] of Object.entries(raw)) {
		if (!isObject(replicas)) {
			c.add(`placement.${group}`, 'must map selfIds (n0, n1, …) to {host, storeDir}', 'fix or remove this group');
			continue;
		}
		placement[group] = {};
		for (const [selfId, pin] of Object.entries(replicas)) {
			const p = `placement.${group}.${selfId}`;
			if (!isObject(pin) || typeof pin.host !== 'string' || typeof pin.storeDir !== 'string' || !pin.storeDir.startsWith('/')) {
				c.add(p, 'must be {host: <host name>, storeDir: <absolute path>}', 'fix or remove this replica');
				continue;
			}
			placement[group]![selfId] = {host: pin.host, storeDir: pin.storeDir};
		}
	}
	return placement;
}

/** Validate the option part of a raw object (shared by cluster files and flags). */
export function parseOptions(raw: Raw, c: Collector): ClusterOptions {
	const d = DEFAULT_OPTIONS;
	const heap = isObject(raw.heap) ? raw.heap : {};
	const ports = isObject(raw.ports) ? raw.ports : {};
	const consoleRaw = raw.console === false ? {enabled: false} : isObject(raw.console) ? raw.console : {};
	for (const [key, value] of [['heap', raw.heap], ['ports', raw.ports]] as const) {
		if (value !== undefined && !isObject(value)) c.add(key, 'must be an object', `see the ${key} section in the README`);
	}
	if (raw.console !== undefined && typeof raw.console !== 'boolean' && !isObject(raw.console)) {
		c.add('console', 'must be an object (or false to run no console)', 'write console: {enabled: true} or console: false');
	}
	if (isObject(raw.heap)) c.unknownKeys(raw.heap, new Set(['broker', 'namesrv']), 'heap');
	if (isObject(raw.ports)) c.unknownKeys(raw.ports, new Set(['namesrv', 'listen', 'dledger', 'groupStride']), 'ports');
	if (isObject(raw.console)) c.unknownKeys(raw.console, new Set(['enabled', 'host', 'image', 'port', 'public']), 'console');
	const brokerProperties: Record<string, string> = {};
	if (raw.brokerProperties !== undefined) {
		if (!isObject(raw.brokerProperties)) {
			c.add('brokerProperties', 'must map broker.conf keys to values', 'write brokerProperties: {maxMessageSize: "4194304"}');
		} else {
			for (const [k, v] of Object.entries(raw.brokerProperties)) {
				if (typeof v === 'object' || v === undefined) {
					c.add(`brokerProperties.${k}`, 'must be a plain value', 'write a string, number or boolean');
				} else {
					brokerProperties[k] = String(v);
				}
			}
		}
	}
	let namesrvHosts: string[] | undefined;
	if (raw.namesrvHosts !== undefined) {
		if (!Array.isArray(raw.namesrvHosts) || raw.namesrvHosts.some(h => typeof h !== 'string') || raw.namesrvHosts.length === 0) {
			c.add('namesrvHosts', 'must be a non-empty list of host names', 'remove it to run a name server on every host');
		} else {
			namesrvHosts = raw.namesrvHosts as string[];
		}
	}
	const options: ClusterOptions = withDefaults({
		name: c.str(raw.name, 'name', d.name, /^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-"'),
		groups: c.int(raw.groups, 'groups', 1, 100, d.groups),
		replicas: c.int(raw.replicas, 'replicas', 1, 9, d.replicas),
		groupPrefix: c.str(raw.groupPrefix, 'groupPrefix', d.groupPrefix, /^[A-Za-z][A-Za-z0-9_]*$/, 'use letters, digits and "_" (no "-")'),
		image: c.str(raw.image, 'image', d.image, /^[a-z0-9][\w./:@-]*$/i, 'an image reference like apacherocketmq/rocketmq:4.7.1-alpine'),
		baseDir: c.str(raw.baseDir, 'baseDir', d.baseDir, /^\/[\w./-]*[^/]$/, 'an absolute path without spaces or trailing slash'),
		network: c.str(raw.network, 'network', d.network, /^[A-Za-z0-9][\w.-]*$/, 'a Docker network name'),
		timezone: c.str(raw.timezone, 'timezone', d.timezone, /^[A-Za-z0-9_+\/-]+$/, 'an IANA zone such as Asia/Shanghai or UTC'),
		heap: {
			broker: c.str(heap.broker, 'heap.broker', d.heap.broker, HEAP_SHAPE, 'a size such as 1g or 768m'),
			namesrv: c.str(heap.namesrv, 'heap.namesrv', d.heap.namesrv, HEAP_SHAPE, 'a size such as 512m'),
		},
		ports: {
			namesrv: c.int(ports.namesrv, 'ports.namesrv', 1, 65535, d.ports.namesrv),
			listen: c.int(ports.listen, 'ports.listen', 3, 65535, d.ports.listen),
			dledger: c.int(ports.dledger, 'ports.dledger', 1, 65535, d.ports.dledger),
			groupStride: c.int(ports.groupStride, 'ports.groupStride', 3, 1000, d.ports.groupStride),
		},
		...(namesrvHosts ? {namesrvHosts} : {}),
		console: {
			enabled: c.bool(consoleRaw.enabled, 'console.enabled', d.console.enabled),
			...(consoleRaw.host !== undefined ? {host: c.str(consoleRaw.host, 'console.host', '')} : {}),
			image: c.str(consoleRaw.image, 'console.image', d.console.image),
			port: c.int(consoleRaw.port, 'console.port', 1, 65535, d.console.port),
			public: c.bool(consoleRaw.public, 'console.public', d.console.public),
		},
		brokerProperties,
	});
	return options;
}

export function parseHosts(raw: unknown, c: Collector, resolveSsh?: SshResolver): HostSpec[] {
	if (!Array.isArray(raw) || raw.length === 0) {
		c.add('hosts', 'must be a non-empty list', 'list at least three hosts, e.g. hosts: [192.168.1.71, 192.168.1.76, 192.168.1.77]');
		return [];
	}
	const hosts = raw.map((h, i) => parseHost(h, `hosts[${i}]`, c, resolveSsh)).filter((h): h is HostSpec => h !== undefined);
	checkHostDuplicates(hosts, c);
	return hosts;
}

export function checkHostDuplicates(hosts: HostSpec[], c: Collector): void {
	const seen = new Map<string, number>();
	hosts.forEach((h, i) => {
		for (const [what, key] of [['name', `name:${h.name}`], ['ip', `ip:${h.ip}`]] as const) {
			const first = seen.get(key);
			if (first !== undefined) {
				c.add(`hosts[${i}].${what}`, `duplicates hosts[${first}] (${what} ${what === 'ip' ? h.ip : h.name})`, 'list every host once');
			} else {
				seen.set(key, i);
			}
		}
	});
}

export function parseClusterObject(raw: unknown, resolveSsh?: SshResolver): Result<ClusterFile> {
	const c = new Collector();
	if (!isObject(raw)) {
		return {ok: false, errors: [{path: '(file)', message: 'is not a mapping of keys to values', fix: 'start from `rmq-tui --export DIR --hosts …`, which writes a valid cluster.yaml'}]};
	}
	if (raw.version === undefined) {
		c.add('version', 'is missing', `add version: ${CLUSTER_FILE_VERSION} as the first line`);
	} else if (raw.version !== CLUSTER_FILE_VERSION) {
		c.add('version', `${JSON.stringify(raw.version)} is not supported by this rmq-tui`, `use version: ${CLUSTER_FILE_VERSION} (or upgrade rmq-tui)`);
	}
	c.unknownKeys(raw, TOP_KEYS, '');
	const options = parseOptions(raw, c);
	const hosts = parseHosts(raw.hosts, c, resolveSsh);
	const placement = parsePlacement(raw.placement, c);
	if (c.errors.length > 0) return {ok: false, errors: c.errors};
	return {ok: true, value: {version: CLUSTER_FILE_VERSION, ...options, hosts, placement}};
}

/** Parse cluster file text (YAML; JSON is YAML too). */
export function parseClusterText(text: string, resolveSsh?: SshResolver): Result<ClusterFile> {
	const doc = parseDocument(text, {uniqueKeys: true, prettyErrors: true});
	if (doc.errors.length > 0) {
		return {
			ok: false,
			errors: doc.errors.map(e => ({
				path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
				message: e.message.split('\n')[0] ?? e.message,
				fix: 'fix the YAML syntax at that position',
			})),
		};
	}
	const raw = doc.toJS() as unknown;
	keepPropertyText(doc, raw);
	return parseClusterObject(raw, resolveSsh);
}

/**
 * broker.conf values are text: `deleteWhen: 04` must stay "04", not become the number 4. Plain scalars under
 * brokerProperties keep the characters the user wrote.
 */
function keepPropertyText(doc: ReturnType<typeof parseDocument>, raw: unknown): void {
	const node = doc.get('brokerProperties', true);
	if (!isMap(node) || !isObject(raw) || !isObject(raw.brokerProperties)) return;
	for (const pair of node.items) {
		if (isScalar(pair.key) && isScalar(pair.value) && pair.value.type === Scalar.PLAIN && typeof pair.value.source === 'string') {
			raw.brokerProperties[String(pair.key.value)] = pair.value.source;
		}
	}
}

export {Collector, closest, editDistance} from './collector.ts';
