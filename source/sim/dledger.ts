/**
 * A DLedger-like leader election (no replicated log yet), driven by a Clock with the real 0.1 timer values:
 * the leader heartbeats every 2 s; a follower that has heard nothing for 3 heartbeat periods (checked on its own
 * maintenance tick) becomes a candidate, increases the term and asks for votes; one vote per term; a majority wins;
 * otherwise it waits 300–1000 ms (random) and tries again; a leader whose heartbeats reach no majority for 3
 * periods steps down. Messages between members are delivered in-process after a small latency, only to members
 * that are up and not paused (a frozen JVM answers nothing).
 *
 * Deliberate simplifications, documented for the day a log is added: no ledger comparison in votes
 * (biggerLedgerNum is always 0); a follower that heard its leader within `leaseMs` refuses votes (so a restarted
 * node cannot depose a healthy leader, as observed on 4.7.1); the first round after a heartbeat timeout already
 * uses term + 1 (DLedger 0.1 first retries the current term).
 */
import type {Clock, ProcessTimers, Random, TimerId} from './clock.ts';
import {between} from './clock.ts';

export type Role = 'follower' | 'candidate' | 'leader';

export interface DLedgerTimings {
	heartbeatMs: number;
	maxHeartBeatLeak: number;
	minVoteIntervalMs: number;
	maxVoteIntervalMs: number;
	/** How often a member checks its state; each member runs on its own random phase. */
	maintainIntervalMs: number;
	/** One-way delivery time between members. */
	latencyMs: number;
	/**
	 * A candidate counts the votes once every asked member answered or a majority accepted, else after this
	 * long plus up to maxVoteIntervalMs (DLedger's vote latch; a frozen peer never answers).
	 */
	voteTimeoutMs: number;
	/** A follower that heard its leader this recently refuses to vote. */
	leaseMs: number;
	/** QuorumAckChecker's status line period. */
	statusLogMs: number;
}

export const DLEDGER_TIMINGS: DLedgerTimings = {
	heartbeatMs: 2000,
	maxHeartBeatLeak: 3,
	minVoteIntervalMs: 300,
	maxVoteIntervalMs: 1000,
	maintainIntervalMs: 100,
	latencyMs: 1,
	voteTimeoutMs: 3000,
	leaseMs: 2500,
	statusLogMs: 3000,
};

export type VoteResult = 'ACCEPT' | 'REJECT_EXPIRED_VOTE_TERM' | 'REJECT_ALREADY_HAS_LEADER' | 'REJECT_ALREADY_VOTED' | 'UNKNOWN';

export interface LogLine {
	level: 'INFO' | 'WARN' | 'ERROR';
	thread: string;
	message: string;
}

export interface MemberHost {
	/** The member's process timers (paused/cleared with the process). */
	timers: ProcessTimers;
	log(line: LogLine): void;
	/** Called on every role change (as DLedger's RoleChangeHandler). */
	roleChanged(term: number, role: Role, leaderId: string | undefined): void;
}

/** Delivery between members of one group. */
export class DLedgerGroup {
	readonly members = new Map<string, DLedgerMember>();

	constructor(
		readonly name: string,
		/** selfId → `ip:port` of the DLedger port, in peer order. */
		readonly peers: ReadonlyMap<string, string>,
		readonly clock: Clock,
		readonly random: Random,
		readonly timings: DLedgerTimings = DLEDGER_TIMINGS,
	) {}

	add(selfId: string, host: MemberHost): DLedgerMember {
		const member = new DLedgerMember(this, selfId, host);
		this.members.set(selfId, member);
		return member;
	}

	get majority(): number {
		return Math.floor(this.peers.size / 2) + 1;
	}

	/** Whether `to` is up (its port accepts connections; it may still be frozen). */
	isUp(to: string): boolean {
		return this.members.get(to)?.up ?? false;
	}

	/** Deliver after the latency if `to` is up and not paused at that moment; otherwise the message is lost. */
	send(to: string, fn: (target: DLedgerMember) => void): void {
		this.clock.setTimer(this.timings.latencyMs, () => {
			const target = this.members.get(to);
			if (target?.up && !target.host.timers.isPaused) fn(target);
		});
	}

	leaders(): DLedgerMember[] {
		return [...this.members.values()].filter(m => m.up && m.role === 'leader');
	}
}

interface VoteReply {
	from: string;
	term: number;
	result: VoteResult;
}

/** One member: its Raft state survives restarts (DLedger persists term and vote). */
export class DLedgerMember {
	role: Role = 'candidate';
	term = 0;
	votedFor: string | undefined;
	leaderId: string | undefined;
	up = false;
	private lastLeaderHeartbeat = 0;
	private lastSuccessfulHeartbeat = 0;
	private nextVoteAt = 0;
	private needIncreaseTerm = false;
	private voting = false;
	private generation = 0;
	private heartbeatTimer: TimerId | undefined;

	constructor(
		readonly group: DLedgerGroup,
		readonly selfId: string,
		readonly host: MemberHost,
	) {}

	private get now(): number {
		return this.group.clock.now();
	}

	private get t(): DLedgerTimings {
		return this.group.timings;
	}

	private get peerIds(): string[] {
		return [...this.group.peers.keys()].filter(id => id !== this.selfId);
	}

	private info(message: string, thread = 'StateMaintainer'): void {
		this.host.log({level: 'INFO', thread, message});
	}

	/** Process start: a member starts as candidate and asks for votes in its persisted term at once. */
	start(): void {
		this.up = true;
		this.generation++;
		this.role = 'candidate';
		this.leaderId = undefined;
		this.voting = false;
		this.needIncreaseTerm = false;
		this.nextVoteAt = this.now;
		this.lastLeaderHeartbeat = this.now;
		this.host.roleChanged(this.term, 'candidate', undefined);
		const phase = this.group.random() * this.t.maintainIntervalMs;
		this.host.timers.after(phase, () => this.maintainLoop());
		this.host.timers.after(this.group.random() * this.t.statusLogMs, () => this.statusLoop());
	}

	/** Process end (its timers are cleared by the owner). */
	stop(): void {
		this.up = false;
		this.generation++;
		this.voting = false;
		this.heartbeatTimer = undefined;
	}

	private maintainLoop(): void {
		this.maintain();
		this.host.timers.after(this.t.maintainIntervalMs, () => this.maintainLoop());
	}

	private statusLoop(): void {
		const watermarks = this.role === 'leader' ? `{${this.term}:{${[...this.group.peers.keys()].map(id => `"${id}":-1`).join(',')}}}` : '{}';
		this.info(`[${this.selfId}][${this.role.toUpperCase()}] term=${this.term} ledgerBegin=-1 ledgerEnd=-1 committed=-1 watermarks=${watermarks}`, 'QuorumAckChecker');
		this.host.timers.after(this.t.statusLogMs, () => this.statusLoop());
	}

	private maintain(): void {
		const leak = this.t.maxHeartBeatLeak * this.t.heartbeatMs;
		if (this.role === 'follower' && this.now - this.lastLeaderHeartbeat > leak) {
			this.info(
				`[${this.selfId}][HeartBeatTimeOut] lastLeaderHeartBeatTime: ${jvmTime(this.lastLeaderHeartbeat)} heartBeatTimeIntervalMs: ${this.t.heartbeatMs} lastLeader=${this.leaderId}`,
			);
			this.changeRoleToCandidate(this.term);
			this.needIncreaseTerm = true;
			this.nextVoteAt = this.now;
		}
		if (this.role === 'candidate' && !this.voting && this.now >= this.nextVoteAt) this.requestVotes();
	}

	private changeRoleToCandidate(term: number): void {
		this.info(`[${this.selfId}] [ChangeRoleToCandidate] from term: ${term} and currTerm: ${this.term}`);
		this.setTerm(term);
		const changed = this.role !== 'candidate';
		this.role = 'candidate';
		this.leaderId = undefined;
		this.cancelHeartbeats();
		if (changed) this.host.roleChanged(this.term, 'candidate', undefined);
	}

	private changeRoleToFollower(term: number, leaderId: string): void {
		this.info(`[${this.selfId}][ChangeRoleToFollower] from term: ${term} leaderId: ${leaderId} and currTerm: ${this.term}`, 'NettyServerPublicExecutor_1');
		this.setTerm(term);
		this.role = 'follower';
		this.leaderId = leaderId;
		this.voting = false;
		this.lastLeaderHeartbeat = this.now;
		this.cancelHeartbeats();
		this.host.roleChanged(this.term, 'follower', leaderId);
	}

	private setTerm(term: number): void {
		if (term > this.term) {
			this.term = term;
			this.votedFor = undefined;
		}
	}

	private backoff(): number {
		return between(this.group.random, this.t.minVoteIntervalMs, this.t.maxVoteIntervalMs);
	}

	private requestVotes(): void {
		if (this.needIncreaseTerm) {
			this.info(`${this.selfId}_[INCREASE_TERM] from ${this.term} to ${this.term + 1}`);
			this.setTerm(this.term + 1);
			this.needIncreaseTerm = false;
		}
		const term = this.term;
		const selfAccepted = this.votedFor === undefined || this.votedFor === this.selfId;
		if (selfAccepted) this.votedFor = this.selfId;
		const replies: VoteReply[] = [{from: this.selfId, term, result: selfAccepted ? 'ACCEPT' : 'REJECT_ALREADY_VOTED'}];
		const started = this.now;
		const generation = this.generation;
		this.voting = true;
		let asked = 0;
		let counted = false;
		const count = (): void => {
			if (counted || this.generation !== generation) return;
			counted = true;
			this.countVotes(term, replies, started);
		};
		for (const peer of this.peerIds) {
			if (!this.group.isUp(peer)) {
				this.host.log({
					level: 'ERROR',
					thread: 'StateMaintainer',
					message: `Send vote request failed info[group=${this.group.name},term=${term},code=200,local=null,remote=${peer},leader=${this.selfId}]\norg.apache.rocketmq.remoting.exception.RemotingConnectException: connect to ${this.group.peers.get(peer)} failed`,
				});
				continue;
			}
			asked++;
			this.group.send(peer, target => {
				const reply = target.handleVote(term, this.selfId);
				this.group.send(this.selfId, me => {
					if (me.generation !== generation || counted) return;
					replies.push(reply);
					const accepted = replies.filter(r => r.result === 'ACCEPT').length;
					if (replies.length - 1 === asked || accepted >= me.group.majority) me.host.timers.run(count);
				});
			});
		}
		if (asked === 0) count();
		else this.host.timers.after(this.t.voteTimeoutMs + this.group.random() * this.t.maxVoteIntervalMs, count);
	}

	private countVotes(term: number, replies: VoteReply[], started: number): void {
		this.voting = false;
		if (this.role !== 'candidate' || this.term !== term) return;
		for (const r of replies.slice(1)) this.info(`[${this.selfId}][GetVoteResponse] {"code":200,"group":"${this.group.name}","leaderId":"${this.selfId}","remoteId":"${r.from}","term":${r.term},"voteResult":"${r.result}"}`);
		const accepted = replies.filter(r => r.result === 'ACCEPT').length;
		const alreadyHasLeader = replies.some(r => r.result === 'REJECT_ALREADY_HAS_LEADER');
		const maxTerm = Math.max(-1, ...replies.filter(r => r.term > term).map(r => r.term));
		let result: string;
		if (accepted >= this.group.majority) result = 'PASSED';
		else if (maxTerm > term) {
			result = 'WAIT_TO_VOTE_NEXT';
			// As DLedger: move to the highest term seen and revote in it (no increase), so a restarted member
			// learns of the live leader (REJECT_ALREADY_HAS_LEADER, then its heartbeat) instead of deposing it.
			this.setTerm(maxTerm);
			this.needIncreaseTerm = false;
			this.nextVoteAt = this.now + this.backoff();
		} else if (alreadyHasLeader) {
			result = 'WAIT_TO_REVOTE';
			this.nextVoteAt = this.now + this.backoff();
		} else {
			result = 'WAIT_TO_VOTE_NEXT';
			this.needIncreaseTerm = true;
			this.nextVoteAt = this.now + this.backoff();
		}
		this.info(
			`[${this.selfId}] [PARSE_VOTE_RESULT] cost=${this.now - started} term=${term} memberNum=${this.group.peers.size} allNum=${this.group.peers.size} acceptedNum=${accepted} notReadyTermNum=0 biggerLedgerNum=0 alreadyHasLeader=${alreadyHasLeader} maxTerm=${maxTerm} result=${result}`,
		);
		if (result === 'PASSED') {
			this.info(`[${this.selfId}] [VOTE_RESULT] has been elected to be the leader in term ${term}`);
			this.changeRoleToLeader(term);
		}
	}

	private changeRoleToLeader(term: number): void {
		this.info(`[${this.selfId}] [ChangeRoleToLeader] from term: ${term} and currTerm: ${this.term}`);
		this.role = 'leader';
		this.leaderId = this.selfId;
		this.lastSuccessfulHeartbeat = this.now;
		this.host.roleChanged(this.term, 'leader', this.selfId);
		this.heartbeatLoop();
	}

	private cancelHeartbeats(): void {
		this.host.timers.cancel(this.heartbeatTimer);
		this.heartbeatTimer = undefined;
	}

	private heartbeatLoop(): void {
		if (this.role !== 'leader') return;
		if (this.now - this.lastSuccessfulHeartbeat > this.t.maxHeartBeatLeak * this.t.heartbeatMs) {
			// No majority answered for 3 periods: step down.
			this.changeRoleToCandidate(this.term);
			this.needIncreaseTerm = true;
			this.nextVoteAt = this.now + this.backoff();
			return;
		}
		this.sendHeartbeats();
		this.heartbeatTimer = this.host.timers.after(this.t.heartbeatMs, () => this.heartbeatLoop());
	}

	private sendHeartbeats(): void {
		const term = this.term;
		const generation = this.generation;
		let acks = 1;
		for (const peer of this.peerIds) {
			if (!this.group.isUp(peer)) {
				this.host.log({
					level: 'ERROR',
					thread: 'StateMaintainer',
					message: `Send heartBeat request failed info[group=${this.group.name},term=${term},code=200,local=${this.selfId},remote=${peer},leader=${this.selfId}]\norg.apache.rocketmq.remoting.exception.RemotingConnectException: connect to ${this.group.peers.get(peer)} failed`,
				});
				continue;
			}
			this.group.send(peer, target => {
				const reply = target.handleHeartbeat(term, this.selfId);
				this.group.send(this.selfId, me => {
					if (me.generation !== generation || me.role !== 'leader') return;
					if (reply.term > me.term) {
						me.stepDownTo(reply.term);
						return;
					}
					if (reply.ok && me.term === term && ++acks === me.group.majority) me.lastSuccessfulHeartbeat = me.now;
				});
			});
		}
		if (acks >= this.group.majority) this.lastSuccessfulHeartbeat = this.now;
	}

	/** A leader learning of a higher term: follower without a known leader (it will hear one or time out). */
	private stepDownTo(term: number): void {
		this.setTerm(term);
		this.role = 'follower';
		this.leaderId = undefined;
		this.lastLeaderHeartbeat = this.now;
		this.cancelHeartbeats();
		this.host.roleChanged(this.term, 'follower', undefined);
	}

	handleVote(term: number, candidate: string): VoteReply {
		const reply = (result: VoteResult): VoteReply => ({from: this.selfId, term: this.term, result});
		if (term < this.term) return reply('REJECT_EXPIRED_VOTE_TERM');
		const liveLeader = this.role === 'leader' || (this.role === 'follower' && this.leaderId !== undefined && this.now - this.lastLeaderHeartbeat <= this.t.leaseMs);
		if (liveLeader) return reply('REJECT_ALREADY_HAS_LEADER');
		if (term > this.term) {
			this.setTerm(term);
			if (this.role === 'candidate') {
				this.needIncreaseTerm = false;
				this.nextVoteAt = Math.max(this.nextVoteAt, this.now + this.backoff());
			}
		}
		if (this.votedFor === undefined || this.votedFor === candidate) {
			this.votedFor = candidate;
			this.lastLeaderHeartbeat = this.now;
			return reply('ACCEPT');
		}
		return reply('REJECT_ALREADY_VOTED');
	}

	handleHeartbeat(term: number, leaderId: string): {ok: boolean; term: number} {
		if (term < this.term) return {ok: false, term: this.term};
		if (term > this.term || this.role !== 'follower' || this.leaderId !== leaderId) this.changeRoleToFollower(term, leaderId);
		this.lastLeaderHeartbeat = this.now;
		return {ok: true, term: this.term};
	}
}

/** `2026-11-25 03:37:06.527`: DLedger prints times in the JVM zone (UTC in the image). */
export function jvmTime(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}
