/**
 * The deploy screen: a row per host with every step's state, the image transfer, the rollout steps with their
 * times, the preview of what will change (scrollable) and the questions the SSH layer asks. It renders a DeployRun
 * and sends it intents; it opens no connection itself.
 */
import {Box, Text, useInput} from 'ink';
import {useEffect, useState, useSyncExternalStore} from 'react';
import {HOST_STEPS, type StepState} from '../../deploy/events.ts';
import type {DeployProgress} from '../../deploy/progress.ts';
import {Footer, footerHeight} from '../Footer.tsx';
import {HelpOverlay} from '../HelpOverlay.tsx';
import {keyName, lookup, type DeployActionId, type Mode} from '../keys.ts';
import {useTheme} from '../theme.ts';
import type {QuestionBridge} from './questions.ts';
import type {DeployRun, RunState} from './run.ts';

const MARK: Record<StepState, string> = {pending: '·', running: '▸', ok: '✓', warn: '!', failed: '✗', skipped: '–'};
const STEP_LABEL: Record<(typeof HOST_STEPS)[number], string> = {
	connect: 'conn', preflight: 'check', lock: 'lock', dirs: 'dirs', files: 'files', network: 'net', image: 'image', containers: 'ctrs',
};

export function modeOf(state: RunState, question: ReturnType<QuestionBridge['current']>): Mode {
	if (question) return question.kind === 'confirm' ? 'deploy.confirm' : 'deploy.question';
	if (state.phase === 'checking') return 'deploy.checking';
	if (state.phase === 'preview') return 'deploy.preview';
	if (state.phase === 'applying') return 'deploy.running';
	return 'deploy.done';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The host × step grid, one line per host. */
export function hostLines(progress: DeployProgress): string[] {
	const width = Math.max(4, ...progress.hosts.map(h => h.host.length));
	const header = `${'host'.padEnd(width)}  ${HOST_STEPS.map(s => STEP_LABEL[s].padEnd(6)).join('')}`;
	return [
		header,
		...progress.hosts.map(h => {
			const cells = HOST_STEPS.map(s => `${MARK[h.steps[s]]}`.padEnd(6)).join('');
			const tail = h.image && h.steps.image === 'running' ? h.image.text : h.steps[h.current ?? 'connect'] === 'failed' ? (h.detail ?? '') : '';
			return `${h.host.padEnd(width)}  ${cells}${tail}`;
		}),
	];
}

export function rolloutLines(progress: DeployProgress, now: number): string[] {
	return progress.rollout.map(r => {
		const took = r.startedAt !== undefined ? seconds((r.endedAt ?? now) - r.startedAt) : '';
		return `${MARK[r.state]} ${r.index + 1}. ${r.title}${took ? ` (${took})` : ''}${r.state === 'failed' && r.detail ? `: ${r.detail}` : ''}`;
	});
}

export interface DeployScreenProps {
	run: DeployRun;
	questions: QuestionBridge;
	title: string;
	rows: number;
	columns: number;
	/** Back to the review (the run is over or was cancelled). */
	onExit: () => void;
	/** After a successful deploy: open the live pane on the deployed cluster (absent: Enter goes back). */
	onOpenPane?: () => void;
	onQuit: () => void;
}

export function DeployScreen({run, questions, title, rows, columns, onExit, onQuit, onOpenPane}: DeployScreenProps) {
	const t = useTheme();
	const state = useSyncExternalStore(run.subscribe, run.get);
	const question = useSyncExternalStore(questions.subscribe, questions.current);
	const [answer, setAnswer] = useState('');
	const [scroll, setScroll] = useState(0);
	const [help, setHelp] = useState(false);
	const [confirmQuit, setConfirmQuit] = useState(false);
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		void run.check();
	}, [run]);
	useEffect(() => {
		if (state.phase !== 'applying' && state.phase !== 'checking') return;
		const timer = setInterval(() => setNow(Date.now()), 200);
		return () => clearInterval(timer);
	}, [state.phase]);

	const mode = modeOf(state, question);
	const hosts = hostLines(state.progress);
	const rollout = rolloutLines(state.progress, now);
	const warnings = state.progress.hosts.flatMap(h => h.checks.filter(c => c.status !== 'ok').map(c => `${c.status === 'fail' ? '✗' : '!'} ${h.host} ${c.title}: ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ''}`));
	const notes = state.progress.notes.map(n => `${n.level === 'warn' ? '!' : '·'} ${n.text}`);
	const failures = state.failures.map(f => `✗ ${f.message}${f.fix ? ` — fix: ${f.fix}` : ''}`);
	const detail = state.phase === 'preview' || state.phase === 'noop' ? (state.preview ?? '').split('\n') : [...failures, ...warnings, ...notes];
	const fixed = 2 + hosts.length + rollout.length + (rollout.length ? 1 : 0) + footerHeight(mode, columns) + (question ? 2 : 0) + (confirmQuit ? 1 : 0);
	const room = Math.max(2, rows - 1 - fixed);
	const shown = detail.slice(scroll, scroll + room);

	const headline = {
		checking: 'connecting and checking every host…',
		blocked: 'stopped before changing anything',
		preview: 'this is what will change — y to apply',
		noop: 'nothing to change: every host already runs this plan',
		applying: `applying… ${state.startedAt ? seconds(now - state.startedAt) : ''}`,
		done: `✓ deployed in ${state.startedAt && state.endedAt ? seconds(state.endedAt - state.startedAt) : '?'}${state.snapshot ? ` — ${state.snapshot.groups.map(g => `${g.group}: leader ${g.leader ?? 'none'}`).join(', ')}` : ''}`,
		failed: '✗ deploy did not finish — what succeeded stays; deploy again to continue',
		cancelled: 'cancelled',
	}[state.phase];

	const handlers: Record<DeployActionId | 'up' | 'down' | 'pageUp' | 'pageDown' | 'help' | 'quit', () => void> = {
		apply: () => void run.apply(),
		cancelDeploy: () => {
			void run.close();
			onExit();
		},
		finish: () => {
			void run.close();
			onExit();
		},
		openPane: () => {
			if (state.phase === 'done' && onOpenPane) onOpenPane();
			else {
				void run.close();
				onExit();
			}
		},
		answer: () => {
			questions.answer(answer);
			setAnswer('');
		},
		skipAnswer: () => {
			questions.answer(undefined);
			setAnswer('');
		},
		yes: () => questions.answer(true),
		no: () => questions.answer(false),
		up: () => setScroll(s => Math.max(0, s - 1)),
		down: () => setScroll(s => Math.max(0, Math.min(detail.length - room, s + 1))),
		pageUp: () => setScroll(s => Math.max(0, s - room)),
		pageDown: () => setScroll(s => Math.max(0, Math.min(detail.length - room, s + room))),
		help: () => setHelp(true),
		quit: () => (state.phase === 'applying' ? setConfirmQuit(true) : onQuit()),
	};

	useInput((input, key) => {
		const name = keyName(input, key);
		if (confirmQuit) {
			if (name === 'y' || name === 'ctrl+c') onQuit();
			else if (name === 'n' || name === 'esc') setConfirmQuit(false);
			return;
		}
		if (help) {
			setHelp(false);
			return;
		}
		const binding = lookup(mode, name);
		if (binding) {
			(handlers as Partial<Record<string, () => void>>)[binding.action]?.();
			return;
		}
		if (mode !== 'deploy.question') return;
		if (name === 'backspace') setAnswer(a => a.slice(0, -1));
		else if (input && !key.ctrl && !key.meta) setAnswer(a => a + input.replace(/[\u0000-\u001F\u007F]/g, ''));
	});

	if (help) return <HelpOverlay mode={mode} />;
	const accent = t.accent ? {color: t.accent} : {};
	const bad = t.error ? {color: t.error} : {};
	return (
		<Box flexDirection="column" height={Math.max(12, rows - 1)} width={columns}>
			<Text bold wrap="truncate">rmq-tui · deploy {title}</Text>
			<Text wrap="truncate" {...(state.phase === 'failed' || state.phase === 'blocked' ? bad : state.phase === 'done' && t.ok ? {color: t.ok} : {})}>{headline}</Text>
			{hosts.map((l, i) => <Text key={`h${i}`} wrap="truncate" dimColor={i === 0 && t.dim}>{l}</Text>)}
			{rollout.length > 0 ? <Text dimColor={t.dim}>rollout</Text> : null}
			{rollout.map((l, i) => <Text key={`r${i}`} wrap="truncate">{l}</Text>)}
			<Box flexDirection="column" flexGrow={1}>
				{shown.map((l, i) => <Text key={`d${i}`} wrap="truncate" {...(l.startsWith('✗') ? bad : {})}>{l || ' '}</Text>)}
			</Box>
			{question ? (
				<Box flexDirection="column">
					<Text wrap="truncate" {...accent}>{question.kind === 'confirm' && question.detail ? question.detail : ' '}</Text>
					{question.kind === 'confirm'
						? <Text wrap="truncate" bold>{question.text} [y/n]</Text>
						: <Box><Text bold wrap="truncate">{question.text} </Text><Text>{question.kind === 'secret' ? '•'.repeat(answer.length) : answer}</Text><Text inverse> </Text></Box>}
				</Box>
			) : null}
			{confirmQuit ? <Text bold wrap="truncate">A deploy is running: quitting leaves hosts part-way (the next deploy continues). y quit · n stay</Text> : null}
			<Footer mode={mode} columns={columns} />
		</Box>
	);
}
