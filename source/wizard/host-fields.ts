/**
 * One host as the wizard edits it (pure): text fields, the identity mode, and the mapping to and from the
 * cluster file's HostSpec. Validation is the inventory parser's, per field, plus what only a form can say
 * (user name shape, ProxyJump hops, a key file that is not there).
 */
import {describeAddressProblem, isIPv4} from '../inventory/address.ts';
import {Collector, parseHost, parseSshShorthand, type SshDefaults, type SshResolver} from '../inventory/parse.ts';
import type {HostSpec, SshAuth} from '../inventory/schema.ts';

/** `key`: a key file (typed, or ~/.ssh/config's IdentityFile, or ssh's default keys); `agent`; `ask` at connect time. */
export type AuthMode = 'key' | SshAuth;
export const AUTH_MODES: readonly AuthMode[] = ['key', 'agent', 'ask'];
export const AUTH_LABELS: Record<AuthMode, string> = {key: 'key file', agent: 'ssh-agent', ask: 'ask at connect time'};

export interface HostFields {
	/** IP, DNS name or ~/.ssh/config Host alias. */
	address: string;
	/** '' = derived from the address. */
	name: string;
	/** IPv4 the brokers advertise; '' = the address, or the alias's HostName. */
	ip: string;
	/** '' = ~/.ssh/config's, else ssh's default. */
	user: string;
	port: string;
	auth: AuthMode;
	/** Key file path (key and ask modes); '' = ~/.ssh/config's IdentityFile, else ssh's default keys. */
	identity: string;
	proxyJump: string;
	/** Carried over unchanged from an opened cluster file; the wizard does not show it. */
	cpus?: number;
}
export type HostFieldKey = Exclude<keyof HostFields, 'cpus'>;

export interface HostFieldInfo {
	key: HostFieldKey;
	label: string;
	help: string;
}

export const HOST_FIELDS: readonly HostFieldInfo[] = [
	{key: 'address', label: 'Address', help: 'IP, DNS name or ~/.ssh/config Host alias to connect to'},
	{key: 'name', label: 'Name', help: 'names the host\'s folder and its replicas in placement; empty = from the address'},
	{key: 'ip', label: 'Broker IP', help: 'IPv4 the brokers advertise and peers dial; empty = the address (or its HostName)'},
	{key: 'user', label: 'SSH user', help: 'empty = User from ~/.ssh/config, else your login name'},
	{key: 'port', label: 'SSH port', help: '1–65535; empty = Port from ~/.ssh/config, else 22'},
	{key: 'auth', label: 'Identity', help: '←→/Space: a key file, the running ssh-agent, or ask for the password/passphrase at connect time (never stored)'},
	{key: 'identity', label: 'Key file', help: 'private key path; empty = IdentityFile from ~/.ssh/config, else ssh\'s default keys'},
	{key: 'proxyJump', label: 'ProxyJump', help: 'jump host(s) as user@host:port, comma separated; empty = none (or ~/.ssh/config\'s)'},
];

/** What the wizard's checks need from outside: ~/.ssh/config defaults, and whether a key file exists. */
export interface WizardEnv {
	resolveSsh?: SshResolver | undefined;
	/** `~/`-relative or absolute path as typed → exists? Without one, key files are not checked. */
	fileExists?: ((path: string) => boolean) | undefined;
}

export const emptyHost = (address = ''): HostFields => ({address, name: '', ip: '', user: '', port: '', auth: 'key', identity: '', proxyJump: ''});

/** A typed `user@host:port` (IPv6 bracketed) entry as fields. */
export function hostFromShorthand(text: string): HostFields {
	const t = parseSshShorthand(text);
	return {...emptyHost(t.host), user: t.user ?? '', port: t.port !== undefined ? String(t.port) : ''};
}

/** The hosts[] entry of a cluster file the fields describe (as parseHost reads it). */
export function hostEntry(h: HostFields): Record<string, unknown> {
	const port = /^\d+$/.test(h.port) ? Number(h.port) : h.port;
	const ssh = {
		host: h.address,
		...(h.user !== '' ? {user: h.user} : {}),
		...(h.port !== '' ? {port} : {}),
		...(h.auth !== 'agent' && h.identity !== '' ? {identity: h.identity} : {}),
		...(h.auth !== 'key' ? {auth: h.auth} : {}),
		...(h.proxyJump !== '' ? {proxyJump: h.proxyJump} : {}),
	};
	return {ssh, ...(h.name !== '' ? {name: h.name} : {}), ...(h.ip !== '' ? {ip: h.ip} : {}), ...(h.cpus !== undefined ? {cpus: h.cpus} : {})};
}

export function toHostSpec(h: HostFields, path: string, c: Collector, env: WizardEnv = {}): HostSpec | undefined {
	return parseHost(hostEntry(h), path, c, env.resolveSsh);
}

const sameSpec = (a: HostSpec | undefined, b: HostSpec): boolean => a !== undefined && JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (v: unknown): unknown =>
	v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v;

/**
 * The fields of a saved host: every value given, then each one left empty where empty gives the same host
 * (it came from the address or ~/.ssh/config), so a reopened cluster shows what was typed.
 */
export function hostFromSpec(spec: HostSpec, env: WizardEnv = {}): HostFields {
	let h: HostFields = {
		address: spec.ssh.host,
		name: spec.name,
		ip: spec.ip,
		user: spec.ssh.user ?? '',
		port: spec.ssh.port !== undefined ? String(spec.ssh.port) : '',
		auth: spec.ssh.auth ?? 'key',
		identity: spec.ssh.identity ?? '',
		proxyJump: spec.ssh.proxyJump ?? '',
		...(spec.cpus !== undefined ? {cpus: spec.cpus} : {}),
	};
	for (const key of ['ip', 'name', 'user', 'port', 'identity', 'proxyJump'] as const) {
		const blank = {...h, [key]: ''};
		if (h[key] !== '' && sameSpec(toHostSpec(blank, 'host', new Collector(), env), spec)) h = blank;
	}
	return h;
}

/** ~/.ssh/config defaults for an address (nothing for an empty or malformed one). */
export function sshDefaults(address: string, env: WizardEnv = {}): SshDefaults {
	if (!env.resolveSsh || address.trim() === '' || describeAddressProblem(address) !== undefined) return {};
	return env.resolveSsh(address);
}

/** What the table shows for a host: effective values (typed, else ~/.ssh/config's, else ssh's defaults). */
export interface HostRow {
	name: string;
	address: string;
	user: string;
	port: string;
	identity: string;
}

export function hostRow(h: HostFields, env: WizardEnv = {}): HostRow {
	const spec = toHostSpec(h, 'host', new Collector(), env);
	const d = sshDefaults(h.address, env);
	const identity = h.identity || (h.auth !== 'agent' ? d.identity ?? '' : '');
	return {
		name: spec?.name ?? (h.name || h.address),
		address: h.address,
		user: h.user || d.user || '-',
		port: h.port || (d.port !== undefined ? String(d.port) : '22'),
		identity: h.auth === 'agent' ? 'ssh-agent' : h.auth === 'ask' ? (identity ? `ask: ${identity}` : 'ask password') : identity || 'default keys',
	};
}

export type HostFieldProblems = Partial<Record<HostFieldKey, string>>;

const FIELD_OF_PATH: ReadonlyArray<[RegExp, HostFieldKey]> = [
	[/\.ssh(\.host)?$/, 'address'],
	[/\.name$/, 'name'],
	[/\.ip$/, 'ip'],
	[/\.ssh\.user$/, 'user'],
	[/\.ssh\.port$/, 'port'],
	[/\.ssh\.auth$/, 'auth'],
	[/\.ssh\.identity$/, 'identity'],
	[/\.ssh\.proxyJump$/, 'proxyJump'],
];
const USER_SHAPE = /^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/;

/** Problems of one host on its own, per field (first problem per field). */
function ownProblems(h: HostFields, env: WizardEnv): {spec: HostSpec | undefined; problems: HostFieldProblems} {
	const problems: HostFieldProblems = {};
	const put = (key: HostFieldKey, message: string) => {
		if (problems[key] === undefined) problems[key] = message;
	};
	if (h.address.trim() === '') {
		put('address', 'the address is empty');
		return {spec: undefined, problems};
	}
	const c = new Collector();
	const spec = toHostSpec(h, 'host', c, env);
	for (const e of c.errors) {
		const key = FIELD_OF_PATH.find(([re]) => re.test(e.path))?.[1] ?? 'address';
		put(key, e.message);
	}
	if (h.user !== '' && h.user.trim() === h.user && !USER_SHAPE.test(h.user)) put('user', `"${h.user}" is not a user name (letters, digits, ".", "_" and "-")`);
	for (const hop of h.proxyJump.split(',')) {
		if (h.proxyJump === '') break;
		const target = parseSshShorthand(hop);
		const bad = hop === '' ? 'an empty hop' : describeAddressProblem(target.host);
		if (bad) {
			put('proxyJump', `"${hop}" is not a jump host (${bad}); write user@host:port, comma separated`);
			break;
		}
	}
	if (h.auth !== 'agent' && h.identity !== '' && h.identity.trim() === h.identity && env.fileExists && !env.fileExists(h.identity)) {
		put('identity', `key file "${h.identity}" does not exist`);
	}
	return {spec, problems};
}

/** What must differ between two hosts: the name (their folder), the IP brokers advertise, the SSH address:port. */
const DUPLICATE_KEYS: ReadonlyArray<{what: string; of: (h: HostSpec) => string; shown: (h: HostSpec) => string}> = [
	{what: 'name', of: h => h.name, shown: h => h.name},
	{what: 'ip', of: h => h.ip, shown: h => h.ip},
	{what: 'address', of: h => `${h.ssh.host.toLowerCase()}:${h.ssh.port ?? 22}`, shown: h => h.ssh.host},
];

/**
 * Problems per host and field: each host's own, then duplicates: a host repeating one above it; `subject` (the
 * host in the edit form) is checked against every other host, above or below.
 */
export function hostFieldProblems(hosts: readonly HostFields[], env: WizardEnv = {}, subject?: number): HostFieldProblems[] {
	const own = hosts.map(h => ownProblems(h, env));
	const out = own.map(o => ({...o.problems}));
	own.forEach(({spec}, i) => {
		if (!spec) return;
		const h = hosts[i]!;
		for (const {what, of, shown} of DUPLICATE_KEYS) {
			const j = own.findIndex((o, k) => k !== i && (k < i || i === subject) && o.spec !== undefined && of(o.spec) === of(spec));
			if (j < 0) continue;
			const key: HostFieldKey = what === 'name' && h.name !== '' ? 'name' : what === 'ip' && h.ip !== '' ? 'ip' : 'address';
			out[i]![key] ??= `duplicates host ${j + 1} (${what} ${shown(spec)})`;
		}
	});
	return out;
}

/** The first problem of a host, in field order (for its table row). */
export function firstProblem(p: HostFieldProblems): string | undefined {
	for (const f of HOST_FIELDS) if (p[f.key] !== undefined) return p[f.key];
	return undefined;
}

/** Greyed text for an empty field: what it will be, and where that comes from. */
export function placeholder(h: HostFields, key: HostFieldKey, env: WizardEnv = {}): string {
	const d = sshDefaults(h.address, env);
	const fromConfig = (v: string | number | undefined, otherwise: string) => (v !== undefined ? `${v} (from ~/.ssh/config)` : otherwise);
	switch (key) {
		case 'name': {
			const spec = toHostSpec(h, 'host', new Collector(), env);
			return spec ? `${spec.name} (from the address)` : '(from the address)';
		}
		case 'ip':
			if (isIPv4(h.address)) return `${h.address} (the address)`;
			return d.hostName !== undefined && isIPv4(d.hostName) ? `${d.hostName} (HostName from ~/.ssh/config)` : '(required: the address is not an IPv4)';
		case 'user':
			return fromConfig(d.user, '(your login name)');
		case 'port':
			return fromConfig(d.port, '22');
		case 'identity':
			return h.auth === 'agent' ? '(not used with ssh-agent)' : fromConfig(d.identity, '(ssh\'s default keys)');
		case 'proxyJump':
			return fromConfig(d.proxyJump, '(none)');
		default:
			return '';
	}
}

/** Does ~/.ssh/config say anything about this address? */
export function hasSshDefaults(h: HostFields, env: WizardEnv = {}): boolean {
	const d = sshDefaults(h.address, env);
	return d.user !== undefined || d.port !== undefined || d.identity !== undefined || d.proxyJump !== undefined || d.hostName !== undefined;
}
