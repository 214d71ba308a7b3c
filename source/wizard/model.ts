/**
 * The wizard's model (pure, no Ink): hosts → cluster → review. A reducer over plain data (hosts field by field,
 * the open host form), plus derived views (per-host problems, option problems, the cluster file, the review).
 * Validation reuses the inventory parser, the planner, the renderer and the linter, so the wizard says exactly
 * what the CLI says. What needs the outside (~/.ssh/config, whether a key file exists) comes in as a WizardEnv.
 */
import {splitHostList} from '../inventory/from-flags.ts';
import {Collector, checkHostDuplicates, parseHost, parseOptions} from '../inventory/parse.ts';
import {CLUSTER_FILE_VERSION, DEFAULT_OPTIONS, type ClusterFile, type HostSpec} from '../inventory/schema.ts';
import type {InventoryError, Result} from '../inventory/errors.ts';
import {buildPlan} from '../plan/plan.ts';
import type {Plan} from '../plan/types.ts';
import {renderCluster, type RenderedFile} from '../render/render.ts';
import {lintRendered, type Finding} from '../lint/index.ts';
import {exportTree, type TreeEntry} from '../export/tree.ts';
import {
	AUTH_MODES, firstProblem, HOST_FIELDS, hostFieldProblems, hostFromShorthand, hostFromSpec, toHostSpec,
	type HostFieldKey, type HostFieldProblems, type HostFields, type WizardEnv,
} from './host-fields.ts';

export type {HostFields, WizardEnv} from './host-fields.ts';

/** 'start' (saved clusters) comes before the steps proper and is not one of STEPS. */
export type Step = 'start' | 'hosts' | 'cluster' | 'review';
export const STEPS: readonly Step[] = ['hosts', 'cluster', 'review'];

/** Cluster option fields, as text the operator edits. */
export interface OptionFields {
	name: string;
	groups: string;
	replicas: string;
	image: string;
	baseDir: string;
	brokerHeap: string;
	namesrvHeap: string;
	/** '' = the first host; 'none' = no console; else a host name. */
	consoleHost: string;
	timezone: string;
}
export type OptionKey = keyof OptionFields;

export interface OptionField {
	key: OptionKey;
	label: string;
	/** One line: what it is. */
	help: string;
	/** The cluster-file path parseOptions reports problems under. */
	path: string;
}

export const OPTION_FIELDS: readonly OptionField[] = [
	{key: 'name', label: 'Cluster name', path: 'name', help: 'brokerClusterName, shared by every broker'},
	{key: 'groups', label: 'Groups', path: 'groups', help: 'DLedger groups (broker names); each is one shard of topics'},
	{key: 'replicas', label: 'Replicas', path: 'replicas', help: 'replicas per group, odd, each on its own host'},
	{key: 'image', label: 'Image', path: 'image', help: 'RocketMQ 4.7.1 image for name servers and brokers'},
	{key: 'baseDir', label: 'Base dir', path: 'baseDir', help: 'where files, logs and stores live on every host'},
	{key: 'brokerHeap', label: 'Broker heap', path: 'heap.broker', help: '-Xms/-Xmx per broker, e.g. 1g (-Xmn is half)'},
	{key: 'namesrvHeap', label: 'Name server heap', path: 'heap.namesrv', help: '-Xms/-Xmx per name server, e.g. 512m'},
	{key: 'consoleHost', label: 'Console host', path: 'console.host', help: 'host name for the web console; empty = first host; "none" = no console'},
	{key: 'timezone', label: 'Timezone', path: 'timezone', help: 'TZ of every container, e.g. Asia/Shanghai or UTC'},
];

export const DEFAULT_FIELDS: OptionFields = {
	name: DEFAULT_OPTIONS.name,
	groups: String(DEFAULT_OPTIONS.groups),
	replicas: String(DEFAULT_OPTIONS.replicas),
	image: DEFAULT_OPTIONS.image,
	baseDir: DEFAULT_OPTIONS.baseDir,
	brokerHeap: DEFAULT_OPTIONS.heap.broker,
	namesrvHeap: DEFAULT_OPTIONS.heap.namesrv,
	consoleHost: '',
	timezone: DEFAULT_OPTIONS.timezone,
};

export interface WizardState {
	step: Step;
	/** The hosts, field by field, in order. */
	hosts: HostFields[];
	/** Selected row in the hosts table (−1 when empty). */
	selected: number;
	/** The add line: one address (`user@host:port`, an alias…) or a list. */
	input: string;
	/** The edit form of one host, while open. */
	form?: HostForm;
	options: OptionFields;
	/** Changes since the last save/export. */
	dirty: boolean;
	/** The cluster file this state was opened from: what the wizard does not show (ports, placement, cpus,
	 * broker properties…) is carried over from it unchanged, never dropped. */
	base?: ClusterFile;
}

/** The form editing hosts[index]: a draft of its fields and the focused one (index into HOST_FIELDS). */
export interface HostForm {
	index: number;
	fields: HostFields;
	focus: number;
}

export type WizardAction =
	| {type: 'input'; text: string}
	| {type: 'inputType'; text: string}
	| {type: 'inputBackspace'}
	| {type: 'submit'}
	| {type: 'paste'; text: string}
	| {type: 'select'; index: number}
	| {type: 'selectBy'; delta: number}
	| {type: 'edit'}
	| {type: 'formFocus'; delta: number}
	| {type: 'formSet'; value: string}
	| {type: 'formType'; text: string}
	| {type: 'formBackspace'}
	| {type: 'formAuth'; delta: number}
	| {type: 'formSave'}
	| {type: 'formCancel'}
	| {type: 'remove'}
	| {type: 'move'; delta: -1 | 1}
	| {type: 'setOption'; key: OptionKey; value: string}
	| {type: 'goto'; step: Step}
	| {type: 'next'}
	| {type: 'back'}
	| {type: 'saved'}
	| {type: 'open'; state: WizardState};

export function initialState(hosts: ReadonlyArray<string | HostFields> = [], options: Partial<OptionFields> = {}): WizardState {
	return {
		step: 'hosts',
		hosts: hosts.map(h => (typeof h === 'string' ? hostFromShorthand(h) : {...h})),
		selected: hosts.length > 0 ? 0 : -1,
		input: '',
		options: {...DEFAULT_FIELDS, ...options},
		dirty: false,
	};
}

const clamp = (n: number, length: number): number => (length === 0 ? -1 : Math.max(0, Math.min(length - 1, n)));
const wrap = (n: number, length: number): number => ((n % length) + length) % length;

/** Entries of a pasted or typed list (comma, semicolon, space or newline separated); empty entries dropped. */
export function splitPaste(text: string): string[] {
	return splitHostList(text.replace(/\r\n?|\n/g, ',')).filter(e => e !== '');
}

/** The key of the focused form field. */
export const focusedField = (form: HostForm): HostFieldKey => HOST_FIELDS[form.focus]!.key;

function formReducer(state: WizardState, form: HostForm, action: WizardAction): WizardState {
	switch (action.type) {
		case 'formFocus':
			return {...state, form: {...form, focus: wrap(form.focus + action.delta, HOST_FIELDS.length)}};
		case 'formSet':
		case 'formType':
		case 'formBackspace': {
			const key = focusedField(form);
			if (key === 'auth') return state;
			const value = action.type === 'formSet' ? action.value : action.type === 'formType' ? form.fields[key] + action.text : form.fields[key].slice(0, -1);
			return {...state, form: {...form, fields: {...form.fields, [key]: value}}};
		}
		case 'formAuth': {
			if (focusedField(form) !== 'auth') return state;
			const auth = AUTH_MODES[wrap(AUTH_MODES.indexOf(form.fields.auth) + action.delta, AUTH_MODES.length)]!;
			return {...state, form: {...form, fields: {...form.fields, auth}}};
		}
		case 'formSave': {
			const {form: _f, ...rest} = state;
			const fields = form.fields.auth === 'agent' ? {...form.fields, identity: ''} : form.fields;
			const before = state.hosts[form.index]!;
			const changed = JSON.stringify(fields) !== JSON.stringify(before);
			const hosts = state.hosts.map((h, i) => (i === form.index ? fields : h));
			return {...rest, hosts, selected: form.index, dirty: state.dirty || changed};
		}
		case 'formCancel': {
			const {form: _f, ...rest} = state;
			return rest;
		}
		default:
			return state;
	}
}

export function wizardReducer(state: WizardState, action: WizardAction, env: WizardEnv = {}): WizardState {
	if (state.form && action.type.startsWith('form')) return formReducer(state, state.form, action);
	switch (action.type) {
		case 'input':
			return {...state, input: action.text};
		case 'inputType':
			return {...state, input: state.input + action.text};
		case 'inputBackspace':
			return {...state, input: state.input.slice(0, -1)};
		case 'submit': {
			const entries = splitPaste(state.input);
			if (entries.length === 0) return state;
			return {...state, hosts: [...state.hosts, ...entries.map(hostFromShorthand)], input: '', selected: state.hosts.length + entries.length - 1, dirty: true};
		}
		case 'paste': {
			const entries = splitPaste(action.text);
			if (entries.length === 0) return state;
			// A single entry without separators is typing; ending in a newline (typed fast, or a one-line paste with
			// its Enter) it is typing and Enter.
			if (entries.length === 1 && !/[\s,;]/.test(action.text.trim())) {
				const typed = {...state, input: state.input + action.text.trim()};
				return /[\r\n]$/.test(action.text) ? wizardReducer(typed, {type: 'submit'}, env) : typed;
			}
			return {...state, hosts: [...state.hosts, ...entries.map(hostFromShorthand)], selected: state.hosts.length + entries.length - 1, dirty: true};
		}
		case 'select':
			return {...state, selected: clamp(action.index, state.hosts.length)};
		case 'selectBy':
			return {...state, selected: clamp(state.selected + action.delta, state.hosts.length)};
		case 'edit':
			if (state.selected < 0) return state;
			return {...state, form: {index: state.selected, fields: {...state.hosts[state.selected]!}, focus: 0}};
		case 'remove': {
			if (state.selected < 0) return state;
			const hosts = state.hosts.filter((_, i) => i !== state.selected);
			return {...state, hosts, selected: clamp(state.selected, hosts.length), dirty: true};
		}
		case 'move': {
			const from = state.selected;
			const to = from + action.delta;
			if (from < 0 || to < 0 || to >= state.hosts.length) return state;
			const hosts = [...state.hosts];
			[hosts[from], hosts[to]] = [hosts[to]!, hosts[from]!];
			return {...state, hosts, selected: to, dirty: true};
		}
		case 'setOption':
			if (state.options[action.key] === action.value) return state;
			return {...state, options: {...state.options, [action.key]: action.value}, dirty: true};
		case 'goto':
			return {...state, step: action.step};
		case 'next': {
			const i = STEPS.indexOf(state.step);
			if (!canLeave(state, env)) return state;
			return {...state, step: STEPS[Math.min(STEPS.length - 1, i + 1)]!};
		}
		case 'back':
			return {...state, step: STEPS[Math.max(0, STEPS.indexOf(state.step) - 1)]!};
		case 'saved':
			return {...state, dirty: false};
		case 'open':
			return action.state;
		default:
			return state;
	}
}

/** The wizard state of a saved cluster file: hosts field by field, options as text (at the hosts step). */
export function stateFromCluster(cluster: ClusterFile, env: WizardEnv = {}): WizardState {
	return {...initialState(cluster.hosts.map(h => hostFromSpec(h, env)), {
		name: cluster.name,
		groups: String(cluster.groups),
		replicas: String(cluster.replicas),
		image: cluster.image,
		baseDir: cluster.baseDir,
		brokerHeap: cluster.heap.broker,
		namesrvHeap: cluster.heap.namesrv,
		consoleHost: !cluster.console.enabled ? 'none' : cluster.console.host ?? '',
		timezone: cluster.timezone,
	}), base: cluster};
}

/** The option part as parseOptions reads it: numbers that look like numbers, console host/none. */
export function optionInput(fields: OptionFields): Record<string, unknown> {
	const num = (s: string): unknown => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s);
	const consoleHost = fields.consoleHost.trim();
	return {
		name: fields.name,
		groups: num(fields.groups),
		replicas: num(fields.replicas),
		image: fields.image,
		baseDir: fields.baseDir,
		timezone: fields.timezone,
		heap: {broker: fields.brokerHeap, namesrv: fields.namesrvHeap},
		console: consoleHost === 'none' ? {enabled: false} : consoleHost === '' ? {} : {host: fields.consoleHost},
	};
}

/** Problems per option field, keyed by field. */
export function optionProblems(state: WizardState, env: WizardEnv = {}): Partial<Record<OptionKey, string>> {
	const c = new Collector();
	parseOptions(optionInput(state.options), c);
	const out: Partial<Record<OptionKey, string>> = {};
	for (const e of c.errors) {
		const field = OPTION_FIELDS.find(f => f.path === e.path || e.path.startsWith(`${f.path}.`));
		if (field && out[field.key] === undefined) out[field.key] = `${e.message} (${e.fix})`;
	}
	const host = state.options.consoleHost.trim();
	if (out.consoleHost === undefined && host !== '' && host !== 'none') {
		const names = parsedHosts(state, env).map(h => h.name);
		if (!names.includes(state.options.consoleHost)) {
			out.consoleHost = `"${state.options.consoleHost}" is not a host name in hosts (use one of: ${names.join(', ') || 'no hosts yet'}, or none)`;
		}
	}
	return out;
}

/** Problem with one address as typed (for the add line), if any. */
export function addressProblem(text: string, env: WizardEnv = {}): string | undefined {
	const c = new Collector();
	parseHost(text, 'host', c, env.resolveSsh);
	return c.errors[0] && `${c.errors[0].message}`;
}

/** Per host row: its first problem (bad address, duplicate, bad port, missing key file…), or undefined. */
export function hostProblems(state: WizardState, env: WizardEnv = {}): Array<string | undefined> {
	return hostFieldProblems(state.hosts, env).map(firstProblem);
}

/** Problems of the open form, per field: its draft checked against the other hosts as they are. */
export function formProblems(state: WizardState, env: WizardEnv = {}): HostFieldProblems {
	const form = state.form;
	if (!form) return {};
	return hostFieldProblems(state.hosts.map((h, i) => (i === form.index ? form.fields : h)), env, form.index)[form.index] ?? {};
}

function parsedHosts(state: WizardState, env: WizardEnv = {}): HostSpec[] {
	return state.hosts.map(h => toHostSpec(h, 'host', new Collector(), env)).filter((h): h is HostSpec => h !== undefined);
}

/** Whole-list problem: fewer hosts than replicas (same words as the planner), or no hosts. */
export function hostCountProblem(state: WizardState): string | undefined {
	const replicas = Number(state.options.replicas);
	const n = state.hosts.length;
	if (n === 0) return 'no hosts yet: type an address and press Enter, or paste a list';
	if (Number.isInteger(replicas) && replicas > n) {
		return `${replicas} replicas per group need ${replicas} distinct hosts, but only ${n} ${n === 1 ? 'is' : 'are'} listed (add ${replicas - n} more host${replicas - n === 1 ? '' : 's'})`;
	}
	return undefined;
}

/** Can the operator leave the current step forward? */
export function canLeave(state: WizardState, env: WizardEnv = {}): boolean {
	if (state.step === 'hosts') return state.form === undefined && hostProblems(state, env).every(p => p === undefined) && hostCountProblem(state) === undefined;
	if (state.step === 'cluster') return Object.keys(optionProblems(state, env)).length === 0 && hostCountProblem(state) === undefined;
	return false;
}

/** The cluster file the wizard describes. */
export function toClusterFile(state: WizardState, env: WizardEnv = {}): Result<ClusterFile> {
	const c = new Collector();
	const options = parseOptions(optionInput(state.options), c);
	const base = state.base;
	const hosts = state.hosts.map((h, i) => toHostSpec(h, `hosts[${i}]`, c, env)).filter((h): h is HostSpec => h !== undefined);
	checkHostDuplicates(hosts, c);
	if (state.hosts.length === 0) c.add('hosts', 'lists no host', 'add at least three hosts');
	if (c.errors.length > 0) return {ok: false, errors: c.errors};
	if (!base) return {ok: true, value: {version: CLUSTER_FILE_VERSION, ...options, hosts, placement: {}}};
	const kept = {
		groupPrefix: base.groupPrefix,
		network: base.network,
		ports: base.ports,
		brokerProperties: base.brokerProperties,
		...(base.namesrvHosts ? {namesrvHosts: base.namesrvHosts} : {}),
		console: {...options.console, image: base.console.image, port: base.console.port, public: base.console.public},
	};
	return {ok: true, value: {version: CLUSTER_FILE_VERSION, ...options, ...kept, hosts, placement: base.placement}};
}

export interface Review {
	cluster: ClusterFile;
	plan: Plan;
	files: RenderedFile[];
	findings: Finding[];
	tree: TreeEntry[];
	/** What the review lists and previews: every rendered file per host (`host:path`), then the cluster.yaml export writes. */
	browse: BrowseEntry[];
}

export interface BrowseEntry {
	label: string;
	content: string;
}

/** Everything the review step shows: plan, files per host, lint findings, the export tree. */
export function review(state: WizardState, env: WizardEnv = {}): Result<Review, InventoryError> {
	const cluster = toClusterFile(state, env);
	if (!cluster.ok) return cluster;
	const planned = buildPlan(cluster.value);
	if (!planned.ok) return {ok: false, errors: planned.errors};
	const files = renderCluster(planned.plan);
	const tree = exportTree(cluster.value, planned.plan, files);
	const browse = [
		...files.map(f => ({label: `${f.host}:${f.path}`, content: f.content})),
		...tree.filter(e => e.path === 'cluster.yaml').map(e => ({label: e.path, content: e.content ?? ''})),
	];
	return {ok: true, value: {cluster: cluster.value, plan: planned.plan, files, findings: lintRendered(files), tree, browse}};
}
