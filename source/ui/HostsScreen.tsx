import {Box, Text} from 'ink';
import type {SshResolver} from '../inventory/parse.ts';
import {addressProblem, hostCountProblem, hostProblems, type WizardState} from '../wizard/model.ts';
import {useTheme} from './theme.ts';

/** Hosts step: the table with each row's problem, and the address input line with its own problem. */
export function HostsScreen({state, focus, rows, resolveSsh}: {state: WizardState; focus: 'input' | 'table'; rows: number; resolveSsh?: SshResolver | undefined}) {
	const t = useTheme();
	const problems = hostProblems(state, resolveSsh);
	const count = hostCountProblem(state);
	const inputProblem = state.input.trim() === '' ? undefined : state.input.includes(',') || /\s/.test(state.input.trim()) ? undefined : addressProblem(state.input.trim(), resolveSsh);
	const visible = Math.max(3, rows);
	const start = Math.max(0, Math.min(state.selected - visible + 1, state.hosts.length - visible));
	return (
		<Box flexDirection="column">
			<Text bold>Step 1/3 · Hosts <Text dimColor={t.dim}>(address, user@host:port or ~/.ssh/config alias)</Text></Text>
			<Text dimColor={t.dim}>{'  #  address'.padEnd(30)}problem</Text>
			{state.hosts.length === 0 ? <Text dimColor={t.dim}>  (none yet)</Text> : null}
			{state.hosts.slice(start, start + visible).map((h, j) => {
				const i = start + j;
				const sel = i === state.selected && focus === 'table';
				const p = problems[i];
				return (
					<Text key={i} wrap="truncate" inverse={sel}>
						{`${sel ? '>' : ' '}${String(i + 1).padStart(2)}  ${h.padEnd(24)} `}
						<Text {...(p && t.error ? {color: t.error} : {})}>{p ? `✗ ${p}` : '✓'}</Text>
					</Text>
				);
			})}
			<Text {...(count && t.error ? {color: t.error} : {})} wrap="truncate">{count ? `✗ ${count}` : `✓ ${state.hosts.length} hosts`}</Text>
			<Box>
				<Text {...(focus === 'input' && t.accent ? {color: t.accent} : {})}>{state.editing !== undefined ? `edit #${state.editing + 1}> ` : 'add> '}</Text>
				<Text>{state.input}</Text>
				{focus === 'input' ? <Text inverse> </Text> : null}
			</Box>
			<Text wrap="wrap" {...(inputProblem && t.error ? {color: t.error} : {})}>{inputProblem ? `✗ ${inputProblem}` : ' '}</Text>
		</Box>
	);
}
