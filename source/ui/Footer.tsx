import {Box, Text} from 'ink';
import {hints, type Mode} from './keys.ts';
import {useTheme} from './theme.ts';

/** Status line (flash) and the key hints of the current mode, always at the bottom. */
export function Footer({mode, flash}: {mode: Mode; flash?: {level: 'info' | 'error'; text: string} | undefined}) {
	const t = useTheme();
	return (
		<Box flexDirection="column">
			<Text wrap="truncate" {...(flash?.level === 'error' && t.error ? {color: t.error} : {})}>{flash?.text ?? ' '}</Text>
			<Text wrap="truncate" dimColor={t.dim}>{hints(mode)}</Text>
		</Box>
	);
}
