import {Box, Text} from 'ink';
import {hintLines, type Mode} from './keys.ts';
import {useTheme} from './theme.ts';

/** Lines the footer takes at a width: the status line and the hints, wrapped. */
export const footerHeight = (mode: Mode, columns: number): number => 1 + hintLines(mode, columns).length;

/** Status line (flash) and every key hint of the current mode, wrapped at hint boundaries, always at the bottom. */
export function Footer({mode, flash, columns}: {mode: Mode; flash?: {level: 'info' | 'error'; text: string} | undefined; columns: number}) {
	const t = useTheme();
	return (
		<Box flexDirection="column">
			<Text wrap="truncate" {...(flash?.level === 'error' && t.error ? {color: t.error} : {})}>{flash?.text ?? ' '}</Text>
			{hintLines(mode, columns).map(line => <Text key={line} wrap="truncate" dimColor={t.dim}>{line}</Text>)}
		</Box>
	);
}
