/**
 * Renders rows of styled segments (source/live/view/text.ts), one <Text> per row whose styles are SGR codes made
 * here: Ink lays out one node per row instead of one per segment (a frame costs a few milliseconds). Not one <Text>
 * for the whole frame: Ink caches measurements by text (LRU of 4,096), and whole frames as keys would hold tens of
 * MB under a log flood; rows keep that cache small. Every row is already fitted to the width, so nothing wraps.
 */
import {Text} from 'ink';
import type {Row, Segment, Tone} from '../../live/view/text.ts';
import type {Theme} from '../theme.ts';
import {useTheme} from '../theme.ts';

const FG: Record<string, number> = {cyan: 36, red: 31, green: 32, yellow: 33};

function styled(s: Segment, t: Theme): string {
	if (s.text === '') return '';
	const colors: Partial<Record<Tone, string | undefined>> = {ok: t.ok, bad: t.error, accent: t.accent, warn: t.accent ? 'yellow' : undefined};
	const color = s.tone && s.tone !== 'dim' ? colors[s.tone] : undefined;
	const open: number[] = [];
	const close: number[] = [];
	if (color && FG[color] !== undefined) open.push(FG[color]!), close.push(39);
	if (s.bold) open.push(1), close.push(22);
	else if (s.tone === 'dim' && t.dim) open.push(2), close.push(22);
	if (s.inverse) open.push(7), close.push(27);
	return open.length === 0 ? s.text : `\u001B[${open.join(';')}m${s.text}\u001B[${close.join(';')}m`;
}

export const rowsText = (rows: readonly Row[], t: Theme): string => rows.map(row => (row.length === 0 ? ' ' : row.map(s => styled(s, t)).join('') || ' ')).join('\n');

export function Rows({rows}: {rows: readonly Row[]}) {
	const t = useTheme();
	return (
		<>
			{rows.map((row, i) => (
				<Text key={i}>{rowsText([row], t)}</Text>
			))}
		</>
	);
}
