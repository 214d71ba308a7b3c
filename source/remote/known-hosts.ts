/**
 * OpenSSH `known_hosts` (pure): parsing, verifying a presented host key, fingerprints, OpenSSH's warnings and the
 * line to append. Semantics follow ssh(1)/sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT":
 *
 * - a line is `[@marker] patterns keytype base64-key [comment]`; `#` comments and blank lines are skipped;
 * - patterns are a comma list with `*`/`?` wildcards and `!negation` (a matching negation vetoes the line), compared
 *   case-insensitively; a non-standard port is written `[host]:port` and only such entries match it;
 * - `|1|salt|hash` is a hashed name: HMAC-SHA1 keyed with the salt over the (lowercase) name, `[host]:port` included;
 * - `@revoked` marks a key that must never be accepted; `@cert-authority` (host certificates) is not supported and
 *   reported as a problem, as are malformed lines (they are skipped, never fatal, as in ssh(1)).
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';

export type HostMatcher =
	| {kind: 'patterns'; patterns: string[]}
	| {kind: 'hashed'; salt: Buffer; hash: Buffer};

export interface KnownHostEntry {
	file: string;
	/** 1-based line number in `file`. */
	line: number;
	marker?: 'revoked';
	hosts: HostMatcher;
	/** The key type as the key blob names it, e.g. `ssh-ed25519`. */
	keyType: string;
	/** The public key blob (SSH wire format). */
	key: Buffer;
	comment?: string;
}

export interface KnownHostsProblem {
	file: string;
	line: number;
	problem: string;
}

export interface KnownHosts {
	entries: KnownHostEntry[];
	problems: KnownHostsProblem[];
}

export type HostKeyVerdict =
	| {status: 'trusted'; entry: KnownHostEntry}
	| {status: 'revoked'; entry: KnownHostEntry}
	/** A key of the same type is known for this name and it is a different one. */
	| {status: 'changed'; entry: KnownHostEntry}
	/** Nothing known of this type; `knownTypes` lists the key types that ARE known for the name (OpenSSH warns then). */
	| {status: 'unknown'; knownTypes: string[]};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The name a host is known by: `host`, or `[host]:port` for a port other than 22; lowercase, as ssh(1) looks it up. */
export function hostKeyName(host: string, port = 22): string {
	const h = host.toLowerCase();
	return port === 22 ? h : `[${h}]:${port}`;
}

/** The type string at the start of an SSH public key blob, or undefined when the blob is malformed. */
export function keyTypeOf(blob: Buffer): string | undefined {
	if (blob.length < 4) return undefined;
	const length = blob.readUInt32BE(0);
	if (length === 0 || length > 64 || 4 + length > blob.length) return undefined;
	const type = blob.subarray(4, 4 + length).toString('latin1');
	return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's short name of a key type: ED25519, RSA, ECDSA, DSA, ED25519-SK, ECDSA-SK. */
export function keyTypeLabel(keyType: string): string {
	if (keyType === 'ssh-ed25519') return 'ED25519';
	if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-sha2-')) return 'RSA';
	if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
	if (keyType === 'ssh-dss') return 'DSA';
	if (keyType.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
	if (keyType.startsWith('sk-ecdsa-sha2-')) return 'ECDSA-SK';
	if (keyType.startsWith('ssh-xmss')) return 'XMSS';
	return keyType.toUpperCase();
}

function parseHashed(field: string): HostMatcher | undefined {
	const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(field);
	if (!m || !BASE64.test(m[1]!) || !BASE64.test(m[2]!)) return undefined;
	const salt = Buffer.from(m[1]!, 'base64');
	const hash = Buffer.from(m[2]!, 'base64');
	if (salt.length !== 20 || hash.length !== 20) return undefined; // SHA-1 sized, as ssh(1) requires
	return {kind: 'hashed', salt, hash};
}

/** Parses one known_hosts file. Malformed and unsupported lines are skipped and reported in `problems`. */
export function parseKnownHosts(text: string, file: string): KnownHosts {
	const entries: KnownHostEntry[] = [];
	const problems: KnownHostsProblem[] = [];
	const lines = text.split('\n');
	lines.forEach((raw, index) => {
		const line = index + 1;
		const trimmed = raw.replace(/\r$/, '').trim();
		if (trimmed === '' || trimmed.startsWith('#')) return;
		const problem = (p: string) => problems.push({file, line, problem: p});
		const fields = trimmed.split(/[ \t]+/);
		let marker: KnownHostEntry['marker'];
		if (fields[0]!.startsWith('@')) {
			const m = fields.shift()!;
			if (m === '@cert-authority') {
				problem('@cert-authority (host certificates) is not supported by rmq-tui; the line is ignored');
				return;
			}
			if (m !== '@revoked') {
				problem(`unknown marker ${m} (expected @revoked or @cert-authority); the line is ignored`);
				return;
			}
			marker = 'revoked';
		}
		const [hostField, keyTypeField, keyField, ...rest] = fields;
		if (hostField === undefined || keyTypeField === undefined || keyField === undefined) {
			problem('is not "hosts keytype key"; the line is ignored');
			return;
		}
		if (/^\d+$/.test(keyTypeField)) {
			problem('is an SSH protocol 1 (RSA1) key, which is not supported; the line is ignored');
			return;
		}
		let hosts: HostMatcher | undefined;
		if (hostField.startsWith('|')) {
			hosts = parseHashed(hostField);
			if (!hosts) {
				problem('has a malformed hashed host name (expected |1|salt|hash); the line is ignored');
				return;
			}
		} else {
			const patterns = hostField.split(',');
			if (patterns.some(p => p === '' || p === '!')) {
				problem('has an empty host pattern; the line is ignored');
				return;
			}
			hosts = {kind: 'patterns', patterns};
		}
		if (!BASE64.test(keyField)) {
			problem('has a key that is not base64; the line is ignored');
			return;
		}
		const key = Buffer.from(keyField, 'base64');
		const blobType = keyTypeOf(key);
		if (blobType === undefined) {
			problem('has a malformed key; the line is ignored');
			return;
		}
		if (blobType !== keyTypeField) {
			problem(`says ${keyTypeField} but the key is ${blobType}; the line is ignored`);
			return;
		}
		const comment = rest.join(' ');
		entries.push({
			file,
			line,
			...(marker ? {marker} : {}),
			hosts,
			keyType: blobType,
			key,
			...(comment ? {comment} : {}),
		});
	});
	return {entries, problems};
}

/** OpenSSH's match_pattern: `*` any run, `?` one character, everything else literal; case-insensitive. */
function matchPattern(name: string, pattern: string): boolean {
	const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
	return new RegExp(`^${re}$`, 'is').test(name);
}

function hashedName(name: string, salt: Buffer): Buffer {
	return createHmac('sha1', salt).update(name).digest();
}

/** Does the entry name `name` (as produced by hostKeyName)? A matching negated pattern vetoes the entry. */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
	const hosts = entry.hosts;
	const lower = name.toLowerCase();
	if (hosts.kind === 'hashed') {
		const h = hashedName(lower, hosts.salt);
		return h.length === hosts.hash.length && timingSafeEqual(h, hosts.hash);
	}
	let matched = false;
	for (const pattern of hosts.patterns) {
		if (pattern.startsWith('!')) {
			if (matchPattern(lower, pattern.slice(1))) return false;
		} else if (matchPattern(lower, pattern)) {
			matched = true;
		}
	}
	return matched;
}

/**
 * What the known entries say about `key` presented by `host:port`: revoked beats everything; a known identical key is
 * trusted; a known different key of the SAME type is a change (reported with the first such line, as OpenSSH does);
 * otherwise unknown. Entries of other key types never make a key "changed" (OpenSSH asks then, and so do we, listing
 * the known types so the caller can warn).
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
	const name = hostKeyName(host, port);
	const type = keyTypeOf(key) ?? '';
	const matching = entries.filter(e => entryMatches(e, name));
	const revoked = matching.find(e => e.marker === 'revoked' && e.key.equals(key));
	if (revoked) return {status: 'revoked', entry: revoked};
	const plain = matching.filter(e => e.marker === undefined);
	const trusted = plain.find(e => e.keyType === type && e.key.equals(key));
	if (trusted) return {status: 'trusted', entry: trusted};
	const changed = plain.find(e => e.keyType === type);
	if (changed) return {status: 'changed', entry: changed};
	return {status: 'unknown', knownTypes: [...new Set(plain.map(e => e.keyType))]};
}

/** The key types known for a host (to prefer them in the key exchange, as ssh(1) does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
	const name = hostKeyName(host, port);
	return [...new Set(entries.filter(e => e.marker === undefined && entryMatches(e, name)).map(e => e.keyType))];
}

/**
 * The line to append for an accepted key: `name keytype base64`, the name hashed (`|1|salt|hash`) when a salt is
 * given (HashKnownHosts yes; the caller supplies 20 random bytes).
 */
export function knownHostsLine(host: string, port: number, key: Buffer, hashSalt?: Buffer): string {
	const type = keyTypeOf(key);
	if (type === undefined) throw new Error('not an SSH public key blob');
	const name = hostKeyName(host, port);
	const shown = hashSalt === undefined
		? name
		: `|1|${hashSalt.toString('base64')}|${hashedName(name, hashSalt).toString('base64')}`;
	return `${shown} ${type} ${key.toString('base64')}`;
}

/** The shell-quoted argument ssh-keygen's message shows: OpenSSH uses double quotes. */
const dq = (s: string) => `"${s}"`;

/** ssh(1)'s warning for a changed host key, naming the file and line of the offending entry. */
export function changedHostKeyWarning(host: string, port: number, key: Buffer, offending: Pick<KnownHostEntry, 'file' | 'line' | 'keyType'>): string {
	const name = hostKeyName(host, port);
	const label = keyTypeLabel(keyTypeOf(key) ?? offending.keyType);
	return [
		'@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
		'@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
		'@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
		'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
		'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
		'It is also possible that a host key has just been changed.',
		`The fingerprint for the ${label} key sent by the remote host is`,
		`${fingerprint(key)}.`,
		'Please contact your system administrator.',
		`Add correct host key in ${offending.file} to get rid of this message.`,
		`Offending ${keyTypeLabel(offending.keyType)} key in ${offending.file}:${offending.line}`,
		'  remove with:',
		`  ssh-keygen -f ${dq(offending.file)} -R ${dq(name)}`,
		`Host key for ${name} has changed and you have requested strict checking.`,
		'Host key verification failed.',
	].join('\n');
}

/** ssh(1)'s warning for a host key marked @revoked. */
export function revokedHostKeyWarning(host: string, port: number, key: Buffer): string {
	const name = hostKeyName(host, port);
	const label = keyTypeLabel(keyTypeOf(key) ?? '');
	return [
		'@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
		'@       WARNING: REVOKED HOST KEY DETECTED!               @',
		'@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
		`The ${label} host key for ${name} is marked as revoked.`,
		'This could mean that a stolen key is being used to',
		'impersonate this host.',
		`${label} host key for ${name} was revoked and you have requested strict checking.`,
		'Host key verification failed.',
	].join('\n');
}

/** ssh(1)'s question for an unknown host key (the caller adds the yes/no). */
export function unknownHostKeyText(host: string, port: number, key: Buffer, knownTypes: readonly string[] = []): string {
	const name = hostKeyName(host, port);
	const lines = [
		`The authenticity of host '${name}' can't be established.`,
		`${keyTypeLabel(keyTypeOf(key) ?? '')} key fingerprint is ${fingerprint(key)}.`,
	];
	if (knownTypes.length > 0) {
		lines.push(`but keys of different type are already known for this host: ${knownTypes.map(keyTypeLabel).join(', ')}.`);
	}
	return lines.join('\n');
}

/** ssh2's default host key algorithms, in its order. */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly string[] = [
	'ssh-ed25519',
	'ecdsa-sha2-nistp256',
	'ecdsa-sha2-nistp384',
	'ecdsa-sha2-nistp521',
	'rsa-sha2-512',
	'rsa-sha2-256',
	'ssh-rsa',
];

/**
 * The host key algorithms to offer, the ones of already known key types first (ssh(1) does the same, so a host with
 * a known RSA key is not asked for a new ED25519 one). undefined = nothing known, keep the defaults.
 */
export function hostKeyAlgorithms(knownTypes: readonly string[]): string[] | undefined {
	const preferred = knownTypes.flatMap(t => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]))
		.filter(a => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
	if (preferred.length === 0) return undefined;
	return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}
