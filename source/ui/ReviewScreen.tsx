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

export interface ReviewLayout {
	/** Topology lines (the last one says how many more hosts when cut). */
	topology: number;
	files: number;
	preview: number;
}

/** Title, header, lint, files header, preview border, deploy/export line. */
const REVIEW_FIXED = 6;

/** How the review's `rows` lines are shared: every host if it can, four files, the rest to the preview (at least 2). */
export function reviewLayout(rows: number, hosts: number, files: number): ReviewLayout {
	const avail = Math.max(5, rows - REVIEW_FIXED);
	let list = Math.min(4, files);
	let topology = hosts;
	if (avail - topology - list < 3) list = Math.min(list, 2);
	if (avail - topology - list < 2) topology = Math.max(1, avail - list - 2);
	return {topology, files: list, preview: Math.max(1, avail - topology - list)};
}

/** Review step: topology, lint result, every file per host and the cluster.yaml, a scrollable preview, the export line. */
export function ReviewScreen({review, file, scroll, exportDraft, layout}: {review: Review; file: number; scroll: number; exportDraft?: string | undefined; layout: ReviewLayout}) {
	const t = useTheme();
	const errors = review.findings.filter(f => f.severity === 'error').length;
	const warnings = review.findings.filter(f => f.severity === 'warning').length;
	const lint = review.findings.length === 0 ? '✓ lint: no findings' : `${errors > 0 ? '✗' : '!'} lint: ${errors} error(s), ${warnings} warning(s): ${review.findings[0]!.message}`;
	const files = review.browse;
	const start = Math.max(0, Math.min(file - 1, files.length - layout.files));
	const selected = files[file];
	const lines = selected ? selected.content.split('\n') : [];
	const topology = topologyLines(review.plan);
	const shown = topology.length > layout.topology ? [...topology.slice(0, layout.topology - 1), `… ${topology.length - layout.topology + 1} more hosts`] : topology;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">Step 3/3 · Review: {review.plan.options.name}, {review.plan.groups.length} groups × {review.plan.options.replicas} replicas</Text>
			<Text dimColor={t.dim} wrap="truncate">{`${'host'.padEnd(15)} ${'ns'.padEnd(6)} brokers (group/selfId :listen)`}</Text>
			{shown.map(l => <Text key={l} wrap="truncate">{l}</Text>)}
			<Text wrap="truncate" {...(errors > 0 && t.error ? {color: t.error} : review.findings.length === 0 && t.ok ? {color: t.ok} : {})}>{lint}</Text>
			<Text dimColor={t.dim} wrap="truncate">{`Files (${files.length}), ${file + 1}/${files.length}${lines.length > layout.preview ? `, lines ${scroll + 1}–${Math.min(lines.length, scroll + layout.preview)} of ${lines.length}` : ''}:`}</Text>
			{files.slice(start, start + layout.files).map((f, j) => (
				<Text key={f.label} wrap="truncate" inverse={start + j === file}>{`${start + j === file ? '>' : ' '} ${f.label}`}</Text>
			))}
			<Box flexDirection="column" borderStyle="single" borderTop={true} borderBottom={false} borderLeft={false} borderRight={false}>
				{lines.slice(scroll, scroll + layout.preview).map((l, i) => <Text key={i} wrap="truncate" dimColor={t.dim}>{l || ' '}</Text>)}
			</Box>
			{exportDraft !== undefined ? (
				<Box><Text {...(t.accent ? {color: t.accent} : {})}>export to directory&gt; </Text><Text wrap="truncate">{exportDraft}</Text><Text inverse> </Text></Box>
			) : <Text dimColor={t.dim} wrap="truncate">D deploys: connect, check, show the changes, then ask</Text>}
		</Box>
	);
}
