import {Box, Text} from 'ink';
import {AUTH_LABELS, AUTH_MODES, hasSshDefaults, HOST_FIELDS, placeholder, type WizardEnv} from '../wizard/host-fields.ts';
import {formProblems, type WizardState} from '../wizard/model.ts';
import {useTheme} from './theme.ts';

const LABEL = 10;
const PROBLEM_INDENT = 4;

/** A field's problem, under it, indented (wrapped lines too). */
function Problem({text, wrap}: {text: string; wrap: 'wrap' | 'truncate'}) {
	const t = useTheme();
	return <Box paddingLeft={PROBLEM_INDENT}><Text wrap={wrap} {...(t.error ? {color: t.error} : {})}>✗ {text}</Text></Box>;
}

/** One host's fields: value (or the greyed default and where it comes from), the exact problem under its field. */
export function HostForm({state, rows, columns, env}: {state: WizardState; rows: number; columns: number; env: WizardEnv}) {
	const t = useTheme();
	const form = state.form!;
	const h = form.fields;
	const problems = formProblems(state, env);
	const fromConfig = hasSshDefaults(h, env);
	const messages = HOST_FIELDS.map(f => problems[f.key]).filter((m): m is string => m !== undefined);
	// Wrap the problems when they fit, else one line each.
	const wrapped = messages.reduce((n, m) => n + Math.ceil((m.length + 2) / Math.max(1, columns - PROBLEM_INDENT)), 0);
	const help = HOST_FIELDS[form.focus]!.help;
	const fixed = 2 + HOST_FIELDS.length;
	const wrap = fixed + wrapped + 1 <= rows ? 'wrap' : 'truncate';
	const helpWrap = fixed + (wrap === 'wrap' ? wrapped : messages.length) + Math.ceil(help.length / Math.max(1, columns)) <= rows ? 'wrap' : 'truncate';
	const err = t.error ? {color: t.error} : {};
	const accent = t.accent ? {color: t.accent} : {};
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">Step 1/3 · Hosts › host {form.index + 1}{h.address ? `: ${h.address}` : ''}</Text>
			<Text wrap="truncate" dimColor={t.dim}>{fromConfig ? `~/.ssh/config has a Host entry for "${h.address}": grey values are from ~/.ssh/config` : 'empty fields take the grey default'}</Text>
			{HOST_FIELDS.map((f, i) => {
				const focused = i === form.focus;
				const problem = problems[f.key];
				const label = `${focused ? '>' : ' '} ${f.label.padEnd(LABEL)} `;
				if (f.key === 'auth') {
					return (
						<Box key={f.key} flexDirection="column">
							<Text wrap="truncate">
								<Text {...(focused ? accent : {})}>{label}</Text>
								{AUTH_MODES.map((m, j) => (
									<Text key={m}>
										{j > 0 ? ' ' : ''}
										{m === h.auth ? <Text bold inverse={focused}>{`[${AUTH_LABELS[m]}]`}</Text> : <Text dimColor={t.dim}>{` ${AUTH_LABELS[m]} `}</Text>}
									</Text>
								))}
							</Text>
							{problem ? <Problem text={problem} wrap={wrap} /> : null}
						</Box>
					);
				}
				const value = h[f.key];
				return (
					<Box key={f.key} flexDirection="column">
						<Text wrap="truncate">
							<Text {...(focused ? accent : {})}>{label}</Text>
							<Text {...(problem ? err : {})}>{value}</Text>
							{focused ? <Text inverse> </Text> : null}
							{value === '' ? <Text dimColor={t.dim}>{placeholder(h, f.key, env)}</Text> : null}
						</Text>
						{problem ? <Problem text={problem} wrap={wrap} /> : null}
					</Box>
				);
			})}
			<Text wrap={helpWrap} dimColor={t.dim}>{help}</Text>
		</Box>
	);
}
