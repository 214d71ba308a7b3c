/** A cluster snapshot as text for a terminal (pure): one block per group, worst verdict first line. */
import type {ClusterSnapshot, GroupSnapshot} from './types.ts';
import {worstVerdict} from './snapshot.ts';

function groupLines(g: GroupSnapshot): string[] {
	const lines = [`${g.group}  ${g.verdict.toUpperCase()}${g.leader ? `  leader ${g.leader}` : ''}`];
	for (const reason of g.reasons) lines.push(`  ! ${reason}`);
	const ns = Object.entries(g.leaderByNamesrv).map(([addr, leader]) => `${addr}→${leader === undefined ? 'unreachable' : (leader ?? 'none')}`);
	if (ns.length > 0) lines.push(`  name servers: ${ns.join('  ')}`);
	for (const r of g.replicas) {
		const ids = Object.values(r.brokerIdByNamesrv).map(id => (id === undefined ? '?' : id === null ? '-' : String(id))).join('/');
		const figures = [
			r.lagBytes !== undefined ? `lag ${r.lagBytes} B` : undefined,
			r.runtime?.putTps !== undefined ? `${r.runtime.putTps} put/s` : undefined,
			r.runtime?.diskRatio !== undefined && r.runtime.diskRatio >= 0 ? `disk ${Math.round(r.runtime.diskRatio * 100)}%` : undefined,
		].filter(Boolean);
		lines.push(`  ${r.selfId.padEnd(4)}${`${r.ip}:${r.listenPort}`.padEnd(22)}${r.role.padEnd(10)}ids ${ids.padEnd(8)}${figures.join(', ')}`.trimEnd());
	}
	return lines;
}

export function statusText(snapshot: ClusterSnapshot, problems: readonly string[] = []): string {
	const down = snapshot.namesrvs.filter(n => !n.reachable);
	const headline = snapshot.groups.length > 0 ? worstVerdict(snapshot).toUpperCase() : down.length === snapshot.namesrvs.length ? 'UNREACHABLE' : 'NO DLEDGER GROUP FOUND';
	return [
		`cluster: ${headline} (${snapshot.groups.length} group(s), ${snapshot.namesrvs.length - down.length}/${snapshot.namesrvs.length} name servers answering)`,
		...down.map(n => `  ! name server ${n.addr}: ${n.error}`),
		...problems.map(p => `  ! ${p}`),
		'',
		...snapshot.groups.flatMap(g => [...groupLines(g), '']),
	].join('\n');
}
