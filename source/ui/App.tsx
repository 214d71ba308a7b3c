/**
 * The wizard shell: one useReducer around the pure model, one input hook reading the key table,
 * pure screens. The only I/O is the injected `exportTo`.
 */
import {Box, Text, useApp, useInput, usePaste} from 'ink';
import {useMemo, useReducer, useState} from 'react';
import type {TreeEntry} from '../export/tree.ts';
import type {SshResolver} from '../inventory/parse.ts';
import type {OpenedStore, SavedCluster} from '../store/clusters.ts';
import type {WizardEnv} from '../wizard/host-fields.ts';
import {
	canLeave, initialState, OPTION_FIELDS, review, stateFromCluster, wizardReducer, type WizardAction, type WizardState,
} from '../wizard/model.ts';
import {withRecord} from '../deploy/record.ts';
import {ClusterScreen} from './ClusterScreen.tsx';
import {DeployScreen} from './deploy/DeployScreen.tsx';
import {QuestionBridge} from './deploy/questions.ts';
import {DeployRun, type Deployer, type Handover} from './deploy/run.ts';
import {Footer, footerHeight} from './Footer.tsx';
import {HelpOverlay} from './HelpOverlay.tsx';
import {HostsScreen} from './HostsScreen.tsx';
import {keyName, lookup, TEXT_MODES, type ActionId, type DeployActionId, type Mode} from './keys.ts';
import {ReviewScreen, reviewLayout} from './ReviewScreen.tsx';
import {StartScreen, type StartView} from './StartScreen.tsx';
import {ThemeContext, themeFor} from './theme.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface AppProps {
	initial?: WizardState;
	/** Writes the export tree; resolves to the directory written. */
	exportTo: (dir: string, tree: readonly TreeEntry[]) => Promise<string>;
	env?: NodeJS.ProcessEnv;
	resolveSsh?: SshResolver;
	/** Does a key file exist (path as typed, `~/` allowed)? Without one, key files are not checked. */
	fileExists?: (path: string) => boolean;
	/** Terminal size at start (default 80×24); then stdout 'resize' events are followed. */
	rows?: number;
	columns?: number;
	/** Saved clusters. With one (and no `initial`), the wizard opens on the start screen when it has entries or cannot be read. */
	store?: OpenedStore;
	/** Deploys the reviewed cluster (real SSH hosts, or simulated ones); without one, D says deploying is not available. */
	deployer?: Deployer;
	/** After a successful deploy: hand the plan and its open fleet on (the live pane); the wizard then exits. */
	onDeployed?: (handover: Handover) => void;
	/** The start screen's first row, "Try the demo": picked, the wizard reports it and exits (the caller starts the demo). */
	onDemo?: () => void;
	/** Shown in the title after "rmq-tui ·", e.g. that this is the demo on simulated hosts. */
	label?: string;
}

type Flash = {level: 'info' | 'error'; text: string};

const errorText = (error: unknown) => `✗ ${(error as Error).message}${(error as {fix?: string}).fix ? ` (${(error as {fix?: string}).fix})` : ''}`;

export function App({initial, exportTo, env = {}, resolveSsh, fileExists, rows: startRows = 24, columns: startColumns = 80, store, deployer, onDeployed, onDemo, label}: AppProps) {
	const {exit} = useApp();
	const {rows, columns} = useTerminalSize({rows: startRows, columns: startColumns});
	const wenv: WizardEnv = useMemo(() => ({resolveSsh, fileExists}), [resolveSsh, fileExists]);
	const [opened, setOpened] = useState<OpenedStore | undefined>(store);
	const listSaved = (o: OpenedStore | undefined): SavedCluster[] => (o?.ok ? o.store.list() : []);
	const [saved, setSaved] = useState<SavedCluster[]>(() => listSaved(store));
	// Start-screen rows: the demo first (when offered), then the saved clusters; a saved one is picked at first.
	const demoRows = onDemo ? 1 : 0;
	const [pick, setPick] = useState(() => (saved.length > 0 ? demoRows : 0));
	const pickedSaved = pick >= demoRows ? saved[pick - demoRows] : undefined;
	const [confirmDelete, setConfirmDelete] = useState(false);
	const [saveDraft, setSaveDraft] = useState<string | undefined>(undefined);
	const [title, setTitle] = useState<string | undefined>(undefined);
	const [state, dispatch] = useReducer(
		(s: WizardState, a: WizardAction) => wizardReducer(s, a, wenv),
		initial ?? (store && (!store.ok || saved.length > 0) ? {...initialState(), step: 'start'} : initialState()),
	);
	const [hostFocus, setHostFocus] = useState<'input' | 'table'>('input');
	const [field, setField] = useState(0);
	const [draft, setDraft] = useState<string | undefined>(undefined);
	const [file, setFile] = useState(0);
	const [scroll, setScroll] = useState(0);
	const [exportDraft, setExportDraft] = useState<string | undefined>(undefined);
	const [help, setHelp] = useState(false);
	const [confirmQuit, setConfirmQuit] = useState(false);
	const [flash, setFlash] = useState<Flash | undefined>(undefined);
	const [deploying, setDeploying] = useState<{run: DeployRun; questions: QuestionBridge} | undefined>(undefined);
	const theme = useMemo(() => themeFor(env), [env]);
	const reviewed = useMemo(() => (state.step === 'review' ? review(state, wenv) : undefined), [state, wenv]);

	const mode: Mode =
		state.step === 'start' ? (opened && !opened.ok ? 'start.broken' : confirmDelete ? 'start.delete' : 'start')
		: state.step === 'hosts' ? (state.form ? 'hosts.form' : hostFocus === 'input' ? 'hosts.input' : 'hosts.table')
			: state.step === 'cluster' ? (draft !== undefined ? 'cluster.edit' : 'cluster')
				: saveDraft !== undefined ? 'review.save' : exportDraft !== undefined ? 'review.export' : 'review';

	// Lines left for the screen: the frame is rows − 1 high; the title, the footer and any prompt line take theirs.
	const bodyRows = Math.max(12, rows - 1) - 1 - footerHeight(mode, columns) - (saveDraft !== undefined ? 1 : 0) - (confirmQuit ? 1 : 0);
	const browse = reviewed?.ok ? reviewed.value.browse : [];
	const layout = reviewLayout(bodyRows, reviewed?.ok ? reviewed.value.plan.hosts.length : 0, browse.length);

	const next = () => {
		if (canLeave(state, wenv)) {
			dispatch({type: 'next'});
			setFlash(undefined);
		} else {
			setFlash({level: 'error', text: 'fix the problems marked ✗ first'});
		}
	};

	const runExport = (dir: string) => {
		if (!reviewed?.ok) return;
		setFlash({level: 'info', text: `writing ${dir}…`});
		exportTo(dir, reviewed.value.tree).then(
			written => {
				dispatch({type: 'saved'});
				setFlash({level: 'info', text: `✓ exported ${reviewed.value.files.length} files to ${written}`});
			},
			(error: unknown) => setFlash({level: 'error', text: errorText(error)}),
		);
	};

	const pickFile = (delta: number) => {
		if (browse.length > 0) setFile(f => (((f + delta) % browse.length) + browse.length) % browse.length);
		setScroll(0);
	};
	const handlers: Record<Exclude<ActionId, DeployActionId>, () => void> = {
		submit: () => (state.input.trim() === '' ? next() : dispatch({type: 'submit'})),
		focusTable: () => setHostFocus('table'),
		focusInput: () => setHostFocus('input'),
		clearInput: () => dispatch({type: 'input', text: ''}),
		up: () => {
			if (state.step === 'start') setPick(p => Math.max(0, p - 1));
			else if (state.step === 'hosts') dispatch({type: 'selectBy', delta: -1});
			else if (state.step === 'cluster') setField(f => Math.max(0, f - 1));
			else pickFile(-1);
		},
		down: () => {
			if (state.step === 'start') setPick(p => Math.max(0, Math.min(demoRows + saved.length - 1, p + 1)));
			else if (state.step === 'hosts') dispatch({type: 'selectBy', delta: 1});
			else if (state.step === 'cluster') setField(f => Math.min(OPTION_FIELDS.length - 1, f + 1));
			else pickFile(1);
		},
		edit: () => dispatch({type: 'edit'}),
		nextField: () => dispatch({type: 'formFocus', delta: 1}),
		prevField: () => dispatch({type: 'formFocus', delta: -1}),
		authNext: () => dispatch({type: 'formAuth', delta: 1}),
		authPrev: () => dispatch({type: 'formAuth', delta: -1}),
		saveHost: () => {
			dispatch({type: 'formSave'});
			setHostFocus('table');
			setFlash(undefined);
		},
		cancelHost: () => dispatch({type: 'formCancel'}),
		remove: () => dispatch({type: 'remove'}),
		moveDown: () => dispatch({type: 'move', delta: 1}),
		moveUp: () => dispatch({type: 'move', delta: -1}),
		next,
		back: () => {
			dispatch({type: 'back'});
			setFlash(undefined);
		},
		editField: () => setDraft(state.options[OPTION_FIELDS[field]!.key]),
		saveField: () => {
			dispatch({type: 'setOption', key: OPTION_FIELDS[field]!.key, value: draft ?? ''});
			setDraft(undefined);
		},
		cancelField: () => setDraft(undefined),
		pageUp: () => setScroll(s => Math.max(0, s - layout.preview)),
		pageDown: () => setScroll(s => {
			const length = browse[file]?.content.split('\n').length ?? 0;
			return Math.max(0, Math.min(s + layout.preview, length - layout.preview));
		}),
		export: () => setExportDraft(''),
		deploy: () => {
			if (!reviewed?.ok) return;
			if (!deployer) {
				setFlash({level: 'error', text: '✗ deploying is not available here (no hosts to reach); export the files instead (x)'});
				return;
			}
			const {cluster, plan, files} = reviewed.value;
			const questions = new QuestionBridge();
			setDeploying({run: new DeployRun(deployer, plan, withRecord(cluster, plan, files), questions), questions});
		},
		writeExport: () => {
			const dir = (exportDraft ?? '').trim();
			if (dir === '') {
				setFlash({level: 'error', text: '✗ type a directory to export to'});
				return;
			}
			setExportDraft(undefined);
			runExport(dir);
		},
		cancelExport: () => setExportDraft(undefined),
		open: () => {
			if (onDemo && pick < demoRows) {
				onDemo();
				exit();
				return;
			}
			const entry = pickedSaved;
			if (!entry || !opened?.ok) return;
			const loaded = opened.store.load(entry.name);
			if (!loaded.ok) {
				const e = loaded.errors[0]!;
				setFlash({level: 'error', text: `✗ ${e.path}: ${e.message} (${e.fix})`});
				return;
			}
			dispatch({type: 'open', state: stateFromCluster(loaded.value, wenv)});
			setTitle(entry.name);
			setHostFocus('input');
			setFlash({level: 'info', text: `opened saved cluster "${entry.name}"`});
		},
		newCluster: () => {
			dispatch({type: 'open', state: initialState()});
			setTitle(undefined);
			setFlash(undefined);
		},
		deleteSaved: () => {
			if (pickedSaved) setConfirmDelete(true);
		},
		confirmDelete: () => {
			const entry = pickedSaved;
			setConfirmDelete(false);
			if (!entry || !opened?.ok) return;
			try {
				opened.store.remove(entry.name);
				const left = listSaved(opened);
				setSaved(left);
				setPick(p => Math.max(0, Math.min(demoRows + left.length - 1, p)));
				setFlash({level: 'info', text: `deleted saved cluster "${entry.name}"`});
			} catch (error) {
				setFlash({level: 'error', text: errorText(error)});
			}
		},
		cancelDelete: () => setConfirmDelete(false),
		moveAside: () => {
			if (!opened || opened.ok) return;
			try {
				const {store: fresh, movedTo} = opened.moveAside();
				const now: OpenedStore = {ok: true, store: fresh};
				setOpened(now);
				setSaved(listSaved(now));
				setPick(0);
				setFlash({level: 'info', text: `moved the unreadable file to ${movedTo}; no saved clusters yet`});
			} catch (error) {
				setFlash({level: 'error', text: errorText(error)});
			}
		},
		save: () => {
			if (!opened?.ok) {
				setFlash({level: 'error', text: opened ? '✗ saving is off: the saved-clusters file cannot be read (restart and press m to move it aside)' : '✗ saving is off: no saved-clusters store'});
				return;
			}
			setSaveDraft(title ?? state.options.name);
		},
		writeSave: () => {
			const name = (saveDraft ?? '').trim();
			if (name === '') {
				setFlash({level: 'error', text: '✗ type a name to save under'});
				return;
			}
			if (!reviewed?.ok || !opened?.ok) return;
			try {
				opened.store.save(name, reviewed.value.cluster);
				setSaveDraft(undefined);
				dispatch({type: 'saved'});
				setTitle(name);
				setSaved(listSaved(opened));
				setFlash({level: 'info', text: `✓ saved "${name}" to ${opened.store.path}`});
			} catch (error) {
				setFlash({level: 'error', text: errorText(error)});
			}
		},
		cancelSave: () => setSaveDraft(undefined),
		help: () => setHelp(true),
		quit: () => (state.dirty ? setConfirmQuit(true) : exit()),
	};

	// Text edits are reducer actions and functional updates, so keys typed faster than renders are never lost.
	// A chunk of keys (a fast terminal, tmux send-keys) may carry Tabs or Enters: never into a field as text.
	const typeText = (raw: string) => {
		if (mode === 'hosts.input' && raw.length > 1) {
			dispatch({type: 'paste', text: raw});
			return;
		}
		if (mode === 'hosts.form' && /^\t+$/.test(raw)) {
			dispatch({type: 'formFocus', delta: raw.length});
			return;
		}
		const text = raw.replace(/[\u0000-\u001F\u007F]/g, '');
		if (text === '') return;
		if (mode === 'hosts.input') dispatch({type: 'inputType', text});
		else if (mode === 'hosts.form') dispatch({type: 'formType', text});
		else if (mode === 'cluster.edit') setDraft(d => (d ?? '') + text);
		else if (mode === 'review.export') setExportDraft(d => (d ?? '') + text);
		else if (mode === 'review.save') setSaveDraft(d => (d ?? '') + text);
	};
	const backspace = () => {
		if (mode === 'hosts.input') dispatch({type: 'inputBackspace'});
		else if (mode === 'hosts.form') dispatch({type: 'formBackspace'});
		else if (mode === 'cluster.edit') setDraft(d => (d ?? '').slice(0, -1));
		else if (mode === 'review.export') setExportDraft(d => (d ?? '').slice(0, -1));
		else if (mode === 'review.save') setSaveDraft(d => (d ?? '').slice(0, -1));
	};

	useInput((input, key) => {
		if (deploying) return;
		const name = keyName(input, key);
		if (confirmQuit) {
			if (name === 'y') exit();
			else if (name === 'n' || name === 'esc') setConfirmQuit(false);
			else if (name === 'ctrl+c') exit();
			return;
		}
		if (help) {
			if (name === 'ctrl+c') handlers.quit();
			setHelp(false);
			return;
		}
		const binding = lookup(mode, name);
		if (binding) {
			if (binding.disabled) setFlash({level: 'error', text: `${binding.label} is disabled: ${binding.disabled}`});
			else (handlers as Partial<Record<ActionId, () => void>>)[binding.action]?.();
			return;
		}
		if (!TEXT_MODES.has(mode)) return;
		if (name === 'backspace') backspace();
		else if (input && !key.ctrl && !key.meta && name !== 'esc' && name !== 'enter' && name !== 'tab') typeText(input);
	});
	usePaste(text => {
		if (mode === 'hosts.input') dispatch({type: 'paste', text});
		else typeText(text.replace(/\s+/g, ''));
	});

	if (deploying && reviewed?.ok) {
		return (
			<ThemeContext value={theme}>
				<DeployScreen
					run={deploying.run}
					questions={deploying.questions}
					title={`${reviewed.value.plan.options.name} to ${reviewed.value.plan.hosts.length} hosts${deployer?.label ? ` (${deployer.label})` : ''}`}
					rows={rows}
					columns={columns}
					onExit={() => setDeploying(undefined)}
					{...(onDeployed
						? {
							onOpenPane: async () => {
								const fleet = await deploying.run.close(true);
								if (fleet) onDeployed({plan: reviewed.value.plan, fleet});
								exit();
							},
						}
						: {})}
					onQuit={() => {
						void deploying.run.close();
						exit();
					}}
				/>
			</ThemeContext>
		);
	}

	const startView: StartView = opened && !opened.ok ? {ok: false, message: opened.message, fix: opened.fix} : {ok: true, saved, path: opened?.ok ? opened.store.path : ''};
	const body = help ? <HelpOverlay mode={mode} />
		: state.step === 'start' ? <StartScreen view={startView} demo={onDemo !== undefined} selected={pick} confirmDelete={confirmDelete} rows={bodyRows - 5} />
		: state.step === 'hosts' ? <HostsScreen state={state} focus={hostFocus} rows={bodyRows} columns={columns} env={wenv} />
			: state.step === 'cluster' ? <ClusterScreen state={state} field={field} draft={draft} env={wenv} />
				: reviewed?.ok ? <ReviewScreen review={reviewed.value} file={file} scroll={scroll} exportDraft={exportDraft} layout={layout} />
					: <Box flexDirection="column"><Text bold>Review</Text>{reviewed && !reviewed.ok ? reviewed.errors.map(e => <Text key={e.path + e.message} wrap="truncate">✗ {e.path}: {e.message} ({e.fix})</Text>) : null}</Box>;

	return (
		<ThemeContext value={theme}>
			<Box flexDirection="column" height={Math.max(12, rows - 1)} width={columns}>
				<Text bold wrap="truncate">rmq-tui · {label ? `${label} · ` : ''}{state.step === 'start' ? 'saved clusters' : title ?? 'new cluster'}{state.dirty ? ' · unsaved' : ''}</Text>
				<Box flexDirection="column" flexGrow={1}>{body}</Box>
				{saveDraft !== undefined ? (
					<Box><Text bold>save as&gt; </Text><Text>{saveDraft}</Text><Text inverse> </Text></Box>
				) : null}
				{confirmQuit ? (
					<Text wrap="truncate" bold>Quit without exporting? {state.hosts.length} host(s) and the options are unsaved. y quit · n stay</Text>
				) : null}
				<Footer mode={mode} flash={flash} columns={columns} />
			</Box>
		</ThemeContext>
	);
}
