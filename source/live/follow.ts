/**
 * One log follow of one container, as the pane keeps it: files (a broker's broker.log and broker_default.log,
 * their first tails merged by time) or `docker logs`, into the container's ring through `push`; its state shown on
 * the tail; a follow that ends while its host is up is retried with backoff (`docker logs` ends with its
 * container, and is followed again when the container runs).
 */
import type {LiveHost, Unsubscribe} from '../deploy/host.ts';
import type {DrillTarget} from '../drill/target.ts';
import {backoffDelay, type BackoffOptions} from '../remote/backoff.ts';
import {errorText} from './error-text.ts';
import type {PaneEvent} from './model.ts';
import {mergeByTime} from './throttle.ts';

/** The first tails of a broker's two files are merged by time; lines wait at most this long for the other file's. */
const MERGE_WAIT_MS = 400;

export interface Follow {
	stop(): Promise<void>;
}

export interface FollowContext {
	host: LiveHost;
	hostName: string;
	target: DrillTarget;
	/** Files to follow; none: `docker logs`. */
	files: readonly string[];
	tailLines: number;
	backoff?: BackoffOptions;
	/** False once the follow no longer matters (host lost, selection moved, pane closed). */
	alive: () => boolean;
	apply: (event: PaneEvent) => void;
	push: (host: string, container: string, lines: readonly string[]) => void;
	/** Runs a promise whose failure should be shown (a retry). */
	track: (p: Promise<unknown>) => void;
}

export const followSource = (files: readonly string[]): string => (files.length > 0 ? files.map(f => f.slice(f.lastIndexOf('/') + 1)).join(' + ') : 'docker logs');

export async function startFollow(c: FollowContext, attempt = 1): Promise<Follow> {
	const container = c.target.containerName;
	const source = followSource(c.files);
	const state = (s: 'connecting' | 'following' | 'failed' | 'ended', error?: string) =>
		c.apply({type: 'log-state', host: c.hostName, container, state: s, source, ...(error !== undefined ? {error} : {})});
	// The new follow starts with the source's last lines: the ring starts over (what the drills had stays theirs).
	c.apply({type: 'log-reset', host: c.hostName, container});
	state('connecting');
	const parts = c.files.length > 1 ? c.files.map(() => [] as string[]) : undefined;
	const seen = new Set<number>();
	let merging = parts !== undefined;
	let mergeTimer: ReturnType<typeof setTimeout> | undefined;
	const release = () => {
		if (!merging || !parts) return;
		merging = false;
		clearTimeout(mergeTimer);
		c.push(c.hostName, container, mergeByTime(parts));
	};
	if (merging) mergeTimer = setTimeout(release, MERGE_WAIT_MS);
	let stopped = false;
	let ended = false;
	let retry: ReturnType<typeof setTimeout> | undefined;
	let next: Follow | undefined;
	const unsubs: Unsubscribe[] = [];
	const follow: Follow = {
		stop: async () => {
			stopped = true;
			clearTimeout(retry);
			clearTimeout(mergeTimer);
			await Promise.allSettled([...unsubs.map(u => u()), next?.stop()]);
		},
	};
	const sink = (index: number) => ({
		lines: (lines: string[]) => {
			if (stopped || !c.alive()) return;
			if (merging && parts) {
				parts[index]!.push(...lines);
				seen.add(index);
				if (seen.size === parts.length) release();
			} else c.push(c.hostName, container, lines);
		},
		end: (error?: Error) => {
			if (stopped || ended || !c.alive()) return;
			ended = true;
			release();
			state(error ? 'failed' : 'ended', error?.message);
			void Promise.allSettled(unsubs.map(u => u()));
			if (!error && c.files.length === 0) return;
			retry = setTimeout(() => {
				if (stopped || !c.alive()) return;
				c.track(
					startFollow(c, attempt + 1).then(async f => {
						if (stopped) await f.stop();
						else next = f;
					}),
				);
			}, backoffDelay(attempt, c.backoff));
		},
	});
	try {
		if (c.files.length > 0) for (const [i, file] of c.files.entries()) unsubs.push(await c.host.followFile(file, c.tailLines, sink(i)));
		else unsubs.push(await c.host.followContainerLogs(container, c.tailLines, sink(0)));
	} catch (error) {
		await Promise.allSettled(unsubs.map(u => u()));
		clearTimeout(mergeTimer);
		state('failed', errorText(error));
		throw error;
	}
	if (!ended) state('following');
	return follow;
}
