/**
 * The one table of key bindings. Dispatch (App), the footer hints and the `?` overlay all read it,
 * so what the screen offers and what the keys do cannot drift apart.
 */
import type {Key} from 'ink';

/** Where the keyboard is. Text modes take printable keys as text; only their own bindings apply. */
export type Mode =
	| 'start' | 'start.delete' | 'start.broken' | 'hosts.input' | 'hosts.table' | 'hosts.form' | 'cluster' | 'cluster.edit'
	| 'review' | 'review.export' | 'review.save'
	| 'deploy.checking' | 'deploy.preview' | 'deploy.running' | 'deploy.done' | 'deploy.question' | 'deploy.confirm';
export const TEXT_MODES: ReadonlySet<Mode> = new Set(['hosts.input', 'hosts.form', 'cluster.edit', 'review.export', 'review.save', 'deploy.question']);

export type ActionId =
	| 'submit' | 'focusTable' | 'focusInput' | 'clearInput'
	| 'up' | 'down' | 'edit' | 'remove' | 'moveDown' | 'moveUp' | 'next' | 'back'
	| 'nextField' | 'prevField' | 'authNext' | 'authPrev' | 'saveHost' | 'cancelHost'
	| 'editField' | 'saveField' | 'cancelField'
	| 'pageUp' | 'pageDown' | 'export' | 'deploy' | 'writeExport' | 'cancelExport'
	| 'open' | 'newCluster' | 'deleteSaved' | 'confirmDelete' | 'cancelDelete' | 'moveAside'
	| 'save' | 'writeSave' | 'cancelSave'
	| DeployActionId
	| 'help' | 'quit';

/** Handled by the deploy screen, not the wizard shell. */
export type DeployActionId = 'apply' | 'cancelDeploy' | 'finish' | 'openPane' | 'answer' | 'skipAnswer' | 'yes' | 'no';

export interface Binding<A extends string = ActionId> {
	/** Key names as keyName() returns them. */
	keys: readonly string[];
	/** How the key is shown. */
	display: string;
	label: string;
	action: A;
	/** Shown but refused, with this reason. */
	disabled?: string;
	/** Changes the cluster (a drill key): refused in read-only mode and without host access — see paneBindingsFor. */
	dangerous?: boolean;
}

const GLOBAL: readonly Binding[] = [
	{keys: ['?'], display: '?', label: 'help', action: 'help'},
	{keys: ['q', 'ctrl+c'], display: 'q', label: 'quit', action: 'quit'},
];
/** Ctrl-C quits from anywhere, text modes included. */
const CTRL_C: Binding = {keys: ['ctrl+c'], display: 'Ctrl-C', label: 'quit', action: 'quit'};

export const BINDINGS: Record<Mode, readonly Binding[]> = {
	start: [
		{keys: ['up', 'k'], display: '↑↓', label: 'select', action: 'up'},
		{keys: ['down', 'j', 'tab'], display: '', label: '', action: 'down'},
		{keys: ['enter'], display: 'Enter', label: 'open', action: 'open'},
		{keys: ['n'], display: 'n', label: 'new cluster', action: 'newCluster'},
		{keys: ['d'], display: 'd', label: 'delete', action: 'deleteSaved'},
	],
	'start.delete': [
		{keys: ['y'], display: 'y', label: 'delete', action: 'confirmDelete'},
		{keys: ['n', 'esc'], display: 'n/Esc', label: 'keep', action: 'cancelDelete'},
	],
	'start.broken': [
		{keys: ['m'], display: 'm', label: 'move aside, start empty', action: 'moveAside'},
		{keys: ['n'], display: 'n', label: 'new cluster (no saving)', action: 'newCluster'},
	],
	'hosts.input': [
		{keys: ['enter'], display: 'Enter', label: 'add (empty: next)', action: 'submit'},
		{keys: ['tab', 'down'], display: 'Tab/↓', label: 'table', action: 'focusTable'},
		{keys: ['esc'], display: 'Esc', label: 'clear', action: 'clearInput'},
	],
	'hosts.table': [
		{keys: ['up', 'k'], display: '↑↓', label: 'select', action: 'up'},
		{keys: ['down', 'j'], display: '', label: '', action: 'down'},
		{keys: ['enter', 'e'], display: 'e', label: 'edit', action: 'edit'},
		{keys: ['d'], display: 'd', label: 'delete', action: 'remove'},
		{keys: ['J'], display: 'J/K', label: 'move', action: 'moveDown'},
		{keys: ['K'], display: '', label: '', action: 'moveUp'},
		{keys: ['tab', 'esc'], display: 'Tab', label: 'input', action: 'focusInput'},
		{keys: ['n'], display: 'n', label: 'next', action: 'next'},
	],
	'hosts.form': [
		{keys: ['tab', 'down'], display: 'Tab/↓', label: 'next field', action: 'nextField'},
		{keys: ['shift+tab', 'up'], display: '⇧Tab/↑', label: 'previous', action: 'prevField'},
		{keys: ['right', 'space'], display: '←→', label: 'identity', action: 'authNext'},
		{keys: ['left'], display: '', label: 'identity back', action: 'authPrev'},
		{keys: ['enter'], display: 'Enter', label: 'save host', action: 'saveHost'},
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelHost'},
	],
	cluster: [
		{keys: ['up', 'k'], display: '↑↓', label: 'field', action: 'up'},
		{keys: ['down', 'j', 'tab'], display: '', label: '', action: 'down'},
		{keys: ['enter'], display: 'Enter', label: 'edit', action: 'editField'},
		{keys: ['n'], display: 'n', label: 'review', action: 'next'},
		{keys: ['esc'], display: 'Esc', label: 'back', action: 'back'},
	],
	'cluster.edit': [
		{keys: ['enter'], display: 'Enter', label: 'keep', action: 'saveField'},
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelField'},
	],
	review: [
		{keys: ['up', 'k'], display: '↑↓', label: 'file', action: 'up'},
		{keys: ['down', 'j', 'tab'], display: '', label: '', action: 'down'},
		{keys: ['pageup', 'b'], display: 'PgUp/PgDn', label: 'scroll', action: 'pageUp'},
		{keys: ['pagedown', 'space'], display: '', label: 'page down', action: 'pageDown'},
		{keys: ['s'], display: 's', label: 'save', action: 'save'},
		{keys: ['x'], display: 'x', label: 'export', action: 'export'},
		{keys: ['D'], display: 'D', label: 'deploy', action: 'deploy'},
		{keys: ['esc'], display: 'Esc', label: 'back', action: 'back'},
	],
	'review.export': [
		{keys: ['enter'], display: 'Enter', label: 'write', action: 'writeExport'},
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelExport'},
	],
	'review.save': [
		{keys: ['enter'], display: 'Enter', label: 'save', action: 'writeSave'},
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelSave'},
	],
	'deploy.checking': [
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelDeploy'},
	],
	'deploy.preview': [
		{keys: ['y'], display: 'y', label: 'apply', action: 'apply'},
		{keys: ['n', 'esc'], display: 'n/Esc', label: 'back to review', action: 'cancelDeploy'},
		{keys: ['up', 'k'], display: '↑↓', label: 'scroll', action: 'up'},
		{keys: ['down', 'j'], display: '', label: '', action: 'down'},
		{keys: ['pageup', 'b'], display: 'PgUp/PgDn', label: 'page', action: 'pageUp'},
		{keys: ['pagedown', 'space'], display: '', label: 'page down', action: 'pageDown'},
	],
	'deploy.running': [],
	'deploy.done': [
		{keys: ['enter'], display: 'Enter', label: 'live pane', action: 'openPane'},
		{keys: ['esc'], display: 'Esc', label: 'back to review', action: 'finish'},
		{keys: ['up', 'k'], display: '↑↓', label: 'scroll', action: 'up'},
		{keys: ['down', 'j'], display: '', label: '', action: 'down'},
	],
	'deploy.question': [
		{keys: ['enter'], display: 'Enter', label: 'answer', action: 'answer'},
		{keys: ['esc'], display: 'Esc', label: 'no answer', action: 'skipAnswer'},
	],
	'deploy.confirm': [
		{keys: ['y'], display: 'y', label: 'yes', action: 'yes'},
		{keys: ['n', 'esc'], display: 'n/Esc', label: 'no', action: 'no'},
	],
};

/** Every binding that applies in a mode, own first. */
export function bindingsFor(mode: Mode): readonly Binding[] {
	return [...BINDINGS[mode], ...(TEXT_MODES.has(mode) ? [CTRL_C] : GLOBAL)];
}

export function lookup(mode: Mode, name: string | undefined): Binding | undefined {
	return name === undefined ? undefined : bindingsFor(mode).find(b => b.keys.includes(name));
}

/** Ink's (input, key) → one key name. */
export function keyName(input: string, key: Key): string | undefined {
	if (key.ctrl && input === 'c') return 'ctrl+c';
	if (key.return) return 'enter';
	if (key.escape) return 'esc';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.backspace || key.delete) return 'backspace';
	if (input === ' ') return 'space';
	if (input.length === 1 && !key.ctrl && !key.meta) return input;
	return undefined;
}

/** Footer hints: the visible bindings of a mode, one item each. */
export function hintItems(mode: Mode): string[] {
	return bindingsFor(mode)
		.filter(b => b.display !== '')
		.map(b => `${b.display} ${b.label}${b.disabled ? ' (off)' : ''}`);
}

const SEP = ' · ';

/** Footer hints on one line. */
export function hints(mode: Mode): string {
	return hintItems(mode).join(SEP);
}

/** Footer hints wrapped at item boundaries onto as many lines of `width` as they need (never cut). */
export function hintLines(mode: Mode, width: number): string[] {
	return wrapHints(hintItems(mode), width);
}

/** Items joined with ` · `, wrapped between items onto lines of `width`. */
export function wrapHints(items: readonly string[], width: number): string[] {
	const lines: string[] = [];
	for (const item of items) {
		const last = lines.at(-1);
		if (last !== undefined && last.length + SEP.length + item.length <= width) lines[lines.length - 1] = last + SEP + item;
		else lines.push(item);
	}
	return lines;
}

const MODE_TITLES: Record<Mode, string> = {
	start: 'Start — saved clusters',
	'start.delete': 'Start — delete a saved cluster?',
	'start.broken': 'Start — the saved-clusters file cannot be read',
	'hosts.input': 'Hosts — address line',
	'hosts.table': 'Hosts — table',
	'hosts.form': 'Hosts — editing one host',
	cluster: 'Cluster options',
	'cluster.edit': 'Cluster options — editing a field',
	review: 'Review',
	'review.export': 'Review — export directory prompt',
	'review.save': 'Review — save name prompt',
	'deploy.checking': 'Deploy — connecting and checking the hosts',
	'deploy.preview': 'Deploy — what will change',
	'deploy.running': 'Deploy — applying',
	'deploy.done': 'Deploy — finished',
	'deploy.question': 'Deploy — a passphrase or password is asked',
	'deploy.confirm': 'Deploy — a yes/no question (e.g. an unknown host key)',
};

/** What each action does, in words (the footer's labels are terser). */
const ACTION_TEXT: Record<ActionId, string> = {
	submit: 'add the typed address(es) (`user@host:port` or a list); on an empty line, go to the next step',
	focusTable: 'move to the hosts table',
	focusInput: 'back to the address line',
	clearInput: 'clear the line',
	up: 'select the previous row',
	down: 'select the next row',
	edit: 'edit the selected host: address, name, broker IP, SSH user, port, identity, ProxyJump',
	remove: 'delete the selected host',
	moveDown: 'move the selected host down',
	moveUp: 'move the selected host up',
	next: 'next step',
	back: 'previous step',
	nextField: 'next field (wraps)',
	prevField: 'previous field (wraps)',
	authNext: 'on Identity: next choice (key file, ssh-agent, ask at connect time)',
	authPrev: 'on Identity: previous choice',
	saveHost: 'keep the edits and go back to the table (problems stay marked ✗)',
	cancelHost: 'discard the edits',
	editField: 'edit the selected field',
	saveField: 'keep the new value',
	cancelField: 'discard the edit',
	pageUp: 'scroll the preview up a page',
	pageDown: 'scroll the preview down a page',
	export: 'export the files to a directory',
	deploy: 'deploy to the hosts: connect, check, show what will change, then ask',
	apply: 'apply the changes shown',
	cancelDeploy: 'change nothing and go back to the review',
	finish: 'back to the review',
	openPane: 'open the live pane on the deployed cluster (after a successful deploy; otherwise back to the review)',
	answer: 'send the typed answer (never shown, never stored)',
	skipAnswer: 'give no answer (that host\'s connection fails)',
	yes: 'yes',
	no: 'no',
	writeExport: 'write the export',
	cancelExport: 'cancel the export',
	open: 'open the selected saved cluster in the wizard',
	newCluster: 'start a new cluster',
	deleteSaved: 'delete the selected saved cluster (asks y/n)',
	confirmDelete: 'yes, delete it',
	cancelDelete: 'no, keep it',
	moveAside: 'move the unreadable file aside (<file>.corrupt-<time>) and start with no saved clusters',
	save: 'save the cluster under a name (reopen it from the start screen)',
	writeSave: 'save under the typed name',
	cancelSave: 'cancel saving',
	help: 'show the keys of this screen',
	quit: 'quit (asks first when nothing was exported)',
};

/** The README's key reference, generated from the table (a test keeps the README equal to it). */
export function keysMarkdown(): string {
	const rows = (mode: Mode) =>
		bindingsFor(mode).map(b => `| ${b.keys.map(k => `\`${k}\``).join(', ')} | ${ACTION_TEXT[b.action]}${b.disabled ? ` (disabled: ${b.disabled})` : ''} |`);
	return (Object.keys(BINDINGS) as Mode[])
		.map(mode => [`**${MODE_TITLES[mode]}**`, '', '| keys | does |', '| --- | --- |', ...rows(mode)].join('\n'))
		.join('\n\n');
}

// ——— The live pane (rmq-tui monitor, and the wizard after a deploy) ———

/** Where the keyboard is in the live pane. Text modes take printable keys as text. */
export type PaneMode = 'pane' | 'pane.filter' | 'pane.confirm' | 'pane.type' | 'pane.undo';
export const PANE_TEXT_MODES: ReadonlySet<PaneMode> = new Set(['pane.filter', 'pane.type']);
/** Modes that own the keyboard (a question is open): no global keys but Ctrl-C. */
const PANE_MODAL: ReadonlySet<PaneMode> = new Set(['pane.filter', 'pane.type', 'pane.confirm', 'pane.undo']);

export type PaneActionId =
	| 'up' | 'down' | 'pageUp' | 'pageDown' | 'follow' | 'filter' | 'clearFilter' | 'drills' | 'report'
	| DrillKeyAction
	| 'keepFilter' | 'cancelFilter' | 'confirmDrill' | 'cancelDrill' | 'submitTyped' | 'undoAll' | 'keepAll' | 'undoLater'
	| 'help' | 'quit';
/** The drill keys (`pause` toggles pause/unpause). */
export type DrillKeyAction = 'stop' | 'kill' | 'pause' | 'start' | 'restart';

export const PANE_BINDINGS: Record<PaneMode, readonly Binding<PaneActionId>[]> = {
	pane: [
		{keys: ['up', 'k'], display: '↑↓/jk', label: 'select', action: 'up'},
		{keys: ['down', 'j'], display: '', label: '', action: 'down'},
		{keys: ['pageup', 'b'], display: 'PgUp/PgDn', label: 'scroll', action: 'pageUp'},
		{keys: ['pagedown', 'space'], display: '', label: 'scroll down', action: 'pageDown'},
		{keys: ['f'], display: 'f', label: 'follow', action: 'follow'},
		{keys: ['/'], display: '/', label: 'filter', action: 'filter'},
		{keys: ['esc'], display: '', label: 'clear filter', action: 'clearFilter'},
		{keys: ['t'], display: 't', label: 'drills', action: 'drills'},
		{keys: ['s'], display: 's', label: 'stop', action: 'stop', dangerous: true},
		{keys: ['K'], display: 'K', label: 'kill', action: 'kill', dangerous: true},
		{keys: ['p'], display: 'p', label: 'pause', action: 'pause', dangerous: true},
		{keys: ['S'], display: 'S', label: 'start', action: 'start', dangerous: true},
		{keys: ['r'], display: 'r', label: 'restart', action: 'restart', dangerous: true},
		{keys: ['w'], display: 'w', label: 'report', action: 'report'},
	],
	'pane.filter': [
		{keys: ['enter'], display: 'Enter', label: 'keep', action: 'keepFilter'},
		{keys: ['esc'], display: 'Esc', label: 'clear', action: 'cancelFilter'},
	],
	'pane.confirm': [
		{keys: ['y'], display: 'y', label: 'send it', action: 'confirmDrill', dangerous: true},
		{keys: ['n', 'esc', 'enter'], display: 'n/Esc/Enter', label: 'cancel', action: 'cancelDrill'},
	],
	'pane.type': [
		{keys: ['enter'], display: 'Enter', label: 'send if the name matches', action: 'submitTyped', dangerous: true},
		{keys: ['esc'], display: 'Esc', label: 'cancel', action: 'cancelDrill'},
	],
	'pane.undo': [
		{keys: ['y'], display: 'y', label: 'undo all', action: 'undoAll', dangerous: true},
		{keys: ['k'], display: 'k', label: 'keep as is', action: 'keepAll', dangerous: true},
		{keys: ['n', 'esc'], display: 'n/Esc', label: 'decide later', action: 'undoLater'},
	],
};

const PANE_GLOBAL: readonly Binding<PaneActionId>[] = [
	{keys: ['?'], display: '?', label: 'help', action: 'help'},
	{keys: ['q', 'ctrl+c'], display: 'q', label: 'quit', action: 'quit'},
];
const PANE_CTRL_C: Binding<PaneActionId> = {keys: ['ctrl+c'], display: 'Ctrl-C', label: 'quit', action: 'quit'};

/** Why the drill keys are off, if they are: read-only mode, or no host access. */
export interface PanePolicy {
	readOnly?: boolean;
	/** Set when there is no host access (`--namesrv` only): the reason shown. */
	noHosts?: string;
}

export const READ_ONLY_REASON = 'read-only (--read-only)';

/** THE place where read-only mode and missing host access turn the dangerous bindings off. */
export function dangerousOff(policy: PanePolicy): string | undefined {
	return policy.readOnly ? READ_ONLY_REASON : policy.noHosts;
}

/** Every binding of a pane mode, own first, with the dangerous ones disabled when the policy says so. */
export function paneBindingsFor(mode: PaneMode, policy: PanePolicy = {}): Binding<PaneActionId>[] {
	const off = dangerousOff(policy);
	const own = PANE_BINDINGS[mode].map(b => (b.dangerous && off ? {...b, disabled: off} : b));
	return [...own, ...(PANE_MODAL.has(mode) ? [PANE_CTRL_C] : PANE_GLOBAL)];
}

export function paneLookup(mode: PaneMode, name: string | undefined, policy: PanePolicy = {}): Binding<PaneActionId> | undefined {
	return name === undefined ? undefined : paneBindingsFor(mode, policy).find(b => b.keys.includes(name));
}

/** Footer hints of a pane mode; disabled drill keys collapse into one item saying why. */
export function paneHintItems(mode: PaneMode, policy: PanePolicy = {}): string[] {
	const shown = paneBindingsFor(mode, policy).filter(b => b.display !== '');
	const off = shown.filter(b => b.disabled);
	const items = shown.filter(b => !b.disabled).map(b => `${b.display} ${b.label}`);
	if (off.length > 0) {
		const at = shown.indexOf(off[0]!);
		items.splice(Math.min(at, items.length), 0, `${off.map(b => b.display).join(' ')} off: ${off[0]!.disabled}`);
	}
	return items;
}

export const paneHintLines = (mode: PaneMode, width: number, policy: PanePolicy = {}): string[] => wrapHints(paneHintItems(mode, policy), width);

const PANE_MODE_TITLES: Record<PaneMode, string> = {
	pane: 'Live pane',
	'pane.filter': 'Live pane — typing a log filter',
	'pane.confirm': 'Live pane — confirm a drill action',
	'pane.type': 'Live pane — a drill that leaves a group without a majority (or no name server): type the name',
	'pane.undo': 'Live pane — drill actions left undone by an earlier run',
};

const PANE_ACTION_TEXT: Record<PaneActionId, string> = {
	up: 'select the previous container (node)',
	down: 'select the next container (node)',
	pageUp: 'scroll the log back a page (pauses follow)',
	pageDown: 'scroll the log forward a page (follow resumes at the end)',
	follow: 'follow the log again (jump to the newest line)',
	filter: 'filter the log: only lines containing the typed text (case-insensitive)',
	clearFilter: 'clear the log filter',
	drills: 'switch the bottom panel between the log and the drills (timeline of the latest, finished ones with their times)',
	report: 'write the drill report now (FILE.md and FILE.json: --report FILE, else rmq-tui-drills-DATE-TIME in the current dir)',
	stop: 'stop the selected container (docker stop); asks first',
	kill: 'kill the selected container (SIGKILL); asks first',
	pause: 'pause the selected container (a frozen JVM), or unpause it when paused; asks first',
	start: 'start the selected container; asks first',
	restart: 'restart the selected container; asks first',
	keepFilter: 'keep the filter and go back to the pane',
	cancelFilter: 'clear the filter and go back to the pane',
	confirmDrill: 'send the action',
	cancelDrill: 'send nothing',
	submitTyped: 'send the action if the typed name matches',
	undoAll: 'start / unpause every container listed',
	keepAll: 'leave them as they are (recorded, not offered again)',
	undoLater: 'decide later (offered again at the next start)',
	help: 'show the keys of this screen',
	quit: 'quit (with --report, the report is written first)',
};

/** The README's live-pane key reference, generated from the table (a test keeps the README equal to it). */
export function paneKeysMarkdown(): string {
	const rows = (mode: PaneMode) =>
		paneBindingsFor(mode).map(b => `| ${b.keys.map(k => `\`${k}\``).join(', ')} | ${PANE_ACTION_TEXT[b.action]}${b.dangerous ? ' (off with --read-only or without host access)' : ''} |`);
	return (Object.keys(PANE_BINDINGS) as PaneMode[])
		.map(mode => [`**${PANE_MODE_TITLES[mode]}**`, '', '| keys | does |', '| --- | --- |', ...rows(mode)].join('\n'))
		.join('\n\n');
}

/** Every row of the pane's `?` overlay: keys and what they do, from the same table as dispatch. */
export function paneHelpRows(mode: PaneMode, policy: PanePolicy = {}): Array<{keys: string; text: string}> {
	return paneBindingsFor(mode, policy).map(b => ({keys: b.keys.join('/'), text: `${PANE_ACTION_TEXT[b.action]}${b.disabled ? ` — off: ${b.disabled}` : ''}`}));
}
