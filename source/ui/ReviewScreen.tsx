import {Box, Text} from 'ink';
import type {Plan} from '../plan/types.ts';
import type {Review} from '../wizard/model.ts';
import {useTheme} from './theme.ts';

/** One compact row per host: name server, brokers (group/selfId :listen) and console. */
export function topologyLines(plan: Plan): string[] {
	return plan.hosts.map(h => {
		const ns = h.namesrv ? `:${h.namesrv.port}` : '—';
		const brokers = h.brokers.map(b => `${b.group}/${b.selfId} :${b.listenPort}`).join(' ') || '—';
		const con = h.console ? ` console :${h.console.port}` : '';
		return `${h.spec.name.padEnd(15)} ${ns.padEnd(6)} ${brokers}${con}`;
	});
}

export const PREVIEW_LINES = 6;
const FILE_LINES = 4;

/** Review step: topology, lint result, files per host with a scrollable preview, and the export line. */
export function ReviewScreen({review, file, scroll, exportDraft}: {review: Review; file: number; scroll: number; exportDraft?: string | undefined}) {
	const t = useTheme();
	const errors = review.findings.filter(f => f.severity === 'error').length;
	const warnings = review.findings.filter(f => f.severity === 'warning').length;
	const lint = review.findings.length === 0 ? '✓ lint: no findings' : `${errors > 0 ? '✗' : '!'} lint: ${errors} error(s), ${warnings} warning(s): ${review.findings[0]!.message}`;
	const files = review.files;
	const start = Math.max(0, Math.min(file - 1, files.length - FILE_LINES));
	const selected = files[file];
	const lines = selected ? selected.content.split('\n') : [];
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">Step 3/3 · Review: {review.plan.options.name}, {review.plan.groups.length} groups × {review.plan.options.replicas} replicas</Text>
			<Text dimColor={t.dim}>{`${'host'.padEnd(15)} ${'ns'.padEnd(6)} brokers (group/selfId :listen)`}</Text>
			{topologyLines(review.plan).map(l => <Text key={l} wrap="truncate">{l}</Text>)}
			<Text wrap="truncate" {...(errors > 0 && t.error ? {color: t.error} : review.findings.length === 0 && t.ok ? {color: t.ok} : {})}>{lint}</Text>
			<Text dimColor={t.dim}>{`Files (${files.length}), ${file + 1}/${files.length}:`}</Text>
			{files.slice(start, start + FILE_LINES).map((f, j) => (
				<Text key={`${f.host}:${f.path}`} wrap="truncate" inverse={start + j === file}>{`${start + j === file ? '>' : ' '} ${f.host}:${f.path}`}</Text>
			))}
			<Box flexDirection="column" borderStyle="single" borderTop={true} borderBottom={false} borderLeft={false} borderRight={false}>
				{lines.slice(scroll, scroll + PREVIEW_LINES).map((l, i) => <Text key={i} wrap="truncate" dimColor={t.dim}>{l || ' '}</Text>)}
			</Box>
			{exportDraft !== undefined ? (
				<Box><Text {...(t.accent ? {color: t.accent} : {})}>export to directory&gt; </Text><Text>{exportDraft}</Text><Text inverse> </Text></Box>
			) : <Text dimColor={t.dim}>deploy: disabled — arrives with the deploy issue</Text>}
		</Box>
	);
}
