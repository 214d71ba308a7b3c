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
export type DeployActionId = 'apply' | 'cancelDeploy' | 'finish' | 'answer' | 'skipAnswer' | 'yes' | 'no';

export interface Binding {
	/** Key names as keyName() returns them. */
	keys: readonly string[];
	/** How the key is shown. */
	display: string;
	label: string;
	action: ActionId;
	/** Shown but refused, with this reason. */
	disabled?: string;
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
		{keys: ['enter', 'esc'], display: 'Enter', label: 'back to review', action: 'finish'},
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
	const lines: string[] = [];
	for (const item of hintItems(mode)) {
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
