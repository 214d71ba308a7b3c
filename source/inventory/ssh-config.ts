/**
 * Defaults for SSH targets from an OpenSSH client config (`~/.ssh/config`), read with the `ssh-config` package.
 *
 * Semantics follow ssh(1)'s: for an alias, every matching `Host`/`Match` block is applied in file order and the
 * FIRST value of each keyword wins (so a trailing `Host *` only fills gaps). `Include` (which the package parses
 * but does not follow) is expanded here, relative paths from `~/.ssh`, globs sorted, nested up to 16 deep.
 * `Match exec` is never run: resolving a cluster file must not execute commands.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {isAbsolute, join} from 'node:path';
import SSHConfig, {LineType, type Directive, type Line} from 'ssh-config';
import type {SshDefaults, SshResolver} from './parse.ts';

/** One file an `Include` pattern names: its path and text. */
export interface IncludedFile {
	path: string;
	text: string;
}

/** Expands an absolute `Include` pattern (after `~` and relative-path resolution) to the files it names, sorted. */
export type IncludeReader = (pattern: string) => IncludedFile[];

export interface SshConfigTextOptions {
	/** Named in error messages. */
	file?: string;
	/** For `%u` in IdentityFile; left as is when absent. */
	localUser?: string;
	/** Follows `Include`; without one, a config that uses `Include` is refused. */
	include?: IncludeReader;
}

const MAX_INCLUDE_DEPTH = 16;
const KEYWORD = /^[A-Za-z][A-Za-z0-9]*$/;

export class SshConfigError extends Error {
	constructor(
		readonly file: string,
		problem: string,
	) {
		super(`SSH config ${file}: ${problem}`);
		this.name = 'SshConfigError';
	}
}

const expandTilde = (path: string, home: string): string =>
	path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;

const valueText = (value: Directive['value']): string[] =>
	typeof value === 'string' ? [value] : value.map(v => v.val);

function parseText(text: string, file: string): SSHConfig {
	if (text.includes('\0')) throw new SshConfigError(file, 'contains NUL bytes (is it a binary file?)');
	let config: SSHConfig;
	try {
		config = SSHConfig.parse(text);
	} catch (error) {
		throw new SshConfigError(file, `cannot be parsed: ${(error as Error).message}`);
	}
	checkLines(config, file);
	return config;
}

/** Rejects what ssh(1) would reject and what the package accepts silently: garbage keywords, bad ports. */
function checkLines(lines: readonly Line[], file: string): void {
	for (const line of lines) {
		if (line.type !== LineType.DIRECTIVE) continue;
		if (!KEYWORD.test(line.param)) {
			throw new SshConfigError(file, `"${line.param.slice(0, 40)}" is not an ssh_config keyword`);
		}
		if (/^port$/i.test(line.param)) {
			const port = valueText(line.value)[0] ?? '';
			if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
				throw new SshConfigError(file, `Port "${port}" is not a port number (1–65535)`);
			}
		}
		if ('config' in line) checkLines(line.config, file);
	}
}

/** Replaces every `Include` with the lines of the files it names, in place (recursively). */
function expandIncludes(lines: Line[], file: string, home: string, options: SshConfigTextOptions, depth: number, inBlock: boolean): void {
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		if (line.type !== LineType.DIRECTIVE) continue;
		if ('config' in line) {
			expandIncludes(line.config, file, home, options, depth, true);
			continue;
		}
		if (!/^include$/i.test(line.param)) continue;
		if (!options.include) throw new SshConfigError(file, `uses Include, which cannot be followed here`);
		if (depth >= MAX_INCLUDE_DEPTH) throw new SshConfigError(file, `Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`);
		const included: Line[] = [];
		for (const pattern of valueText(line.value)) {
			const expanded = expandTilde(pattern, home);
			const absolute = isAbsolute(expanded) ? expanded : join(home, '.ssh', expanded);
			for (const {path, text} of options.include(absolute)) {
				const config = parseText(text, path);
				expandIncludes(config, path, home, options, depth + 1, inBlock);
				if (inBlock && config.some(l => l.type === LineType.DIRECTIVE && 'config' in l)) {
					throw new SshConfigError(path, `has Host/Match blocks but is included inside a Host/Match block of ${file}; rmq-tui cannot evaluate that (include it at the top level)`);
				}
				included.push(...config);
			}
		}
		lines.splice(i, 1, ...included);
		i += included.length - 1;
	}
}

/** `%%`, `%d` (home), `%h` (host name), `%r` (remote user), `%u` (local user); others are left as written. */
function expandTokens(text: string, tokens: Record<string, string | undefined>): string {
	return text.replace(/%(.)/g, (whole, letter: string) => (letter === '%' ? '%' : tokens[letter] ?? whole));
}

function first(value: string | string[] | undefined): string | undefined {
	const v = Array.isArray(value) ? value[0] : value;
	return v === undefined || v === '' ? undefined : v;
}

/** A resolver over config text (pure unless `options.include` reads files). */
export function sshResolverFromText(text: string, home: string, options: SshConfigTextOptions = {}): SshResolver {
	const file = options.file ?? '(ssh config text)';
	const config = parseText(text, file);
	expandIncludes(config, file, home, options, 0, false);
	return (alias: string): SshDefaults => {
		const computed = config.compute(alias, {ignoreCase: true, matchExec: false});
		const defaults: SshDefaults = {};
		const hostName = first(computed.hostname);
		if (hostName !== undefined) defaults.hostName = expandTokens(hostName, {h: alias});
		const user = first(computed.user);
		if (user !== undefined) defaults.user = user;
		const port = first(computed.port);
		if (port !== undefined) defaults.port = Number(port);
		const identity = first(computed.identityfile);
		if (identity !== undefined && identity.toLowerCase() !== 'none') {
			const tokens = {d: home, h: defaults.hostName ?? alias, r: defaults.user, u: options.localUser};
			defaults.identity = expandTilde(expandTokens(identity, tokens), home);
		}
		const proxyJump = first(computed.proxyjump);
		if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') defaults.proxyJump = proxyJump;
		return defaults;
	};
}

/** glob(3)-style expansion of `*`, `?` and `[...]` in path components; dot files only when the pattern asks. */
export function globFiles(pattern: string): string[] {
	const parts = pattern.split('/').filter(p => p !== '');
	let candidates = [pattern.startsWith('/') ? '/' : '.'];
	for (const part of parts) {
		if (!/[*?[]/.test(part)) {
			candidates = candidates.map(dir => join(dir, part));
			continue;
		}
		const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^')}$`);
		candidates = candidates.flatMap(dir => {
			let names: string[];
			try {
				names = readdirSync(dir);
			} catch {
				return [];
			}
			return names.filter(n => re.test(n) && (part.startsWith('.') || !n.startsWith('.'))).sort().map(n => join(dir, n));
		});
	}
	return candidates;
}

function readIncluded(pattern: string): IncludedFile[] {
	const files: IncludedFile[] = [];
	for (const path of globFiles(pattern)) {
		try {
			files.push({path, text: readFileSync(path, 'utf8')});
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT' || code === 'EISDIR') continue; // as ssh(1): an Include that names nothing is no error
			throw new SshConfigError(path, `cannot be read (${code ?? (error as Error).message})`);
		}
	}
	return files;
}

function localUserName(): string | undefined {
	try {
		return userInfo().username;
	} catch {
		return undefined;
	}
}

/** The SSH defaults of the user's config. A missing file resolves nothing; an unreadable or broken one throws. */
export function readSshConfig(path = join(homedir(), '.ssh', 'config'), home = homedir()): SshResolver {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return () => ({});
		throw new SshConfigError(path, `cannot be read (${code ?? (error as Error).message})`);
	}
	const localUser = localUserName();
	return sshResolverFromText(text, home, {file: path, include: readIncluded, ...(localUser ? {localUser} : {})});
}
