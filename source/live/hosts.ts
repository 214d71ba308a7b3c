/**
 * What the Hosts panel knows of each host (pure): the connection (connecting, connected, unreachable with the
 * error, when it was last seen and when the next retry is due) and each container's state, from one listing at
 * connect time and then Docker's events only — never a listing loop.
 */
import type {ContainerEvent} from '../deploy/host.ts';
import {stateAfter} from '../deploy/live-events.ts';
import type {ContainerState, ObservedContainer} from '../deploy/observed.ts';

export type HostStatus = 'connecting' | 'connected' | 'unreachable';

export interface ContainerView {
	name: string;
	/** 'missing': planned but not on the host. */
	state: ContainerState | 'missing';
	/** Epoch ms of the last start (this machine's clock). */
	startedAt?: number;
	/** Docker's RestartCount at listing, plus every `restart` event since. */
	restarts: number;
	/** From `health_status: …` events. */
	health?: string;
	exitCode?: number;
	/** When the state last changed (events only). */
	changedAt?: number;
}

export interface HostView {
	name: string;
	address: string;
	status: HostStatus;
	error?: string;
	/** Last time anything came from the host (listing, event). */
	lastSeen?: number;
	/** When the next reconnect is due. */
	retryAt?: number;
	/** Failed attempts in a row. */
	retries: number;
	containers: Record<string, ContainerView>;
}

export function newHost(name: string, address: string, planned: readonly string[]): HostView {
	return {name, address, status: 'connecting', retries: 0, containers: Object.fromEntries(planned.map(c => [c, {name: c, state: 'missing', restarts: 0}]))};
}

const parseTime = (iso: string): number | undefined => {
	const t = Date.parse(iso);
	return Number.isFinite(t) && t > 0 ? t : undefined;
};

/** The listing at connect time: planned containers only (others on the host are not ours to show). */
export function hostListed(h: HostView, at: number, containers: readonly ObservedContainer[], offsetMs = 0): HostView {
	const byName = new Map(containers.map(c => [c.name, c]));
	const next: Record<string, ContainerView> = {};
	for (const name of Object.keys(h.containers)) {
		const c = byName.get(name);
		if (!c) {
			next[name] = {name, state: 'missing', restarts: 0};
			continue;
		}
		const started = parseTime(c.startedAt);
		next[name] = {
			name,
			state: c.state,
			restarts: c.restartCount,
			...(started !== undefined ? {startedAt: started - offsetMs} : {}),
			...(h.containers[name]?.health !== undefined ? {health: h.containers[name]!.health!} : {}),
		};
	}
	const {error: _e, retryAt: _r, ...rest} = h;
	return {...rest, status: 'connected', retries: 0, lastSeen: at, containers: next};
}

export interface EventResult {
	host: HostView;
	/** The container's new state, when the event changed it (what the drill timeline is fed). */
	changed?: ContainerState;
}

export function hostEvent(h: HostView, e: ContainerEvent): EventResult {
	const current = h.containers[e.name];
	const seen = {...h, lastSeen: Math.max(h.lastSeen ?? 0, e.at)};
	if (!current) return {host: seen};
	let c: ContainerView = current;
	if (e.action.startsWith('health_status')) {
		const health = e.action.split(':')[1]?.trim();
		if (health) c = {...c, health};
	}
	const after = stateAfter(e.action);
	const state: ContainerView['state'] | undefined = after === 'removed' ? 'missing' : after;
	if (e.action === 'restart') c = {...c, restarts: c.restarts + 1};
	if (state !== undefined && state !== c.state) {
		const {exitCode: _x, ...rest} = c;
		c = {...rest, state, changedAt: e.at, ...(e.action === 'start' || e.action === 'restart' ? {startedAt: e.at} : {}), ...(state === 'exited' && e.exitCode !== undefined ? {exitCode: e.exitCode} : {})};
	} else if (state === 'exited' && e.exitCode !== undefined && c.exitCode === undefined) c = {...c, exitCode: e.exitCode};
	else if ((e.action === 'start' || e.action === 'restart') && c.startedAt !== e.at) c = {...c, startedAt: e.at};
	const host = c === current ? seen : {...seen, containers: {...seen.containers, [e.name]: c}};
	return state !== undefined && state !== current.state && state !== 'missing' ? {host, changed: state} : {host};
}

export function hostDown(h: HostView, error: string, retryAt: number | undefined): HostView {
	return {...h, status: 'unreachable', error, retries: h.retries + 1, ...(retryAt !== undefined ? {retryAt} : {})};
}

export function hostConnecting(h: HostView): HostView {
	const {retryAt: _r, ...rest} = h;
	return h.status === 'connecting' && h.retryAt === undefined ? h : {...rest, status: 'connecting'};
}

/** Container states by containerKey(host, name), as the drill guard and the undo offer take them. */
export function containerStates(hosts: Readonly<Record<string, HostView>>): Record<string, ContainerState> {
	const out: Record<string, ContainerState> = {};
	for (const h of Object.values(hosts)) {
		if (h.status !== 'connected') continue;
		for (const c of Object.values(h.containers)) if (c.state !== 'missing') out[`${h.name}/${c.name}`] = c.state;
	}
	return out;
}
