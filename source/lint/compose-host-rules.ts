/** Rules across the compose files of one host (pure): published host ports and broker stores must not be shared. */
import {groupBy} from './collect.ts';
import {valueOf} from './conf-model.ts';
import {hostPathOf, mountHolding, type ComposeLinks} from './compose-link.ts';
import type {ComposeFile} from './compose-model.ts';
import {BROKER_DEFAULTS} from './key-types.ts';
import type {Finding} from './types.ts';

/** Host files of one host share a key; unknown hosts are keyed per file. */
const hostKey = (links: ComposeLinks, compose: ComposeFile): string => links.hostOf.get(compose) ?? `file:${compose.path}`;

function publishedCollisions(composes: readonly ComposeFile[], links: ComposeLinks): Finding[] {
	const uses = composes.flatMap(compose => compose.services.flatMap(service => service.ports
		.filter(p => p.hostPort !== undefined)
		.map(p => ({compose, service, port: p, key: `${hostKey(links, compose)} ${p.protocol} ${p.hostPort}`}))));
	const findings: Finding[] = [];
	for (const sharing of groupBy(uses, u => u.key).values()) {
		if (new Set(sharing.map(u => u.service)).size < 2) continue;
		for (const use of sharing) {
			const others = sharing.filter(u => u.service !== use.service).map(u => `${u.service.name} (${u.compose.file})`);
			const host = links.hostOf.get(use.compose);
			findings.push(use.compose.finding('compose-port-collision', 'error', use.port.line,
				`host port ${use.port.hostPort} ${host ? `on ${host} ` : ''}is published by service ${use.service.name} and by ${others.join(' and ')}: the second container fails to start`,
				'publish each port from one service only (each broker needs its own listen, listen−2 and DLedger ports)'));
		}
	}
	return findings;
}

function sharedStores(links: ComposeLinks): Finding[] {
	const stores = links.brokers.flatMap(link => {
		const root = (link.conf && valueOf(link.conf, 'storePathRootDir')) || BROKER_DEFAULTS.storePathRootDir;
		const mount = mountHolding(link.service.volumes, root);
		if (!mount) return [];
		const where = hostPathOf(mount, root) ?? `volume ${mount.source} of ${link.compose.path}`;
		return [{link, mount, where, key: `${hostKey(links, link.compose)} ${where}`}];
	});
	const findings: Finding[] = [];
	for (const sharing of groupBy(stores, s => s.key).values()) {
		if (sharing.length < 2) continue;
		for (const {link, mount, where} of sharing) {
			const others = sharing.filter(s => s.link !== link).map(s => s.link.service.name);
			findings.push(link.compose.finding('compose-store-shared', 'error', mount.line ?? link.service.line,
				`service ${link.service.name} keeps its store in ${where}, as ${others.join(' and ')} do${others.length > 1 ? '' : 'es'}: brokers sharing a store (and its dledger-<selfId> folder) corrupt it`,
				`mount a separate host folder at ${BROKER_DEFAULTS.storePathRootDir} for each broker`));
		}
	}
	return findings;
}

export function lintComposeHosts(composes: readonly ComposeFile[], links: ComposeLinks): Finding[] {
	return [...publishedCollisions(composes, links), ...sharedStores(links)];
}
