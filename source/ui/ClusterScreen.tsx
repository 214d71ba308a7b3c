import {Box, Text} from 'ink';
import type {WizardEnv} from '../wizard/host-fields.ts';
import {OPTION_FIELDS, optionProblems, type WizardState} from '../wizard/model.ts';
import {useTheme} from './theme.ts';

/** Cluster step: each option with its value, a one-line explanation, and its problem. */
export function ClusterScreen({state, field, draft, env}: {state: WizardState; field: number; draft?: string | undefined; env: WizardEnv}) {
	const t = useTheme();
	const problems = optionProblems(state, env);
	const current = OPTION_FIELDS[field]!;
	const problem = problems[current.key];
	return (
		<Box flexDirection="column">
			<Text bold>Step 2/3 · Cluster options</Text>
			{OPTION_FIELDS.map((f, i) => {
				const sel = i === field;
				const editing = sel && draft !== undefined;
				const value = editing ? draft : state.options[f.key] || (f.key === 'consoleHost' ? '(first host)' : '');
				const bad = problems[f.key] !== undefined;
				return (
					<Text key={f.key} wrap="truncate" inverse={sel && !editing}>
						{`${sel ? '>' : ' '} ${f.label.padEnd(17)} `}
						<Text {...(bad && t.error ? {color: t.error} : {})}>{value}</Text>
						{editing ? <Text inverse> </Text> : null}
						{bad ? ' ✗' : ''}
					</Text>
				);
			})}
			<Text> </Text>
			<Text wrap="truncate" dimColor={t.dim}>{current.help}</Text>
			<Text wrap="wrap" {...(problem && t.error ? {color: t.error} : {})}>{problem ? `✗ ${problem}` : ' '}</Text>
		</Box>
	);
}
