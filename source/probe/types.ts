/** What the probe observes (per source, per poll) and the snapshot it derives per DLedger group. Pure data. */

export interface ReplicaTarget {
	selfId: string;
	/** Host name when known from a plan. */
	host?: string;
	ip: string;
	listenPort: number;
	dledgerPort: number;
}

export interface GroupTarget {
	name: string;
	replicas: ReplicaTarget[];
}

export type Observed<T> = ({ok: true} & T) | {ok: false; error: string};

/** One name server's GET_BROKER_CLUSTER_INFO: brokerName → brokerId → "ip:port". */
export type NamesrvObservation = {addr: string; at: number} & Observed<{brokers: Record<string, Record<number, string>>}>;

/** One DLedger node's METADATA answer about its own group. */
export type DledgerObservation = {group: string; selfId: string; at: number} & Observed<{leaderId?: string}>;

export interface RuntimeFigures {
	version?: string;
	commitLogMaxOffset?: number;
	diskRatio?: number;
	putTps?: number;
}

/** One broker's live config (role as the broker sees it) and runtime figures. */
export type BrokerObservation = {group: string; selfId: string; at: number} & Observed<{role?: string; brokerId?: number; runtime?: RuntimeFigures}>;

export interface ProbeRound {
	/** When the round started (ms, the probe's reference clock). */
	at: number;
	groups: GroupTarget[];
	namesrvs: NamesrvObservation[];
	dledger: DledgerObservation[];
	brokers: BrokerObservation[];
}

export type Verdict = 'unreachable' | 'electing' | 'stale' | 'split' | 'degraded' | 'healthy';
/** Precedence, worst first. */
export const VERDICTS: readonly Verdict[] = ['unreachable', 'electing', 'stale', 'split', 'degraded', 'healthy'];

export type Role = 'leader' | 'follower' | 'candidate' | 'down' | 'unknown';

export interface ReplicaSnapshot extends ReplicaTarget {
	role: Role;
	/** brokerId per name server address (null: not listed there; undefined: name server unreachable). */
	brokerIdByNamesrv: Record<string, number | null | undefined>;
	/** Who this node says leads its group (DLedger METADATA); null while it is a candidate. */
	followsLeader?: string | null;
	reachable: boolean;
	runtime?: RuntimeFigures;
	/** Bytes behind the leader's commit log. */
	lagBytes?: number;
}

export interface GroupSnapshot {
	group: string;
	at: number;
	verdict: Verdict;
	/** Why the verdict is what it is, one line each. */
	reasons: string[];
	/** selfId listed as brokerId 0 by each name server (null: none; undefined: name server unreachable). */
	leaderByNamesrv: Record<string, string | null | undefined>;
	/** selfId each DLedger node follows (null: electing; undefined: node unreachable). */
	leaderByDledger: Record<string, string | null | undefined>;
	/** The leader every source agrees on, if any. */
	leader?: string;
	replicas: ReplicaSnapshot[];
	/** When the agreed leader last changed (or was lost), if seen by this probe. */
	leaderSince?: number;
}

export interface ClusterSnapshot {
	at: number;
	groups: GroupSnapshot[];
	namesrvs: Array<{addr: string; reachable: boolean; error?: string}>;
}
