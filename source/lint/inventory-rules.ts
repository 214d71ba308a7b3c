/**
 * Cluster-file rules (pure): the parser's and the planner's errors as findings with lines, plus what they accept
 * but a DLedger cluster should not have (an even or too small replica count, container or loopback host IPs).
 */
import {isMap, isSeq, LineCounter, parseDocument, type Document} from 'yaml';
import {parseClusterText} from '../inventory/parse.ts';
import type {ClusterFile} from '../inventory/schema.ts';
import {buildPlan} from '../plan/plan.ts';
import {isContainerIp, isLoopback} from './conf-model.ts';
import {findingsFor, type Finding} from './types.ts';

/** `hosts[1].ip` → ['hosts', 1, 'ip']. */
function pathSegments(path: string): Array<string | number> {
	return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(m => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** The line of a cluster-file path such as `hosts[1].ip` (or of its nearest existing parent). */
export function lineFinder(text: string): (path: string) => number | undefined {
	const lineCounter = new LineCounter();
	const doc: Document = parseDocument(text, {lineCounter});
	return path => {
		const syntax = /^line (\d+)/.exec(path);
		if (syntax) return Number(syntax[1]);
		const segments = pathSegments(path);
		for (let n = segments.length; n > 0; n--) {
			const parentNode = n > 1 ? doc.getIn(segments.slice(0, n - 1), true) : doc.contents;
			const last = segments[n - 1];
			const pair = isMap(parentNode) ? parentNode.items.find(p => String((p.key as {value?: unknown})?.value) === String(last)) : undefined;
			const node = pair ? pair.key : isSeq(parentNode) && typeof last === 'number' ? parentNode.items[last] : undefined;
			const range = (node as {range?: [number, number, number]} | undefined)?.range;
			if (range) return lineCounter.linePos(range[0]).line;
		}
		return undefined;
	};
}

function replicaFindings(cluster: ClusterFile, finding: ReturnType<typeof findingsFor>, line: number | undefined): Finding[] {
	const r = cluster.replicas;
	if (r < 3) {
		return [finding('replica-count', 'error', line,
			r === 1 ? 'replicas: 1 gives groups without failover' : 'replicas: 2 cannot fail over: a majority of 2 is 2, so losing either replica stops writes',
			'set replicas: 3 (or another odd number), with at least that many hosts')];
	}
	if (r % 2 === 0) {
		return [finding('replica-count', 'warning', line,
			`replicas: ${r} survives ${Math.floor((r - 1) / 2)} failure(s), like ${r - 1} does, while every write waits for ${r / 2 + 1} replicas`,
			`set replicas: ${r - 1} or ${r + 1}`)];
	}
	return [];
}

/** Rules on a parsed cluster file; `lineOf` maps paths such as `hosts[0].ip` to lines when the text is known. */
export function lintCluster(cluster: ClusterFile, file = 'cluster.yaml', lineOf: (path: string) => number | undefined = () => undefined): Finding[] {
	const finding = findingsFor(file);
	const findings = replicaFindings(cluster, finding, lineOf('replicas'));
	cluster.hosts.forEach((host, i) => {
		const path = `hosts[${i}]`;
		if (isContainerIp(host.ip)) {
			findings.push(finding('host-ip-container', 'error', lineOf(`${path}.ip`),
				`host ${host.name} has ip ${host.ip}, a container IP on Docker's default bridge: brokers would advertise an address other hosts cannot reach`,
				`set ${path}.ip to the host's own IPv4 address`));
		} else if (isLoopback(host.ip) && cluster.hosts.length > 1) {
			findings.push(finding('host-ip-loopback', 'error', lineOf(`${path}.ip`),
				`host ${host.name} has ip ${host.ip}, a loopback address: the other hosts cannot reach its brokers`,
				`set ${path}.ip to the IPv4 address the other hosts reach it at`));
		}
	});
	if (cluster.console.enabled && cluster.console.public) {
		findings.push(finding('console-public', 'info', lineOf('console.public'),
			'console.public: true publishes the console (an admin UI without authentication) on all interfaces',
			'firewall its port, or set console.public: false and reach it through ssh -L'));
	}
	const plan = buildPlan(cluster);
	if (!plan.ok) {
		findings.push(...plan.errors.map(e => finding('plan-invalid', 'error', lineOf(e.path), `${e.path}: ${e.message}`, e.fix)));
	}
	return findings;
}

/** Parse and lint a cluster file's text. `cluster` is set when it parsed. */
export function lintClusterText(file: string, text: string): {findings: Finding[]; cluster?: ClusterFile} {
	const lineOf = lineFinder(text);
	const parsed = parseClusterText(text);
	if (!parsed.ok) {
		const finding = findingsFor(file);
		const message = (e: {path: string; message: string}) => (/^line \d+/.test(e.path)
			? `not valid YAML: ${e.message.replace(/ at line \d+, column \d+:?$/, '')}`
			: `${e.path}: ${e.message}`);
		return {findings: parsed.errors.map(e => finding('inventory-invalid', 'error', lineOf(e.path), message(e), e.fix))};
	}
	return {findings: lintCluster(parsed.value, file, lineOf), cluster: parsed.value};
}
