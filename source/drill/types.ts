/** A drill: one action on one node and what the probe, Docker and the logs showed after it. Pure data. */
import type {ContainerState} from '../deploy/observed.ts';
import type {ClusterSnapshot, Verdict} from '../probe/types.ts';
import type {LogEvent} from './logs.ts';
import type {DrillAction, DrillTarget} from './target.ts';

export type DrillPhase = 'waiting' | 'leader-lost' | 'electing' | 'elected' | 'recovering' | 'done' | 'no-election-expected';

export type DrillInput =
	| {
			type: 'sent';
			at: number;
			target: DrillTarget;
			action: DrillAction;
			/** The last snapshot before the action (who led, who was up). Without it the first snapshot after decides. */
			before?: ClusterSnapshot;
			/** Every node of the cluster (drillTargets(plan)), so that logs and events of the target's peers are recognised. */
			nodes?: readonly DrillTarget[];
			id?: string;
	  }
	/** One probe result; snapshot.at is the reference clock. */
	| {type: 'snapshot'; snapshot: ClusterSnapshot}
	/** A Docker event, its time already corrected by the host's clock offset. */
	| {type: 'container'; at: number; host: string; name: string; state: ContainerState}
	/** A log line of a container; `at` defaults to the line's own (GMT+8, 1 s) time. */
	| {type: 'log'; at?: number; host: string; container: string; line: string}
	/** End the drill now (the operator closed it, or started another). */
	| {type: 'close'; at: number};

/** What one name server listed for the target's group. */
export interface NamesrvTrack {
	addr: string;
	/** First snapshot where it no longer listed the old leader as brokerId 0. */
	leaderGoneAt?: number;
	/** It kept listing the old leader while that one did not answer (a frozen or just-killed leader). */
	staleSince?: number;
	staleUntil?: number;
	newLeader?: string;
	/** First snapshot where it listed the new leader as brokerId 0. */
	newLeaderAt?: number;
	/** Whether it answered in the last snapshot. */
	reachable: boolean;
}

/** What one DLedger node (a survivor) said about its leader. */
export interface DledgerTrack {
	selfId: string;
	/** First snapshot where it no longer followed the old leader. */
	leaderGoneAt?: number;
	/** First snapshot where it followed nobody (a candidate). */
	candidateAt?: number;
	newLeader?: string;
	newLeaderAt?: number;
}

export interface ContainerChange {
	at: number;
	host: string;
	name: string;
	state: ContainerState;
	/** The node it belongs to (target id), when known. */
	node?: string;
}

export interface DrillLogEvent extends LogEvent {
	host: string;
	container: string;
	/** The node whose container wrote the line (target id), when known. */
	node?: string;
}

export interface Recovery {
	action: 'start' | 'unpause' | 'restart';
	sentAt: number;
	/** The target's container running again (Docker event). */
	runningAt?: number;
	/** First snapshot where the target answered again. */
	reachableAt?: number;
	/** Brokers: first snapshot where every reachable name server listed it (the broker's `change to slave` and registration). */
	registeredAt?: number;
	registeredBrokerId?: number;
	/** Brokers: first snapshot where its DLedger METADATA named a leader (on 4.7.1 up to a few seconds after registering). */
	followsAt?: number;
	/** Brokers: first snapshot where it followed a leader, listed at every reachable name server. Name servers: listing every group's leader. Console: running. */
	backAt?: number;
	backAs?: 'follower' | 'leader';
	/** Brokers: the brokerId the name servers gave it when back. */
	backBrokerId?: number;
}

export interface Drill {
	id: string;
	target: DrillTarget;
	action: DrillAction;
	sentAt: number;
	phase: DrillPhase;
	/** The target led its group when the action was sent and the action takes it away. */
	expectElection: boolean;
	/** The group's leader before the action (brokers). */
	leaderBefore?: string;
	/** Name-server and console drills: every group's leader before the action. */
	leadersBefore?: Record<string, string>;
	/** Whether leaderBefore/leadersBefore are settled (from `before`, else from the first snapshot after sent). */
	leaderKnown: boolean;
	/** Replicas in the target's group. */
	groupSize?: number;
	nodes: readonly DrillTarget[];
	namesrvs: Record<string, NamesrvTrack>;
	dledger: Record<string, DledgerTrack>;
	/** Docker events of the target and its group (name server drills: the target only). */
	containers: ContainerChange[];
	/** First snapshot where the target did not answer. */
	unreachableAt?: number;
	leaderLostAt?: number;
	electingAt?: number;
	newLeader?: string;
	/** Time-to-new-leader: first snapshot where every reachable name server listed the new leader. */
	newLeaderAt?: number;
	/** How many name servers named it then, of how many. */
	newLeaderNamed?: {named: number; of: number};
	/** First snapshot where a majority of the group's DLedger nodes followed the new leader. */
	dledgerMajorityAt?: number;
	dledgerLeader?: string;
	/** Both of the above held. */
	electedAt?: number;
	recovery?: Recovery;
	doneAt?: number;
	/** The group's verdict (other drills: the cluster's worst) each time it changed, from the first snapshot after sent. */
	verdicts: Array<{at: number; verdict: Verdict}>;
	logs: DrillLogEvent[];
	snapshots: number;
	lastSnapshotAt?: number;
	/** Largest gap between consecutive snapshots (the drill's time resolution). */
	maxGapMs?: number;
	/** Drills where no election was expected: the leader changed anyway. */
	unexpectedLeaderChange?: {at: number; from?: string; to?: string};
	notes: string[];
}

export interface DrillOptions {
	/** Close the drill this long after it was sent, whatever was seen (default 5 minutes). */
	timeoutMs: number;
	/** Ignore log lines older than this before sent (a tail's backlog). */
	logSlackMs: number;
	/** Keep at most this many log events and container changes. */
	maxEvents: number;
}

export const DEFAULT_DRILL_OPTIONS: DrillOptions = {timeoutMs: 300_000, logSlackMs: 2000, maxEvents: 200};
