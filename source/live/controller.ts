/**
 * The pane's imperative shell: it polls the probe (one round in flight, every `intervalMs`), watches each host
 * (host-watch.ts: one listing at connect, then Docker's events; a host that drops is retried with backoff while
 * the rest lives on), follows log tails (log-follows.ts), folds all of it into the pure model through a store that
 * paces frames (store.ts), and carries out the effects keys ask for (actions.ts). Views read `get()` and call
 * `key()`; they never touch a socket.
 */
import {writeFile} from 'node:fs/promises';
import type {LiveHost} from '../deploy/host.ts';
import {journalPath, pendingUndo} from '../drill/journal.ts';
import type {DrillAction, DrillTarget} from '../drill/target.ts';
import type {Plan} from '../plan/types.ts';
import type {Observe} from '../probe/observer.ts';
import type {BackoffOptions} from '../remote/backoff.ts';
import {defaultReportName, DrillActions} from './actions.ts';
import {errorText} from './error-text.ts';
import {HostWatch} from './host-watch.ts';
import {containerStates} from './hosts.ts';
import {onKey, type Effect, type KeyContext} from './intents.ts';
import {LogFollows} from './log-follows.ts';
import {initialPane, selectedTarget, type PaneState} from './model.ts';
import {paneTargets} from './nodes.ts';
import {DEFAULT_RING_LINES} from './ring.ts';
import {PaneStore} from './store.ts';

export {defaultReportName, reportBase} from './actions.ts';

export interface PaneSources {
	/** The cluster's plan (hosts, containers, log paths); none with `--namesrv`. */
	plan?: Plan;
	/** Hosts with the live capabilities, by the plan's host name; none: no host panels, logs or drill keys. */
	hosts?: ReadonlyMap<string, LiveHost>;
	/** Why there is no host access (shown, and the drill keys say it). */
	noHosts?: string;
	observe: Observe;
	/** `simulated`, `SSH`, `name servers only`. */
	source: string;
	clusterName?: string;
}

export interface PaneOptions {
	intervalMs?: number;
	ringLines?: number;
	/** Lines of history each log follow starts with. */
	tailLines?: number;
	readOnly?: boolean;
	/** `--report FILE`: FILE.md and FILE.json are written on close (and by the report key). */
	reportFile?: string;
	/** The reference clock (the simulator's own in `--sim`, whose timers may run faster); default Date.now. */
	now?: () => number;
	frameMs?: number;
	tickMs?: number;
	flashMs?: number;
	backoff?: BackoffOptions;
	/** Who sends drill actions, as the journal records it: `user@machine (pid N)`. */
	operator?: string;
	/** Writes a local file (the report). */
	writeText?: (path: string, text: string) => Promise<void>;
	/** The report key's file name when there is no --report: `rmq-tui-drills-<time>` in this dir. */
	cwd?: string;
}

export const DEFAULT_INTERVAL_MS = 250;
export const DEFAULT_TAIL_LINES = 200;
/** How long close() waits for streams to stop and actions in flight to return. */
const CLOSE_WAIT_MS = 3000;

export class PaneController {
	private readonly store: PaneStore;
	private readonly now: () => number;
	private readonly hostWatch: HostWatch;
	private readonly follows: LogFollows;
	private readonly actions: DrillActions;
	private readonly journal: string | undefined;
	/** Hosts whose drill journal was read (once per host, at its first connection). */
	private readonly journalsRead = new Set<string>();
	private pollTimer: ReturnType<typeof setTimeout> | undefined;
	private tickTimer: ReturnType<typeof setInterval> | undefined;
	private flashTimer: ReturnType<typeof setTimeout> | undefined;
	private closed = false;
	private started = false;
	private readonly inFlight = new Set<Promise<unknown>>();
	private quitResolve!: () => void;
	/** Resolves when a key (or quit()) asked to quit. */
	readonly quitRequested = new Promise<void>(resolve => (this.quitResolve = resolve));

	constructor(
		private readonly sources: PaneSources,
		private readonly options: PaneOptions = {},
	) {
		this.now = options.now ?? Date.now;
		const plan = sources.plan;
		const hostAccess = plan !== undefined && sources.hosts !== undefined;
		this.journal = plan ? journalPath(`${plan.options.baseDir.replace(/\/+$/, '')}/.rmq-tui`) : undefined;
		const initial = initialPane(
			{
				...(hostAccess ? {plan} : {}),
				targets: hostAccess ? paneTargets(plan) : [],
				clusterName: sources.clusterName ?? plan?.options.name ?? 'cluster',
				source: sources.source,
				policy: {...(options.readOnly ? {readOnly: true} : {}), ...(hostAccess ? {} : {noHosts: sources.noHosts ?? 'no host access'})},
				intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
				ringLines: options.ringLines ?? DEFAULT_RING_LINES,
				hosts: hostAccess ? plan.hosts.filter(h => sources.hosts!.has(h.spec.name)).map(h => ({name: h.spec.name, address: sources.hosts!.get(h.spec.name)!.address})) : [],
			},
			this.now(),
		);
		this.store = new PaneStore(initial, before => this.changed(before), options.frameMs);
		const track = (p: Promise<unknown>) => this.track(p);
		const backoff = options.backoff ? {backoff: options.backoff} : {};
		this.hostWatch = new HostWatch({
			hosts: hostAccess ? sources.hosts! : new Map(),
			get: this.get,
			apply: this.store.apply,
			now: this.now,
			...backoff,
			track,
			connected: (name, host, alive) => this.hostConnected(name, host, alive),
			lost: name => this.follows.hostLost(name),
		});
		this.follows = new LogFollows({
			...(plan ? {plan} : {}),
			...(sources.hosts ? {hosts: sources.hosts} : {}),
			get: this.get,
			apply: this.store.apply,
			push: this.store.push,
			flushLines: () => this.store.flushLines(),
			track,
			aliveFor: host => this.hostWatch.aliveFor(host),
			tailLines: options.tailLines ?? DEFAULT_TAIL_LINES,
			...backoff,
		});
		this.actions = new DrillActions({
			hosts: sources.hosts,
			journal: this.journal,
			operator: options.operator ?? `rmq-tui (pid ${process.pid})`,
			now: this.now,
			get: this.get,
			apply: this.store.apply,
			draw: () => this.store.draw(),
			writeText: options.writeText ?? ((path, text) => writeFile(path, text)),
			open: () => !this.closed,
		});
	}

	// ——— the store the view reads ———

	readonly get = (): PaneState => this.store.get();

	readonly subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

	/** A key, as keyName() names it; `input` is the raw text (for the filter and typed names). Drawn at once. */
	key(name: string | undefined, input: string, context: KeyContext): void {
		const {state, effects} = onKey(this.get(), name, input, context);
		this.store.replace(state);
		for (const effect of effects) this.track(this.run(effect));
	}

	/** Ask to quit, as the `q` key does (a signal). */
	quit(): void {
		this.quitResolve();
	}

	/** Every state change: a new flash is cleared after a while; the log follows go where the selection went. */
	private changed(before: PaneState): void {
		const state = this.get();
		if (state.flash && state.flash !== before.flash) {
			clearTimeout(this.flashTimer);
			const flash = state.flash;
			this.flashTimer = setTimeout(() => this.store.apply({type: 'flash-clear', flash}), this.options.flashMs ?? 6000);
		}
		if (this.started) this.follows.changed(before);
	}

	private track(p: Promise<unknown>): void {
		const guarded = p.catch(error => {
			if (!this.closed) this.store.apply({type: 'flash', level: 'error', text: `✗ ${errorText(error)}`, now: this.now()});
		});
		this.inFlight.add(guarded);
		void guarded.finally(() => this.inFlight.delete(guarded));
	}

	// ——— lifecycle ———

	start(): void {
		if (this.started) return;
		this.started = true;
		void this.poll();
		this.tickTimer = setInterval(() => this.store.apply({type: 'tick', now: this.now()}), this.options.tickMs ?? 1000);
		this.hostWatch.start();
		this.track(this.follows.followSelection());
	}

	/** Stops every timer and stream (the hosts themselves belong to the caller); with --report, writes it. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.pollTimer);
		clearInterval(this.tickTimer);
		clearTimeout(this.flashTimer);
		this.store.close();
		const stops = [this.hostWatch.close(), this.follows.close()];
		// A host that went silent may never answer: closing waits a little, not forever.
		const patience = new Promise<void>(resolve => setTimeout(resolve, CLOSE_WAIT_MS).unref());
		await Promise.race([Promise.allSettled([...stops, ...this.inFlight]), patience]);
		if (this.options.reportFile !== undefined) await this.actions.report(this.options.reportFile);
	}

	// ——— the probe ———

	private async poll(): Promise<void> {
		if (this.closed) return;
		const started = performance.now();
		try {
			const snapshot = await this.sources.observe();
			if (!this.closed) this.store.apply({type: 'snapshot', snapshot});
		} catch (error) {
			if (!this.closed) this.store.apply({type: 'probe-failed', now: this.now(), error: errorText(error)});
		}
		if (this.closed) return;
		this.pollTimer = setTimeout(() => void this.poll(), Math.max(0, this.get().config.intervalMs - (performance.now() - started)));
	}

	// ——— what a (re)connected host brings ———

	/** Its brokers' logs, its drill journal (at the first connection), the selection's logs when it is there. */
	private async hostConnected(name: string, host: LiveHost, alive: () => boolean): Promise<void> {
		await this.follows.followBrokers(name, host, alive);
		if (!this.journalsRead.has(name)) await this.readJournal(name, host);
		if (selectedTarget(this.get())?.host === name) await this.follows.followSelection(true);
	}

	private async readJournal(name: string, host: LiveHost): Promise<void> {
		if (!this.journal) return;
		this.journalsRead.add(name);
		try {
			const text = await host.readFile(this.journal);
			const actions = text ? pendingUndo(text, containerStates(this.get().hosts)).filter(a => a.host === name) : [];
			if (actions.length > 0) this.store.apply({type: 'undo-offer', actions});
		} catch (error) {
			this.store.apply({type: 'flash', level: 'error', text: `✗ cannot read the drill journal on ${name}: ${errorText(error)}`, now: this.now()});
		}
	}

	// ——— effects ———

	private async run(effect: Effect): Promise<void> {
		switch (effect.type) {
			case 'drill':
				return this.actions.send(effect.target, effect.action);
			case 'report':
				return this.actions.report(this.options.reportFile ?? `${this.options.cwd ?? '.'}/${defaultReportName(this.now())}`);
			case 'undo':
				return this.actions.undo(effect.actions);
			case 'keep':
				return this.actions.keep(effect.actions);
			case 'quit':
				return this.quit();
		}
	}

	/** Send one drill action now, as a confirmed key does (journalled first). */
	sendDrill(target: DrillTarget, action: DrillAction): Promise<void> {
		return this.actions.send(target, action);
	}

	/** FILE.md and FILE.json of every drill with a result so far. */
	writeReport(file: string): Promise<void> {
		return this.actions.report(file);
	}
}
