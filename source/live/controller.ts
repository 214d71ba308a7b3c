/**
 * The pane's imperative shell: it subscribes to the probe (one round in flight, every `intervalMs`), to each host
 * (one container listing at connect, then Docker's events stream; a host that drops is retried with backoff while
 * the rest lives on), and to log tails (every broker's broker.log + broker_default.log, for the drills; the
 * selected name server's or console's `docker logs`), folds all of it into the pure model, and carries out the
 * effects keys ask for (actions.ts). Views read `get()` and call `key()`; they never touch a socket. Frames are
 * paced: data at most once per FRAME_MS (log lines are batched until then), a key's frame at once.
 */
import {writeFile} from 'node:fs/promises';
import type {ContainerEvent, LiveHost, Unsubscribe} from '../deploy/host.ts';
import {journalPath, pendingUndo} from '../drill/journal.ts';
import {containerKey, type DrillAction, type DrillTarget} from '../drill/target.ts';
import type {Plan} from '../plan/types.ts';
import type {Observe} from '../probe/observer.ts';
import {backoffDelay, type BackoffOptions} from '../remote/backoff.ts';
import {defaultReportName, DrillActions} from './actions.ts';
import {startFollow, type Follow} from './follow.ts';
import {containerStates} from './hosts.ts';
import {onKey, type Effect, type KeyContext} from './intents.ts';
import {initialPane, paneReducer, selectedTarget, type PaneEvent, type PaneState} from './model.ts';
import {brokerLogFiles, paneTargets} from './nodes.ts';
import {DEFAULT_RING_LINES} from './ring.ts';
import {FRAME_MS, frameDelay} from './throttle.ts';

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

interface HostLink {
	generation: number;
	events?: Unsubscribe;
	follows: Follow[];
	retry?: ReturnType<typeof setTimeout>;
	journalRead: boolean;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class PaneController {
	private state: PaneState;
	private readonly listeners = new Set<() => void>();
	private readonly now: () => number;
	private readonly frameMs: number;
	private lastFrameAt: number | undefined;
	private frameTimer: ReturnType<typeof setTimeout> | undefined;
	private dirty = false;
	private readonly pending = new Map<string, {host: string; container: string; lines: string[]}>();
	private readonly links = new Map<string, HostLink>();
	private selectedFollow: Follow | undefined;
	private followedSelection: string | undefined;
	private pollTimer: ReturnType<typeof setTimeout> | undefined;
	private tickTimer: ReturnType<typeof setInterval> | undefined;
	private flashTimer: ReturnType<typeof setTimeout> | undefined;
	private closed = false;
	private started = false;
	private readonly inFlight = new Set<Promise<unknown>>();
	private quitResolve!: () => void;
	/** Resolves when a key (or quit()) asked to quit. */
	readonly quitRequested = new Promise<void>(resolve => (this.quitResolve = resolve));
	private readonly journal: string | undefined;
	private readonly actions: DrillActions;

	constructor(
		private readonly sources: PaneSources,
		private readonly options: PaneOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.frameMs = options.frameMs ?? FRAME_MS;
		const plan = sources.plan;
		const hostAccess = plan !== undefined && sources.hosts !== undefined;
		this.journal = plan ? journalPath(`${plan.options.baseDir.replace(/\/+$/, '')}/.rmq-tui`) : undefined;
		this.state = initialPane(
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
		this.actions = new DrillActions({
			hosts: sources.hosts,
			journal: this.journal,
			operator: options.operator ?? `rmq-tui (pid ${process.pid})`,
			now: this.now,
			get: this.get,
			apply: e => this.apply(e),
			draw: () => {
				this.flushLines();
				this.emit();
			},
			writeText: options.writeText ?? ((path, text) => writeFile(path, text)),
			open: () => !this.closed,
		});
	}

	// ——— the store the view reads ———

	readonly get = (): PaneState => this.state;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	private emit(): void {
		this.lastFrameAt = performance.now();
		this.dirty = false;
		for (const l of this.listeners) l();
	}

	/** A frame now if one frame's time has passed since the last, else at the next frame. */
	private schedule(): void {
		this.dirty = true;
		if (this.frameTimer !== undefined || this.closed) return;
		this.frameTimer = setTimeout(() => {
			// Lines flushed here schedule nothing more: this frame draws them.
			this.flushLines();
			this.frameTimer = undefined;
			if (this.dirty) this.emit();
		}, frameDelay(performance.now(), this.lastFrameAt, this.frameMs));
	}

	private apply(event: PaneEvent): void {
		const before = this.state;
		this.state = paneReducer(this.state, event);
		if (this.state !== before) {
			this.afterChange(before);
			this.schedule();
		}
	}

	/** A key, as keyName() names it; `input` is the raw text (for the filter and typed names). Drawn at once. */
	key(name: string | undefined, input: string, context: KeyContext): void {
		const before = this.state;
		const {state, effects} = onKey(this.state, name, input, context);
		this.state = state;
		if (state !== before) this.afterChange(before);
		this.flushLines();
		this.emit();
		for (const effect of effects) this.track(this.run(effect));
	}

	/** Ask to quit, as the `q` key does (a signal). */
	quit(): void {
		this.quitResolve();
	}

	private afterChange(before: PaneState): void {
		if (this.state.flash && this.state.flash !== before.flash) {
			clearTimeout(this.flashTimer);
			const flash = this.state.flash;
			this.flashTimer = setTimeout(() => this.apply({type: 'flash-clear', flash}), this.options.flashMs ?? 6000);
		}
		if (!this.started) return;
		if (this.state.selected !== this.followedSelection) this.track(this.followSelection());
		else if (this.state.hosts !== before.hosts) {
			// `docker logs` of the selected container ended with it: follow it again once it runs.
			const t = selectedTarget(this.state);
			const state = (hosts: PaneState['hosts']) => (t ? hosts[t.host]?.containers[t.containerName]?.state : undefined);
			if (t && t.kind !== 'broker' && state(this.state.hosts) === 'running' && state(before.hosts) !== 'running') this.track(this.followSelection(true));
		}
	}

	private track(p: Promise<unknown>): void {
		const guarded = p.catch(error => {
			if (!this.closed) this.apply({type: 'flash', level: 'error', text: `✗ ${message(error)}`, now: this.now()});
		});
		this.inFlight.add(guarded);
		void guarded.finally(() => this.inFlight.delete(guarded));
	}

	// ——— lifecycle ———

	start(): void {
		if (this.started) return;
		this.started = true;
		void this.poll();
		this.tickTimer = setInterval(() => this.apply({type: 'tick', now: this.now()}), this.options.tickMs ?? 1000);
		for (const name of this.sources.hosts?.keys() ?? []) {
			if (!this.state.hosts[name]) continue;
			this.links.set(name, {generation: 0, follows: [], journalRead: false});
			this.track(this.connect(name));
		}
		this.track(this.followSelection());
	}

	/** Stops every timer and stream (the hosts themselves belong to the caller); with --report, writes it. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.pollTimer);
		clearInterval(this.tickTimer);
		clearTimeout(this.frameTimer);
		clearTimeout(this.flashTimer);
		const stops: Array<Promise<unknown> | undefined> = [];
		for (const link of this.links.values()) {
			clearTimeout(link.retry);
			link.generation++;
			stops.push(link.events?.(), ...link.follows.map(f => f.stop()));
			link.follows = [];
		}
		stops.push(this.selectedFollow?.stop());
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
			if (!this.closed) this.apply({type: 'snapshot', snapshot});
		} catch (error) {
			if (!this.closed) this.apply({type: 'probe-failed', now: this.now(), error: message(error)});
		}
		if (this.closed) return;
		this.pollTimer = setTimeout(() => void this.poll(), Math.max(0, this.state.config.intervalMs - (performance.now() - started)));
	}

	// ——— hosts ———

	private async connect(name: string): Promise<void> {
		const host = this.sources.hosts?.get(name);
		const link = this.links.get(name);
		if (!host || !link || this.closed) return;
		const generation = ++link.generation;
		const current = () => !this.closed && link.generation === generation;
		this.apply({type: 'host-connecting', host: name});
		try {
			link.events = await host.watchEvents(
				event => {
					if (current()) this.apply({type: 'host-event', event: event as ContainerEvent});
				},
				error => {
					if (current()) this.lost(name, error ?? new Error('the Docker events stream ended'));
				},
			);
			if (!current()) return void (await link.events());
			const containers = await host.listContainers();
			const offsetMs = await host.clockOffset().catch(() => 0);
			if (!current()) return;
			this.apply({type: 'host-listed', host: name, at: this.now(), containers, offsetMs});
			await this.followBrokers(name, host, link, current);
			if (!link.journalRead) await this.readJournal(name, host, link);
			if (selectedTarget(this.state)?.host === name) await this.followSelection(true);
		} catch (error) {
			if (current()) this.lost(name, error);
		}
	}

	private lost(name: string, error: unknown): void {
		const link = this.links.get(name);
		if (!link || this.closed) return;
		link.generation++;
		void Promise.allSettled([link.events?.(), ...link.follows.map(f => f.stop())]);
		delete link.events;
		link.follows = [];
		if (this.selectedFollow && selectedTarget(this.state)?.host === name) {
			void this.selectedFollow.stop();
			this.selectedFollow = undefined;
			this.followedSelection = undefined;
		}
		const delay = backoffDelay((this.state.hosts[name]?.retries ?? 0) + 1, this.options.backoff);
		this.apply({type: 'host-down', host: name, now: this.now(), error: message(error), retryAt: Date.now() + delay});
		clearTimeout(link.retry);
		link.retry = setTimeout(() => this.track(this.connect(name)), delay);
	}

	private async readJournal(name: string, host: LiveHost, link: HostLink): Promise<void> {
		if (!this.journal) return;
		link.journalRead = true;
		try {
			const text = await host.readFile(this.journal);
			const actions = text ? pendingUndo(text, containerStates(this.state.hosts)).filter(a => a.host === name) : [];
			if (actions.length > 0) this.apply({type: 'undo-offer', actions});
		} catch (error) {
			this.apply({type: 'flash', level: 'error', text: `✗ cannot read the drill journal on ${name}: ${message(error)}`, now: this.now()});
		}
	}

	// ——— logs ———

	private readonly push = (host: string, container: string, lines: readonly string[]): void => {
		if (this.closed || lines.length === 0) return;
		const key = containerKey(host, container);
		const entry = this.pending.get(key);
		if (entry) entry.lines.push(...lines);
		else this.pending.set(key, {host, container, lines: [...lines]});
		this.schedule();
	};

	private flushLines(): void {
		if (this.pending.size === 0) return;
		const batches = [...this.pending.values()];
		this.pending.clear();
		this.apply({type: 'log-lines', batches});
	}

	private follow(hostName: string, host: LiveHost, target: DrillTarget, files: readonly string[], alive: () => boolean): Promise<Follow> {
		return startFollow({
			host,
			hostName,
			target,
			files,
			tailLines: this.options.tailLines ?? DEFAULT_TAIL_LINES,
			...(this.options.backoff ? {backoff: this.options.backoff} : {}),
			alive,
			apply: e => this.apply(e),
			push: this.push,
			track: p => this.track(p),
		});
	}

	private async followBrokers(name: string, host: LiveHost, link: HostLink, alive: () => boolean): Promise<void> {
		const plan = this.sources.plan;
		if (!plan) return;
		for (const t of this.state.config.targets.filter(x => x.host === name && x.kind === 'broker')) {
			this.apply({type: 'log-reset', host: name, container: t.containerName});
			try {
				const f = await this.follow(name, host, t, brokerLogFiles(plan, t), alive);
				if (alive()) link.follows.push(f);
				else await f.stop();
			} catch {
				// shown on the tail (failed); the host's next reconnect tries again
			}
		}
	}

	/** One `docker logs` stream for the selected name server or console; switching stops (and awaits) the old one. */
	private async followSelection(force = false): Promise<void> {
		const t = selectedTarget(this.state);
		const id = t?.id;
		if (!force && id === this.followedSelection) return;
		this.followedSelection = id;
		const old = this.selectedFollow;
		this.selectedFollow = undefined;
		if (old) await old.stop();
		if (!t || t.kind === 'broker' || this.closed) return;
		const host = this.sources.hosts?.get(t.host);
		const link = this.links.get(t.host);
		if (!host || !link || this.state.hosts[t.host]?.status !== 'connected') return;
		const generation = link.generation;
		const alive = () => !this.closed && link.generation === generation && this.followedSelection === id;
		this.apply({type: 'log-reset', host: t.host, container: t.containerName});
		try {
			const f = await this.follow(t.host, host, t, [], alive);
			if (alive() && this.selectedFollow === undefined) this.selectedFollow = f;
			else await f.stop();
		} catch {
			// shown on the tail
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
