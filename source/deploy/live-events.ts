/**
 * Docker's event messages (one JSON object per line of GET /events) as ContainerEvents, and the host clock
 * reading behind their time correction (pure).
 */
import type {ContainerEvent} from './host.ts';
import type {ContainerState} from './observed.ts';

/** The fields of a Docker event message that matter here (API ≥ 1.22; `status`/`id` are the pre-1.22 spelling). */
export interface DockerEventMessage {
	Type?: string;
	Action?: string;
	status?: string;
	id?: string;
	Actor?: {ID?: string; Attributes?: Record<string, string>};
	/** Seconds since the epoch. */
	time?: number;
	/** Nanoseconds since the epoch. */
	timeNano?: number;
}

/** A ContainerEvent with what Docker adds for some actions (extra fields: a ContainerEvent wherever one is expected). */
export interface DockerContainerEvent extends ContainerEvent {
	/** Container ID. */
	id?: string;
	/** `kill`: the signal sent, as Docker gives it (`9`, `15`, `SIGKILL`…). */
	signal?: string;
	/** `health_status`: healthy, unhealthy or starting. */
	health?: string;
}

/** One line of the event stream; undefined for an empty or unreadable line. */
export function parseEventLine(line: string): DockerEventMessage | undefined {
	if (line.trim() === '') return undefined;
	try {
		const value: unknown = JSON.parse(line);
		return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as DockerEventMessage) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Docker's action without its noise: `health_status: healthy` → `health_status` (the status goes to `health`),
 * `exec_create: sh -c …`, `exec_start: …`, `exec_die` → undefined (health checks and `docker exec`, dropped).
 */
export function normaliseAction(raw: string): {action: string; detail?: string} | undefined {
	const colon = raw.indexOf(':');
	const action = (colon < 0 ? raw : raw.slice(0, colon)).trim();
	if (action === '' || action.startsWith('exec_')) return undefined;
	const detail = colon < 0 ? undefined : raw.slice(colon + 1).trim();
	return detail ? {action, detail} : {action};
}

/**
 * A container event of `host`, its time moved to this machine's clock (`offsetMs`: how far the host's clock is
 * ahead). Undefined for anything that is not a container change worth showing.
 */
export function containerEventOf(host: string, message: DockerEventMessage | undefined, offsetMs: number): DockerContainerEvent | undefined {
	if (!message) return undefined;
	if (message.Type !== undefined && message.Type !== 'container') return undefined;
	const normalised = normaliseAction(message.Action ?? message.status ?? '');
	if (!normalised) return undefined;
	const attributes = message.Actor?.Attributes ?? {};
	const name = (attributes.name ?? '').replace(/^\//, '');
	const id = message.Actor?.ID ?? message.id;
	if (name === '' && !id) return undefined;
	const hostMs = typeof message.timeNano === 'number' ? message.timeNano / 1e6 : typeof message.time === 'number' ? message.time * 1000 : undefined;
	if (hostMs === undefined) return undefined;
	const event: DockerContainerEvent = {host, name: name || id!.slice(0, 12), action: normalised.action, at: Math.round(hostMs - offsetMs)};
	const exitCode = attributes.exitCode;
	if (exitCode !== undefined && /^-?\d+$/.test(exitCode)) event.exitCode = Number(exitCode);
	if (id) event.id = id;
	if (normalised.action === 'kill' && attributes.signal) event.signal = attributes.signal;
	if (normalised.action === 'health_status' && normalised.detail) event.health = normalised.detail;
	return event;
}

/**
 * The state a container is in right after `action` (`removed` after destroy); undefined when the action alone does
 * not say: kill and oom (`die` follows when the process ends; an OOM kill of another process leaves the container
 * running), attach, rename, health_status…
 */
export function stateAfter(action: string): ContainerState | 'removed' | undefined {
	switch (action) {
		case 'create':
			return 'created';
		case 'start':
		case 'restart':
		case 'unpause':
			return 'running';
		case 'pause':
			return 'paused';
		case 'die':
		case 'stop':
			return 'exited';
		case 'destroy':
			return 'removed';
		default:
			return undefined;
	}
}

/** Exit codes as Docker reports them for a process ended by a signal: 128 + the signal's number. */
export const SIGNAL_EXIT = {SIGTERM: 143, SIGKILL: 137} as const;

/**
 * `date +%s%3N` → epoch ms. A `date` without %N (busybox builds without it print `1700000000%3N` or `17000000003N`)
 * still gives the seconds: the middle of that second is returned. Undefined when it is not a time at all.
 */
export function parseDateMs(stdout: string): number | undefined {
	const text = stdout.trim();
	if (/^\d{13}$/.test(text)) return Number(text);
	const seconds = /^(\d{10})/.exec(text);
	return seconds ? Number(seconds[1]) * 1000 + 500 : undefined;
}

/** One clock reading: this machine's time when it was asked and answered, and the host's answer. */
export interface ClockSample {
	sentMs: number;
	hostMs: number;
	backMs: number;
}

/** The offset (host ahead: +) from the sample with the shortest round trip, taken at its midpoint. */
export function offsetFrom(samples: readonly ClockSample[]): number | undefined {
	const best = [...samples].sort((a, b) => a.backMs - a.sentMs - (b.backMs - b.sentMs))[0];
	return best ? Math.round(best.hostMs - (best.sentMs + best.backMs) / 2) : undefined;
}
