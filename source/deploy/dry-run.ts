/** The dry-run as text (pure): per host exactly what would change, then the order, then the warnings. */
import type {Changes, HostChanges} from './changes.ts';

function containerLine(action: HostChanges['containers'][number]): string | undefined {
	switch (action.kind) {
		case 'keep':
			return undefined;
		case 'create':
			return `  + create ${action.spec.name}`;
		case 'start':
			return `  > start ${action.spec.name} (${action.reason})`;
		case 'recreate':
			return [`  ~ recreate ${action.spec.name}:`, ...action.reasons.map(r => `      ${r}`)].join('\n');
		case 'conflict':
			return `  ! ${action.reason}`;
	}
}

export function hostSection(h: HostChanges): string[] {
	const lines: string[] = [];
	for (const f of h.files) {
		if (f.kind === 'create') lines.push(`  + write ${f.file.path}`);
		if (f.kind === 'update') lines.push(`  ~ update ${f.file.path} (backup ${f.backupPath})`, ...f.diff.split('\n').map(l => `      ${l}`));
	}
	for (const image of h.missingImages) lines.push(`  + image ${image}`);
	if (h.createNetwork) lines.push(`  + create network ${h.containers[0]?.spec.network ?? ''}`.trimEnd());
	for (const c of h.containers) {
		const line = containerLine(c);
		if (line) lines.push(line);
	}
	for (const o of h.orphans) lines.push(`  - remove ${o.observed.name} (no longer in the plan; its data dirs stay)`);
	return lines;
}

export function dryRunText(changes: Changes): string {
	const out: string[] = [];
	for (const h of changes.hosts) {
		const lines = hostSection(h);
		const unchanged = h.files.filter(f => f.kind === 'unchanged').length;
		const kept = h.containers.filter(c => c.kind === 'keep').length;
		out.push(`${h.host}: ${lines.length === 0 ? 'no changes' : `${lines.filter(l => /^ {2}\S/.test(l)).length} change(s)`} (${unchanged} file(s) and ${kept} container(s) already right)`);
		out.push(...lines);
	}
	if (changes.steps.length > 0) {
		out.push('', 'Order:');
		changes.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s.title} — then wait until ${waitText[s.wait]}`));
	}
	if (changes.warnings.length > 0) out.push('', 'Warnings:', ...changes.warnings.map(w => `  ! ${w}`));
	return out.join('\n');
}

const waitText = {
	answering: 'its ports answer',
	elected: 'each group has a leader every name server names',
	'back-as-follower': 'it is back as a follower',
} as const;
