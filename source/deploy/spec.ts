/**
 * What must run on a host, read back from the compose files the renderer wrote (pure).
 *
 * The compose files are the single description of every container: deploying through the Docker API creates
 * exactly what `docker-compose up` of the same file would (names, command, environment, ports, mounts, init,
 * restart policy, stop timeout, labels, network), so a cluster deployed by rmq-tui and one brought up by hand from
 * the export are the same cluster. Only the subset of Compose the templates use is understood; anything else is
 * refused loudly rather than silently dropped.
 */
import {parse} from 'yaml';
import {LABEL, type RenderedFile} from '../render/render.ts';

export type ContainerRole = 'namesrv' | 'broker' | 'console';

export interface PortBinding {
	hostPort: number;
	containerPort: number;
	/** Absent: every interface. */
	hostIp?: string;
}

export interface Mount {
	source: string;
	target: string;
	readOnly: boolean;
}

export interface ContainerSpec {
	host: string;
	name: string;
	role: ContainerRole;
	/** Broker only. */
	group?: string;
	selfId?: string;
	image: string;
	command: string[];
	/** Sorted by key. */
	env: Array<[string, string]>;
	ports: PortBinding[];
	mounts: Mount[];
	init: boolean;
	restart: string;
	stopTimeoutSeconds?: number;
	labels: Record<string, string>;
	network: string;
	/** The compose file this container comes from (project = its directory's name). */
	composeFile: string;
	service: string;
}

export class SpecError extends Error {
	constructor(file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'SpecError';
	}
}

const KNOWN_KEYS = new Set([
	'image', 'container_name', 'command', 'init', 'stop_grace_period', 'restart', 'environment', 'ports', 'volumes', 'labels',
]);

/** Compose interpolation: `$$` is a literal `$`. The templates use no variables, so any other `$` is refused. */
function unescapeDollars(text: string, file: string): string {
	return text.replace(/\$(\$|\{?[A-Za-z_])/g, (match, next: string) => {
		if (next === '$') return '$';
		throw new SpecError(file, `uses the Compose variable ${match}…: rmq-tui files never do`);
	});
}

/** `60s`, `1m30s`, `500ms` → whole seconds (rounded up, as Docker's StopTimeout is in seconds). */
export function durationSeconds(text: string, file: string): number {
	const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
	if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) {
		throw new SpecError(file, `stop_grace_period "${text}" is not a duration like 30s or 1m30s`);
	}
	const unit = {ms: 0.001, s: 1, m: 60, h: 3600} as const;
	return Math.ceil(parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0));
}

export function parsePort(text: string, file: string): PortBinding {
	const parts = text.split(':');
	const numbers = parts.slice(-2).map(p => (/^\d+$/.test(p) ? Number(p) : NaN));
	const valid = numbers.every(n => n > 0 && n < 65536);
	if (parts.length < 2 || parts.length > 3 || !valid) {
		throw new SpecError(file, `port "${text}" is not HOST:CONTAINER or IP:HOST:CONTAINER`);
	}
	const [hostPort, containerPort] = numbers as [number, number];
	return parts.length === 3 ? {hostIp: parts[0]!, hostPort, containerPort} : {hostPort, containerPort};
}

export function parseMount(text: string, file: string): Mount {
	const [source, target, mode, ...rest] = text.split(':');
	if (!source?.startsWith('/') || !target?.startsWith('/') || rest.length > 0 || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
		throw new SpecError(file, `volume "${text}" is not /host/path:/container/path[:ro]`);
	}
	return {source, target, readOnly: mode === 'ro'};
}

const stringMap = (value: unknown, what: string, file: string): Record<string, string> => {
	if (value === undefined) return {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SpecError(file, `${what} must be a map`);
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeDollars(String(v), file)]));
};

const stringList = (value: unknown, what: string, file: string): string[] => {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw new SpecError(file, `${what} must be a list`);
	return value.map(v => unescapeDollars(String(v), file));
};

const roleOf = (labels: Record<string, string>, file: string): ContainerRole => {
	const role = labels[LABEL.role];
	if (role === 'namesrv' || role === 'broker' || role === 'console') return role;
	throw new SpecError(file, `service has no ${LABEL.role} label: not a file rmq-tui wrote`);
};

/** Every container of one rendered compose file. */
export function specsFromCompose(file: RenderedFile): ContainerSpec[] {
	const where = `${file.host}:${file.path}`;
	const doc = parse(file.content) as {services?: Record<string, Record<string, unknown>>; networks?: {default?: {name?: string}}};
	const network = doc.networks?.default?.name;
	if (!network) throw new SpecError(where, 'has no networks.default.name');
	return Object.entries(doc.services ?? {}).map(([service, body]) => {
		const unknown = Object.keys(body).filter(k => !KNOWN_KEYS.has(k));
		if (unknown.length > 0) throw new SpecError(where, `service ${service} uses ${unknown.join(', ')}, which rmq-tui cannot deploy`);
		const labels = stringMap(body.labels, 'labels', where);
		const role = roleOf(labels, where);
		const env = Object.entries(stringMap(body.environment, 'environment', where)).sort(([a], [b]) => a.localeCompare(b));
		const spec: ContainerSpec = {
			host: file.host,
			name: String(body.container_name ?? service),
			role,
			image: String(body.image),
			command: stringList(body.command, 'command', where),
			env,
			ports: stringList(body.ports, 'ports', where).map(p => parsePort(p, where)),
			mounts: stringList(body.volumes, 'volumes', where).map(v => parseMount(v, where)),
			init: body.init === true,
			restart: String(body.restart ?? 'no'),
			labels,
			network,
			composeFile: file.path,
			service,
		};
		if (body.stop_grace_period !== undefined) spec.stopTimeoutSeconds = durationSeconds(String(body.stop_grace_period), where);
		if (role === 'broker') {
			spec.group = labels[LABEL.group];
			spec.selfId = labels[LABEL.selfId];
		}
		return spec;
	});
}

const ROLE_ORDER: Record<ContainerRole, number> = {namesrv: 0, broker: 1, console: 2};

/** Every container of every host, name servers first, then brokers, then the console (the start order). */
export function containerSpecs(files: readonly RenderedFile[]): ContainerSpec[] {
	return files
		.filter(f => f.kind.endsWith('-compose'))
		.flatMap(specsFromCompose)
		.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}
