import {Box, Text} from 'ink';
import {BINDINGS, bindingsFor, type Mode} from './keys.ts';

/** The `?` overlay: every binding of the current mode, from the same table as dispatch. */
export function HelpOverlay({mode}: {mode: Mode}) {
	const rows = bindingsFor(mode).map(b => ({keys: b.keys.join('/'), label: b.label || labelOfPair(mode, b.action), disabled: b.disabled}));
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1}>
			<Text bold>Keys ({mode}) — any key closes</Text>
			{rows.map(r => (
				<Text key={r.keys + r.label} wrap="truncate">{`${r.keys.padEnd(18)} ${r.label}${r.disabled ? ` — disabled: ${r.disabled}` : ''}`}</Text>
			))}
		</Box>
	);
}

const labelOfPair = (mode: Mode, action: string): string => BINDINGS[mode].find(b => b.action === action)?.label || action;
