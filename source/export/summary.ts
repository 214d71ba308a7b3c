/** SUMMARY.md (pure): the topology, ports per host for firewall rules, and the order to start things. */
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';

export function topologyRows(plan: Plan): string[][] {
	return plan.hosts.map(h => [
		h.spec.name,
		h.spec.ip,
		h.namesrv ? `:${h.namesrv.port}` : '—',
		h.brokers.map(b => `${b.group}/${b.selfId} ${b.listenPort}/${b.fastPort}/${b.dledgerPort}`).join('<br>') || '—',
		h.console ? `:${h.console.port}${h.console.public ? '' : ' (loopback)'}` : '—',
	]);
}

const table = (header: string[], rows: string[][]): string[] => [
	`| ${header.join(' | ')} |`,
	`| ${header.map(() => '---').join(' | ')} |`,
	...rows.map(r => `| ${r.join(' | ')} |`),
];

export function renderSummary(plan: Plan, files: readonly RenderedFile[]): string {
	const o = plan.options;
	return [
		`# ${o.name}: ${plan.groups.length} DLedger group(s) × ${o.replicas} replicas on ${plan.hosts.length} hosts`,
		'',
		`Image \`${o.image}\`, base dir \`${o.baseDir}\`, network \`${o.network}\`, heaps ${o.heap.broker} per broker and ${o.heap.namesrv} per name server, timezone ${o.timezone}.`,
		`Name servers: \`${plan.namesrvAddr}\`.`,
		'',
		'## Topology (broker ports: listen/fast/DLedger)',
		'',
		...table(['host', 'ip', 'name server', 'brokers', 'console'], topologyRows(plan)),
		'',
		'## Groups',
		'',
		...table(['group', 'dLegerPeers'], plan.groups.map(g => [g.name, `\`${g.replicas[0]!.peers}\``])),
		'',
		'## Ports per host (for firewall rules)',
		'',
		...table(['host', 'TCP ports other hosts and clients must reach'], plan.hosts.map(h => [
			h.spec.name,
			h.ports.filter(p => !p.owner.includes('reserved') && !(p.owner === 'console' && !h.console?.public)).map(p => String(p.port)).join(', '),
		])),
		'',
		'## Order',
		'',
		'1. On every host: steps 1–4 of its `RUNBOOK.md` (files, directories owned by uid 3000, network, images).',
		'2. Name servers on every host; then the brokers on every host (a group elects its leader once a majority of its replicas runs).',
		...(plan.console ? [`3. The console on ${plan.console.host}.`] : []),
		'',
		`Files: ${files.length} (see each host's folder). \`cluster.yaml\` pins every replica to its host: keep it, and`,
		'regenerate with `rmq-tui --export DIR --inventory cluster.yaml` after changes.',
		'',
	].join('\n');
}
