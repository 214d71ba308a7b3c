import {Box, Text} from 'ink';
import type {SavedCluster} from '../store/clusters.ts';
import {useTheme} from './theme.ts';

/** Where the saved clusters come from: a store, or the message of a file that cannot be read. */
export type StartView = {ok: true; saved: readonly SavedCluster[]; path: string} | {ok: false; message: string; fix: string};

/** The start screen's first row (when the demo is offered). */
export const DEMO_ROW = 'Try the demo — a simulated cluster, no servers';

/**
 * The start screen: the demo (when offered) and the saved clusters to open, or a new one; a broken store says what
 * and what to do. `selected` counts the demo row first.
 */
export function StartScreen({view, demo = false, selected, confirmDelete, rows}: {view: StartView; demo?: boolean; selected: number; confirmDelete: boolean; rows: number}) {
	const t = useTheme();
	const err = t.error ? {color: t.error} : {};
	if (!view.ok) {
		return (
			<Box flexDirection="column">
				<Text bold>Saved clusters</Text>
				<Text wrap="wrap" {...err}>✗ {view.message}</Text>
				<Text wrap="wrap">  {view.fix}</Text>
			</Box>
		);
	}
	const offset = demo ? 1 : 0;
	const visible = Math.max(3, rows - offset);
	const savedPick = selected - offset;
	const start = Math.max(0, Math.min(savedPick - visible + 1, view.saved.length - visible));
	const current = view.saved[savedPick];
	return (
		<Box flexDirection="column">
			{demo ? <Text wrap="truncate" bold inverse={selected === 0}>{`${selected === 0 ? '>' : ' '} ${DEMO_ROW} `}</Text> : null}
			<Text bold>Saved clusters <Text dimColor={t.dim}>({view.path})</Text></Text>
			<Text dimColor={t.dim}>{'  name'.padEnd(26)}{'hosts'.padEnd(7)}saved at</Text>
			{view.saved.length === 0 ? <Text dimColor={t.dim}>  (none saved: n starts a new cluster)</Text> : null}
			{view.saved.slice(start, start + visible).map((s, j) => {
				const i = start + j;
				return (
					<Text key={s.name} wrap="truncate" inverse={i === savedPick}>
						{`${i === savedPick ? '>' : ' '} ${s.name.padEnd(24)} ${String(s.hosts ?? '?').padEnd(6)} ${s.savedAt.replace('T', ' ').slice(0, 19)} `}
						{s.problem ? <Text {...err}>✗</Text> : null}
					</Text>
				);
			})}
			{current?.problem ? <Text wrap="wrap" {...err}>✗ {current.problem}</Text> : null}
			{confirmDelete && current ? <Text bold wrap="truncate">Delete saved cluster "{current.name}"? y delete · n keep</Text> : null}
		</Box>
	);
}
