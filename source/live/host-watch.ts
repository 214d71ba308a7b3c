/**
 * Each host as the pane watches it: Docker's event stream first, then one container listing (and the host's clock
 * offset) — never a listing loop; a host that drops (its event stream ends, a call fails) is shown unreachable with
 * why and retried with backoff while the others live on. Every connection has its own generation: what was
 * started for an older one (its events, the log follows `connected` starts) stops mattering when it is lost.
 */
import type {ContainerEvent, LiveHost, Unsubscribe} from '../deploy/host.ts';
import {backoffDelay, type BackoffOptions} from '../remote/backoff.ts';
import {errorText} from './error-text.ts';
import type {PaneEvent, PaneState} from './model.ts';

export interface HostWatchContext {
	hosts: ReadonlyMap<string, LiveHost>;
	get(): PaneState;
	apply(event: PaneEvent): void;
	now(): number;
	backoff?: BackoffOptions;
	/** Runs a promise whose failure should be shown. */
	track(p: Promise<unknown>): void;
	/** The host was listed: start what lives as long as this connection (`alive()` turns false when it is lost). */
	connected(name: string, host: LiveHost, alive: () => boolean): Promise<void>;
	/** The host's connection was lost: stop what lived with it. */
	lost(name: string): void;
}

interface HostLink {
	generation: number;
	events?: Unsubscribe;
	retry?: ReturnType<typeof setTimeout>;
}

export class HostWatch {
	private readonly links = new Map<string, HostLink>();
	private closed = false;

	constructor(private readonly c: HostWatchContext) {}

	/** Connects to every host the pane shows. */
	start(): void {
		for (const name of this.c.hosts.keys()) {
			if (!this.c.get().hosts[name]) continue;
			this.links.set(name, {generation: 0});
			this.c.track(this.connect(name));
		}
	}

	/** While the host's current connection lasts (undefined: the host is not watched). */
	aliveFor(name: string): (() => boolean) | undefined {
		const link = this.links.get(name);
		if (!link) return undefined;
		const generation = link.generation;
		return () => !this.closed && link.generation === generation;
	}

	/** Stops every event stream and retry; resolves once the streams are closed. */
	close(): Promise<unknown> {
		this.closed = true;
		const stops: Array<Promise<void> | undefined> = [];
		for (const link of this.links.values()) {
			clearTimeout(link.retry);
			link.generation++;
			stops.push(link.events?.());
		}
		return Promise.allSettled(stops);
	}

	private async connect(name: string): Promise<void> {
		const host = this.c.hosts.get(name);
		const link = this.links.get(name);
		if (!host || !link || this.closed) return;
		const generation = ++link.generation;
		const current = () => !this.closed && link.generation === generation;
		this.c.apply({type: 'host-connecting', host: name});
		try {
			link.events = await host.watchEvents(
				event => {
					if (current()) this.c.apply({type: 'host-event', event: event as ContainerEvent});
				},
				error => {
					if (current()) this.lost(name, error ?? new Error('the Docker events stream ended'));
				},
			);
			if (!current()) return void (await link.events());
			const containers = await host.listContainers();
			const offsetMs = await host.clockOffset().catch(() => 0);
			if (!current()) return;
			this.c.apply({type: 'host-listed', host: name, at: this.c.now(), containers, offsetMs});
			await this.c.connected(name, host, current);
		} catch (error) {
			if (current()) this.lost(name, error);
		}
	}

	private lost(name: string, error: unknown): void {
		const link = this.links.get(name);
		if (!link || this.closed) return;
		link.generation++;
		void link.events?.().catch(() => undefined);
		delete link.events;
		this.c.lost(name);
		const delay = backoffDelay((this.c.get().hosts[name]?.retries ?? 0) + 1, this.c.backoff);
		this.c.apply({type: 'host-down', host: name, now: this.c.now(), error: errorText(error), retryAt: Date.now() + delay});
		clearTimeout(link.retry);
		link.retry = setTimeout(() => this.c.track(this.connect(name)), delay);
	}
}
