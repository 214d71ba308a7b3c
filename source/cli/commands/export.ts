/** `rmq-tui --export DIR` (and `--json` alone): plan, render, self-lint, write the tree atomically. */
import {resolve} from 'node:path';
import {formatErrors} from '../../inventory/errors.ts';
import type {ClusterFile} from '../../inventory/schema.ts';
import {lintRendered} from '../../lint/index.ts';
import {buildPlan} from '../../plan/plan.ts';
import type {Plan} from '../../plan/types.ts';
import {renderCluster} from '../../render/render.ts';
import {exportTree, type TreeEntry} from '../../export/tree.ts';
import {ExportError, writeTreeAtomically} from '../../export/write-tree.ts';
import {topologyRows} from '../../export/summary.ts';
import {EXIT, type CommandIO} from '../io.ts';

/** The tree as `tree(1)` would print it, directories first level by level. */
export function treeListing(root: string, entries: readonly TreeEntry[]): string {
	interface Node {
		children: Map<string, Node>;
		file: boolean;
	}
	const top: Node = {children: new Map(), file: false};
	for (const entry of entries) {
		let node = top;
		for (const [i, part] of entry.path.split('/').entries()) {
			if (!node.children.has(part)) node.children.set(part, {children: new Map(), file: false});
			node = node.children.get(part)!;
			if (i === entry.path.split('/').length - 1 && entry.content !== undefined) node.file = true;
		}
	}
	const lines = [`${root}/`];
	const walk = (node: Node, prefix: string) => {
		const kids = [...node.children.entries()];
		kids.forEach(([name, child], i) => {
			const last = i === kids.length - 1;
			lines.push(`${prefix}${last ? '└── ' : '├── '}${name}${child.file ? '' : '/'}`);
			walk(child, `${prefix}${last ? '    ' : '│   '}`);
		});
	};
	walk(top, '');
	return lines.join('\n');
}

export function planToJson(plan: Plan): string {
	return `${JSON.stringify(plan, null, 2)}\n`;
}

function topologyText(plan: Plan): string {
	const rows = [['host', 'ip', 'name server', 'brokers (listen/fast/DLedger)', 'console'], ...topologyRows(plan).map(r => r.map(c => c.replaceAll('<br>', ', ')))];
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)));
	return rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export interface ExportFlags {
	force: boolean;
	json: boolean;
	/** How to name a cluster-file path in messages (a flag when the cluster came from flags). */
	label?: (path: string) => string;
}

export async function exportCommand(cluster: ClusterFile, target: string | undefined, flags: ExportFlags, io: CommandIO): Promise<number> {
	const planned = buildPlan(cluster);
	if (!planned.ok) {
		const label = flags.label ?? ((path: string) => path);
		io.stderr(`rmq-tui: the cluster cannot be planned:\n${formatErrors(planned.errors.map(e => ({...e, path: label(e.path)})))}\n`);
		return EXIT.usage;
	}
	const {plan} = planned;
	const files = renderCluster(plan);
	const findings = lintRendered(files, Object.fromEntries(plan.hosts.map(h => [h.spec.name, h.spec.ip])));
	const errors = findings.filter(f => f.severity === 'error');
	if (errors.length > 0) {
		io.stderr(`rmq-tui: internal error: the generated files fail lint:\n${errors.map(f => `${f.file}:${f.line ?? 0}: ${f.message}`).join('\n')}\n`);
		return EXIT.findings;
	}
	if (target === undefined) {
		io.stdout(planToJson(plan));
		return EXIT.ok;
	}
	const entries = exportTree(cluster, plan, files);
	let written: string;
	try {
		written = await writeTreeAtomically(resolve(io.cwd, target), entries, {force: flags.force});
	} catch (error) {
		if (!(error instanceof ExportError)) throw error;
		io.stderr(`rmq-tui: ${error.message}\n  fix: ${error.fix}\n`);
		return EXIT.usage;
	}
	if (flags.json) {
		io.stdout(planToJson(plan));
		return EXIT.ok;
	}
	const warnings = findings.filter(f => f.severity === 'warning');
	io.stdout(
		[
			`Wrote ${files.length} files for ${plan.hosts.length} hosts to ${written}`,
			'',
			topologyText(plan),
			'',
			treeListing(target.replace(/\/+$/, ''), entries),
			'',
			...warnings.map(w => `warning: ${w.file}: ${w.message}`),
			`Next: follow ${target.replace(/\/+$/, '')}/<host>/RUNBOOK.md on each host (name servers everywhere first), or read SUMMARY.md.`,
			'',
		].join('\n'),
	);
	return EXIT.ok;
}
