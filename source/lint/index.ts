/**
 * The config linter's entry points (pure): hand-written or rendered broker confs and compose files in,
 * findings out. `load.ts` reads files from disk; `inventory-rules.ts` lints cluster files.
 */
import {isIPv4} from '../inventory/address.ts';
import type {RenderedFile} from '../render/render.ts';
import {lintClusterConfs} from './cluster-rules.ts';
import {mostCommon} from './collect.ts';
import {readConf} from './conf-model.ts';
import {lintConf} from './conf-rules.ts';
import {lintComposeHosts} from './compose-host-rules.ts';
import {linkComposes} from './compose-link.ts';
import {readCompose} from './compose-model.ts';
import {lintCompose} from './compose-rules.ts';
import {lintHostPorts} from './port-rules.ts';
import {sortFindings, type Finding, type LintInput, type LintSource} from './types.ts';

export {sortFindings};
export type {Finding, LintInput, LintSource, Severity} from './types.ts';

/** Lint confs and compose files as one cluster. A file's host: `host` if given, else its brokerIP1. */
export function lintFiles(input: LintInput): Finding[] {
	const hostIps = input.hostIps ?? {};
	const confs = input.confs.map(source => readConf(source, hostIps));
	const composes = input.composes.map(readCompose);
	const links = linkComposes(composes, confs, hostIps);
	const namesrvAddr = mostCommon(confs.filter(c => c.namesrvAddr), c => c.namesrvAddr!);
	const composeFindings = [...composes.flatMap(compose => lintCompose(compose, links, namesrvAddr)), ...lintComposeHosts(composes, links)];
	const inferredHost = new Map(composes.map(c => [c.file, links.hostOf.get(c)]));
	return sortFindings([
		...confs.flatMap(lintConf),
		...lintClusterConfs(confs, links.namesrvs),
		...lintHostPorts(confs, links.namesrvs),
		...composeFindings.map(f => (f.host === undefined && inferredHost.get(f.file) !== undefined ? {...f, host: inferredHost.get(f.file)!} : f)),
	]);
}

const brokerIp1 = (text: string): string | undefined => /^[ \t\f]*brokerIP1[ \t\f]*[=:][ \t\f]*(\S+)/m.exec(text)?.[1];

/**
 * Lint rmq-tui's own output. Findings name files `host:path`. Without `hostIps`, each host's IP is taken from its
 * confs' brokerIP1 (the renderer writes both from the same plan).
 */
export function lintRendered(files: readonly RenderedFile[], hostIps?: Record<string, string>): Finding[] {
	const source = (f: RenderedFile): LintSource => ({path: f.path, host: f.host, text: f.content, label: `${f.host}:${f.path}`});
	const inferred: Record<string, string> = {};
	for (const f of files) {
		const ip = f.kind === 'broker-conf' ? brokerIp1(f.content) : undefined;
		if (ip && isIPv4(ip) && !(f.host in inferred)) inferred[f.host] = ip;
	}
	return lintFiles({
		confs: files.filter(f => f.kind === 'broker-conf').map(source),
		composes: files.filter(f => f.kind.endsWith('-compose')).map(source),
		hostIps: hostIps ?? inferred,
	});
}
