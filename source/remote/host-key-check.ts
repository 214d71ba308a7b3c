/**
 * The ssh2 hostVerifier of one hop: known_hosts decides (known_hosts.ts); an unknown key is shown to the user with
 * its SHA256 fingerprint and recorded only when accepted; a changed or revoked key refuses with OpenSSH's warning.
 * The verdict for a refusal is handed to `refuse` (the connection attempt reports it instead of ssh2's generic
 * "Host denied").
 */
import {randomBytes} from 'node:crypto';
import {RemoteError} from './errors.ts';
import type {KnownHostsStore} from './known-hosts-file.ts';
import {
	changedHostKeyWarning,
	fingerprint,
	hostKeyName,
	keyTypeLabel,
	keyTypeOf,
	knownHostsLine,
	revokedHostKeyWarning,
	unknownHostKeyText,
	verifyHostKey,
	type KnownHostEntry,
} from './known-hosts.ts';
import type {Hop} from './target.ts';

/** What the user is asked to confirm for a host key not in known_hosts. */
export interface UnknownHost {
	/** The name the key would be recorded under: `host` or `[host]:port`. */
	name: string;
	host: string;
	port: number;
	/** `SHA256:…`, as `ssh-keygen -l` prints it. */
	fingerprint: string;
	/** ED25519, RSA, ECDSA… */
	keyType: string;
	/** Key types already known for this host (a different one is offered: be suspicious). */
	knownTypes: string[];
	/** OpenSSH's wording of the question. */
	text: string;
	/** Set when the host is a bastion on the way to `target`. */
	bastionFor?: string;
}

export interface HostKeyCheck {
	hop: Hop;
	known: readonly KnownHostEntry[];
	knownHosts: KnownHostsStore;
	/** Record accepted keys hashed (HashKnownHosts yes). */
	hashKnownHosts: boolean;
	confirmUnknownHost: (host: UnknownHost) => Promise<boolean>;
	/** Runs the question with the connect timeout paused. */
	interactive: <T>(prompt: () => Promise<T>) => Promise<T>;
	/** Why the key was refused. */
	refuse: (error: RemoteError) => void;
	bastionFor?: string | undefined;
}

export function hostKeyVerifier(check: HostKeyCheck): (key: Buffer, verify: (valid: boolean) => void) => void {
	const {hop, known, refuse} = check;
	return (key, verify) => {
		const verdict = verifyHostKey(known, hop.host, hop.port, key);
		if (verdict.status === 'trusted') return verify(true);
		if (verdict.status === 'revoked') {
			const warning = revokedHostKeyWarning(hop.host, hop.port, key);
			refuse(new RemoteError('host-key-revoked', hop.label, `${hop.label}: the host key is REVOKED (${verdict.entry.file}:${verdict.entry.line}); refusing to connect\n${warning}`, {warning}));
			return verify(false);
		}
		if (verdict.status === 'changed') {
			const warning = changedHostKeyWarning(hop.host, hop.port, key, verdict.entry);
			refuse(new RemoteError('host-key-changed', hop.label, `${hop.label}: the host key has CHANGED; refusing to connect\n${warning}`, {warning}));
			return verify(false);
		}
		const info: UnknownHost = {
			name: hostKeyName(hop.host, hop.port),
			host: hop.host,
			port: hop.port,
			fingerprint: fingerprint(key),
			keyType: keyTypeLabel(keyTypeOf(key) ?? 'unknown'),
			knownTypes: verdict.knownTypes.map(keyTypeLabel),
			text: unknownHostKeyText(hop.host, hop.port, key, verdict.knownTypes),
			...(check.bastionFor ? {bastionFor: check.bastionFor} : {}),
		};
		void check
			.interactive(async () => {
				if (!(await check.confirmUnknownHost(info))) return false;
				await check.knownHosts.append(knownHostsLine(hop.host, hop.port, key, check.hashKnownHosts ? randomBytes(20) : undefined));
				return true;
			})
			.then(
				accepted => {
					if (!accepted) refuse(new RemoteError('host-key-declined', hop.label, `${hop.label}: host key ${info.fingerprint} (${info.keyType}) was not accepted; not connecting`));
					verify(accepted);
				},
				(error: unknown) => {
					refuse(new RemoteError('remote', hop.label, `${hop.label}: cannot record the host key: ${(error as Error).message}`, {}, {cause: error}));
					verify(false);
				},
			);
	};
}
