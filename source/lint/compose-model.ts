/**
 * A compose file as the rules need it (pure): services with their command, mounts, published ports and environment,
 * each with its line (yaml's LineCounter), plus the legacy constructs of the seed's `version: "2"` files.
 */
import {posix} from 'node:path';
import {isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap} from 'yaml';
import {findingsFor, type FindingMaker, type LintSource} from './types.ts';

export interface Mount {
	/** As written: a host path, a named volume, or '' for an anonymous volume. */
	source: string;
	target: string;
	readOnly: boolean;
	/** The host directory or file of a bind mount, resolved against the compose file's folder. */
	hostPath?: string;
	line?: number;
	text: string;
}

export interface PublishedPort {
	hostIp?: string;
	/** Undefined: Docker picks a random host port. */
	hostPort?: number;
	containerPort: number;
	protocol: string;
	line?: number;
	text: string;
}

export type ServiceKind = 'broker' | 'namesrv' | 'console' | 'other';

export interface Service {
	name: string;
	line?: number;
	kind: ServiceKind;
	image?: string;
	argv: string[];
	commandLine?: number;
	/** The broker's `-c` value as written. */
	confArg?: string;
	volumes: Mount[];
	ports: PublishedPort[];
	portsLine?: number;
	env: Map<string, string>;
	restart?: string;
	networkMode?: string;
}

export interface ComposeFile {
	path: string;
	file: string;
	/** The host given for the file (its folder / rendered host); see compose-link.ts for the inferred one. */
	host?: string;
	finding: FindingMaker;
	yamlErrors: Array<{message: string; line?: number}>;
	versionLine?: number;
	/** `networks.<name>.external.name` entries (Compose file format 2). */
	legacyExternalNames: Array<{network: string; name: string; line?: number}>;
	services: Service[];
}

/** Split a command the way `sh` would for simple cases: whitespace, single and double quotes. */
export function shellWords(text: string): string[] {
	return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(m => m[1] ?? m[2] ?? m[3]!);
}

const str = (node: unknown): string | undefined =>
	isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;

function parseVolume(node: unknown, composeDir: string, lineOf: (n: unknown) => number | undefined): Mount | undefined {
	let source = '';
	let target: string | undefined;
	let readOnly = false;
	const text = str(node);
	if (text !== undefined) {
		const parts = text.split(':');
		if (parts.length === 1) target = parts[0];
		else [source = '', target] = parts;
		readOnly = (parts[2] ?? '').split(',').includes('ro');
	} else if (isMap(node)) {
		source = str(node.get('source', true)) ?? '';
		target = str(node.get('target', true));
		readOnly = node.get('read_only') === true;
	}
	if (!target) return undefined;
	const isPath = source.startsWith('/') || source.startsWith('.');
	const hostPath = isPath ? posix.normalize(source.startsWith('/') ? source : posix.join(composeDir, source)).replace(/\/$/, '') : undefined;
	return {source, target: posix.normalize(target).replace(/(.)\/$/, '$1'), readOnly, hostPath, line: lineOf(node), text: text ?? `${source}:${target}`};
}

function expandRange(text: string): number[] {
	const [from, to] = text.split('-').map(Number);
	if (to === undefined) return [from!];
	return Array.from({length: Math.max(0, to - from! + 1)}, (_, i) => from! + i);
}

function parsePort(node: unknown, lineOf: (n: unknown) => number | undefined): PublishedPort[] {
	const line = lineOf(node);
	const text = str(node);
	if (text !== undefined) {
		const [spec = '', protocol = 'tcp'] = text.split('/');
		const bracket = /^\[([^\]]+)\]:(.*)$/.exec(spec);
		const parts = bracket ? [bracket[1]!, ...bracket[2]!.split(':')] : spec.split(':');
		const containerPorts = expandRange(parts.pop()!);
		const hostPorts = parts.length > 0 ? expandRange(parts.pop()!) : [];
		const hostIp = parts.pop();
		return containerPorts.map((containerPort, i) => ({hostIp, hostPort: hostPorts[i], containerPort, protocol, line, text}));
	}
	if (!isMap(node)) return [];
	const target = Number(str(node.get('target', true)));
	const published = str(node.get('published', true));
	return [{
		hostIp: str(node.get('host_ip', true)),
		hostPort: published === undefined ? undefined : Number(published),
		containerPort: target,
		protocol: str(node.get('protocol', true)) ?? 'tcp',
		line,
		text: `${published ?? ''}:${target}`,
	}];
}

function parseEnv(node: unknown): Map<string, string> {
	const env = new Map<string, string>();
	if (isMap(node)) for (const pair of node.items) env.set(String(str(pair.key)), str(pair.value) ?? '');
	if (isSeq(node)) {
		for (const item of node.items) {
			const text = str(item) ?? '';
			const eq = text.indexOf('=');
			env.set(eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1));
		}
	}
	return env;
}

function kindOf(argv: readonly string[], image: string | undefined): ServiceKind {
	const runs = (script: string) => argv.some(a => a === script || a.endsWith(`/${script}`) || a.endsWith(`/${script}.sh`));
	if (runs('mqbroker')) return 'broker';
	if (runs('mqnamesrv')) return 'namesrv';
	return image && /rocketmq-(console|dashboard)/.test(image) ? 'console' : 'other';
}

/** The `-c` (or `--configFile`) value given to mqbroker. */
function confArgOf(argv: readonly string[]): string | undefined {
	const start = argv.findIndex(a => a === 'mqbroker' || a.endsWith('/mqbroker'));
	for (let i = start + 1; start >= 0 && i < argv.length; i++) {
		if (argv[i] === '-c' || argv[i] === '--configFile') return argv[i + 1];
		const joined = /^(?:-c|--configFile=)(.+)$/.exec(argv[i]!);
		if (joined) return joined[1];
	}
	return undefined;
}

function parseService(pair: Pair, composeDir: string, lineOf: (n: unknown) => number | undefined): Service {
	const body = isMap(pair.value) ? (pair.value as YAMLMap) : undefined;
	const get = (key: string) => body?.get(key, true) as Node | undefined;
	const keyLine = (key: string) => lineOf(body?.items.find(p => str(p.key) === key)?.key);
	const command = get('command');
	const rawArgv = isSeq(command) ? command.items.map(i => str(i) ?? '') : shellWords(str(command) ?? '');
	const argv = rawArgv.flatMap(a => (/\s/.test(a) ? shellWords(a) : [a]));
	const image = str(get('image'));
	const items = (key: string): unknown[] => {
		const node = get(key);
		return isSeq(node) ? node.items : [];
	};
	return {
		name: String(str(pair.key)),
		line: lineOf(pair.key),
		kind: kindOf(argv, image),
		image,
		argv,
		commandLine: keyLine('command'),
		confArg: confArgOf(argv),
		volumes: items('volumes').map(v => parseVolume(v, composeDir, lineOf)).filter((m): m is Mount => m !== undefined),
		ports: items('ports').flatMap(p => parsePort(p, lineOf)),
		portsLine: keyLine('ports'),
		env: parseEnv(get('environment')),
		restart: str(get('restart')),
		networkMode: str(get('network_mode')),
	};
}

export function readCompose(source: LintSource): ComposeFile {
	const lineCounter = new LineCounter();
	const doc = parseDocument(source.text, {lineCounter});
	const lineOf = (node: unknown): number | undefined => {
		const range = (node as {range?: [number, number, number]} | undefined)?.range;
		return range ? lineCounter.linePos(range[0]).line : undefined;
	};
	const file = source.label ?? source.path;
	const compose: ComposeFile = {
		path: source.path,
		file,
		host: source.host,
		finding: findingsFor(file, source.host),
		yamlErrors: doc.errors.map(e => ({message: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''), ...(e.linePos ? {line: e.linePos[0].line} : {})})),
		legacyExternalNames: [],
		services: [],
	};
	if (doc.errors.length > 0 || !isMap(doc.contents)) return compose; // a broken file: report the YAML errors only
	const top = doc.contents;
	const versionPair = top.items.find(p => str(p.key) === 'version');
	if (versionPair) compose.versionLine = lineOf(versionPair.key);
	const networks = top.get('networks', true);
	for (const pair of isMap(networks) ? networks.items : []) {
		const external = isMap(pair.value) ? pair.value.get('external', true) : undefined;
		if (isMap(external) && external.has('name')) {
			const line = lineOf(external.items.find(p => str(p.key) === 'name')?.key);
			compose.legacyExternalNames.push({network: String(str(pair.key)), name: String(str(external.get('name', true))), line});
		}
	}
	const services = top.get('services', true);
	const composeDir = posix.dirname(source.path);
	for (const pair of isMap(services) ? services.items : []) if (isPair(pair)) compose.services.push(parseService(pair, composeDir, lineOf));
	return compose;
}
