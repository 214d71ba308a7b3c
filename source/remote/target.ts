/**
 * Where to connect (pure): an SshTarget plus `~/.ssh/config` (through an SshResolver from inventory/ssh-config.ts)
 * → the hops of a connection, bastions (ProxyJump) first. The target's own fields win over the config, as
 * command-line options win over ssh_config in ssh(1).
 *
 * ProxyJump follows ssh(1): `[user@]host[:port]` (IPv6 bracketed), comma-separated hops in order; the first hop is
 * itself resolved through the config, including its own ProxyJump (ssh -J runs `ssh -W` to it); later hops are
 * reached through the previous one and their config ProxyJump is ignored; `none` disables.
 */
import type {SshResolver} from '../inventory/parse.ts';
import type {SshTarget} from '../inventory/schema.ts';
import {RemoteError} from './errors.ts';

export interface Hop {
	/** The name as written (alias or address). */
	alias: string;
	/** The network host name (config HostName, else the alias). */
	host: string;
	port: number;
	user: string;
	/** Identity files to offer (explicit ones; empty means ssh-agent and the default files). */
	identities: string[];
	/** `user@host:port` (`user@host` for port 22), for messages. */
	label: string;
}

export interface ConnectPlan {
	/** Bastions in the order they are connected through (outermost first). */
	jumps: Hop[];
	target: Hop;
}

const MAX_JUMPS = 8;

/** `user@host:port` / `user@host` (port 22), IPv6 bracketed when a port is shown. */
export function hopLabel(user: string, host: string, port: number): string {
	if (port === 22) return `${user}@${host}`;
	return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One ProxyJump hop: `[user@]host[:port]` (also `ssh://user@host:port`). */
export function parseJumpHop(text: string): SshTarget {
	let rest = text.trim().replace(/^ssh:\/\//, '');
	const problem = (why: string) => new RemoteError('config', text, `ProxyJump "${text}": ${why}`);
	if (rest === '') throw problem('empty hop');
	let user: string | undefined;
	const at = rest.lastIndexOf('@');
	if (at >= 0) {
		user = rest.slice(0, at);
		rest = rest.slice(at + 1);
		if (user === '') throw problem('empty user name before "@"');
	}
	let port: number | undefined;
	const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
	if (bracket) {
		rest = bracket[1]!;
		if (bracket[2] !== undefined) port = Number(bracket[2]);
	} else {
		const m = /^([^:]+):(\d+)$/.exec(rest);
		if (m) {
			rest = m[1]!;
			port = Number(m[2]);
		} else if (rest.split(':').length === 2) {
			throw problem('the port is not a number');
		}
	}
	if (rest === '' || /\s/.test(rest)) throw problem('bad host name');
	if (port !== undefined && (port < 1 || port > 65535)) throw problem('port out of range (1–65535)');
	return {host: rest, ...(user !== undefined ? {user} : {}), ...(port !== undefined ? {port} : {})};
}

/** The hops of a ProxyJump value; `none` → []. */
export function parseProxyJump(text: string): SshTarget[] {
	if (text.trim().toLowerCase() === 'none') return [];
	return text.split(',').map(parseJumpHop);
}

/** One hop: the target's fields over the config's, defaults last (port 22, the local user). */
export function resolveHop(target: SshTarget, resolve: SshResolver | undefined, localUser: string): Hop {
	const defaults = resolve?.(target.host) ?? {};
	const host = defaults.hostName ?? target.host;
	const port = target.port ?? defaults.port ?? 22;
	const user = target.user ?? defaults.user ?? localUser;
	const identity = target.identity ?? defaults.identity;
	return {alias: target.host, host, port, user, identities: identity ? [identity] : [], label: hopLabel(user, host, port)};
}

/** The full connection plan for a target. Throws a RemoteError (kind config) for a bad or looping ProxyJump. */
export function connectPlan(target: SshTarget, resolve: SshResolver | undefined, localUser: string): ConnectPlan {
	const jumps = jumpChain(target.proxyJump ?? resolve?.(target.host).proxyJump, resolve, localUser, []);
	return {jumps, target: resolveHop(target, resolve, localUser)};
}

/** `seen`: the first hops whose config ProxyJump is being followed (a repeat is a loop; a host may still be a
 * bastion for itself when named explicitly). */
function jumpChain(spec: string | undefined, resolve: SshResolver | undefined, localUser: string, seen: string[]): Hop[] {
	if (spec === undefined) return [];
	const hops = parseProxyJump(spec);
	if (hops.length === 0) return [];
	const [first, ...later] = hops as [SshTarget, ...SshTarget[]];
	if (seen.includes(first.host)) {
		throw new RemoteError('config', first.host, `ProxyJump loops: ${[...seen, first.host].join(' → ')}`);
	}
	const chain = [...jumpChain(first.proxyJump ?? resolve?.(first.host).proxyJump, resolve, localUser, [...seen, first.host]), resolveHop(first, resolve, localUser)];
	chain.push(...later.map(h => resolveHop(h, resolve, localUser)));
	if (chain.length > MAX_JUMPS) throw new RemoteError('config', first.host, `ProxyJump chain longer than ${MAX_JUMPS} hops`);
	return chain;
}
