/**
 * Which log tails the pane follows: every broker's broker.log + broker_default.log while its host is connected
 * (the drills read them, whatever is selected), and one `docker logs` stream for the selected name server or
 * console — moved with the selection, and started again when its container runs again after its stream ended.
 */
import type {LiveHost} from '../deploy/host.ts';
import {containerKey, type DrillTarget} from '../drill/target.ts';
import type {Plan} from '../plan/types.ts';
import type {BackoffOptions} from '../remote/backoff.ts';
import {startFollow, type Follow} from './follow.ts';
import {selectedTarget, type PaneEvent, type PaneState} from './model.ts';
import {brokerLogFiles} from './nodes.ts';

export interface LogFollowsContext {
	plan?: Plan;
	hosts?: ReadonlyMap<string, LiveHost>;
	get(): PaneState;
	apply(event: PaneEvent): void;
	push(host: string, container: string, lines: readonly string[]): void;
	/** Lines still waiting for their frame go in (before a container's tail starts over). */
	flushLines(): void;
	track(p: Promise<unknown>): void;
	/** While the host's current connection lasts; undefined when it is not watched. */
	aliveFor(host: string): (() => boolean) | undefined;
	tailLines: number;
	backoff?: BackoffOptions;
}

export class LogFollows {
	private readonly byHost = new Map<string, Follow[]>();
	private selected: Follow | undefined;
	/** The node id the `docker logs` stream is (being) opened for. */
	private followedId: string | undefined;
	/** Each followSelection() call's number: only the latest one's stream is kept. */
	private selectionRun = 0;
	private closed = false;

	constructor(private readonly c: LogFollowsContext) {}

	/** Every broker's log files on a host just connected, for as long as `alive()`. */
	async followBrokers(hostName: string, host: LiveHost, alive: () => boolean): Promise<void> {
		const plan = this.c.plan;
		if (!plan) return;
		for (const t of this.c.get().config.targets.filter(x => x.host === hostName && x.kind === 'broker')) {
			try {
				const f = await this.follow(hostName, host, t, brokerLogFiles(plan, t), alive);
				if (alive()) this.byHost.set(hostName, [...(this.byHost.get(hostName) ?? []), f]);
				else await f.stop();
			} catch {
				// shown on the tail (failed); the host's next reconnect tries again
			}
		}
	}

	/** The host's connection is gone: its follows stop (the selected one too, when it is there). */
	hostLost(hostName: string): void {
		void Promise.allSettled((this.byHost.get(hostName) ?? []).map(f => f.stop()));
		this.byHost.delete(hostName);
		if (this.selected && selectedTarget(this.c.get())?.host === hostName) {
			void this.selected.stop();
			this.selected = undefined;
			this.followedId = undefined;
		}
	}

	/** After a state change: follow the new selection, or the selected container again once it runs again. */
	changed(before: PaneState): void {
		const s = this.c.get();
		if (s.selected !== this.followedId) return this.c.track(this.followSelection());
		if (s.hosts === before.hosts) return;
		const t = selectedTarget(s);
		if (!t || t.kind === 'broker') return;
		const running = (state: PaneState) => state.hosts[t.host]?.containers[t.containerName]?.state === 'running';
		// `docker logs` ends with its container (a pause does not end it): follow it again once it runs. (A host's
		// listing is no such change: the host's connection follows the selection itself.)
		const streaming = s.logs[containerKey(t.host, t.containerName)]?.state === 'following';
		const wasConnected = before.hosts[t.host]?.status === 'connected';
		if (wasConnected && running(s) && !running(before) && !streaming) this.c.track(this.followSelection(true));
	}

	/** One `docker logs` stream for the selected name server or console; switching stops (and awaits) the old one. */
	async followSelection(force = false): Promise<void> {
		const t = selectedTarget(this.c.get());
		const id = t?.id;
		if (!force && id === this.followedId) return;
		this.followedId = id;
		const run = ++this.selectionRun;
		const old = this.selected;
		this.selected = undefined;
		if (old) await old.stop();
		if (!t || t.kind === 'broker' || this.closed || run !== this.selectionRun) return;
		const host = this.c.hosts?.get(t.host);
		const hostAlive = this.c.aliveFor(t.host);
		if (!host || !hostAlive || this.c.get().hosts[t.host]?.status !== 'connected') return;
		const alive = () => !this.closed && hostAlive() && run === this.selectionRun;
		try {
			const f = await this.follow(t.host, host, t, [], alive);
			if (alive()) this.selected = f;
			else await f.stop();
		} catch {
			// shown on the tail
		}
	}

	/** Stops every follow; resolves once they are closed. */
	close(): Promise<unknown> {
		this.closed = true;
		const stops = [...[...this.byHost.values()].flat().map(f => f.stop()), this.selected?.stop()];
		this.byHost.clear();
		this.selected = undefined;
		return Promise.allSettled(stops);
	}

	private follow(hostName: string, host: LiveHost, target: DrillTarget, files: readonly string[], alive: () => boolean): Promise<Follow> {
		return startFollow({
			host,
			hostName,
			target,
			files,
			tailLines: this.c.tailLines,
			...(this.c.backoff ? {backoff: this.c.backoff} : {}),
			alive,
			apply: e => {
				// Lines of the old follow still waiting for their frame go in before the ring starts over.
				if (e.type === 'log-reset') this.c.flushLines();
				this.c.apply(e);
			},
			push: this.c.push,
			track: this.c.track,
		});
	}
}
