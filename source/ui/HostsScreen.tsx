import {Box, Text} from 'ink';
import {hostRow, type WizardEnv} from '../wizard/host-fields.ts';
import {addressProblem, hostCountProblem, hostProblems, type WizardState} from '../wizard/model.ts';
import {HostForm} from './HostForm.tsx';
import {headerLine, rowLine, windowCount, windowStart} from './host-table.ts';
import {useTheme} from './theme.ts';

/** Lines of the hosts step around the table: title, header, count, add line, its problem (up to two lines). */
const AROUND_TABLE = 6;

/** Hosts step: the table (a problem line under a bad row) and the add line with its own problem; or one host's form. */
export function HostsScreen({state, focus, rows, columns, env}: {state: WizardState; focus: 'input' | 'table'; rows: number; columns: number; env: WizardEnv}) {
	const t = useTheme();
	if (state.form) return <HostForm state={state} rows={rows} columns={columns} env={env} />;
	const problems = hostProblems(state, env);
	const count = hostCountProblem(state);
	const typed = state.input.trim();
	const inputProblem = typed === '' || typed.includes(',') || /\s/.test(typed) ? undefined : addressProblem(typed, env);
	const costs = state.hosts.map((_, i) => (problems[i] ? 2 : 1));
	const budget = Math.max(2, rows - AROUND_TABLE);
	const start = windowStart(costs, state.selected, budget);
	const shown = windowCount(costs, start, budget);
	const err = t.error ? {color: t.error} : {};
	const range = shown < state.hosts.length ? ` (rows ${start + 1}–${start + shown} shown)` : '';
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">Step 1/3 · Hosts <Text dimColor={t.dim}>(Enter/e on a row edits user, port, identity…)</Text></Text>
			<Text dimColor={t.dim} wrap="truncate">{headerLine(columns)}</Text>
			{state.hosts.length === 0 ? <Text dimColor={t.dim} wrap="truncate">  (none yet — no servers at hand? Ctrl-C, then: npx rmq-tui --demo)</Text> : null}
			{state.hosts.slice(start, start + shown).map((h, j) => {
				const i = start + j;
				const p = problems[i];
				return (
					<Box key={i} flexDirection="column">
						<Text wrap="truncate" inverse={i === state.selected && focus === 'table'}>{rowLine(hostRow(h, env), i, i === state.selected && focus === 'table', !p, columns)}</Text>
						{p ? <Text wrap="truncate" {...err}>{`      ✗ ${p}`}</Text> : null}
					</Box>
				);
			})}
			<Text {...(count ? err : {})} wrap="truncate">{count ? `✗ ${count}` : `✓ ${state.hosts.length} hosts${range}`}</Text>
			<Box>
				<Text {...(focus === 'input' && t.accent ? {color: t.accent} : {})}>add&gt; </Text>
				<Text wrap="truncate">{state.input}</Text>
				{focus === 'input' ? <Text inverse> </Text> : null}
			</Box>
			<Box height={2}><Text wrap="wrap" {...(inputProblem ? err : {})}>{inputProblem ? `✗ ${inputProblem}` : ' '}</Text></Box>
		</Box>
	);
}
