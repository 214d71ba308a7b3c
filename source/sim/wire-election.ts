/**
 * DLedger vote / heartbeat between sim processes: the in-process DLedgerMember, its peer deliveries turned into
 * request/response frames over WireLinks.
 */
import {ResponseCode} from '../rocketmq/codes.ts';
import {parseFastjson} from '../rocketmq/fastjson.ts';
import type {Clock, Random} from './clock.ts';
import {SIM_TIMINGS} from './cluster.ts';
import {DLedgerGroup, type DLedgerMember} from './dledger.ts';
import {WireCode, WireLink} from './wire-link.ts';

type Stub = Pick<DLedgerMember, 'handleVote' | 'handleHeartbeat'>;

/**
 * A DLedgerGroup with one local member whose peers are other processes. DLedgerMember talks to a peer as
 * `group.send(peer, target => { const reply = target.<handle>(…); group.send(self, me => …reply…) })`. For a
 * remote peer, the outer function runs here at once against a stub: the stub's handle call becomes a request
 * frame and returns a reply object, the inner send to self is held, and both are completed when the answer
 * arrives (fill the reply, deliver the inner function). No answer (peer down, frozen, closed) = message lost,
 * exactly what the in-process group does for a member that is down or paused.
 */
export class WireDLedgerGroup extends DLedgerGroup {
	private held: ((fn: (target: DLedgerMember) => void) => void) | undefined;
	readonly links = new Map<string, WireLink>();

	constructor(
		name: string,
		peers: ReadonlyMap<string, string>,
		clock: Clock,
		random: Random,
		readonly selfId: string,
		timings = SIM_TIMINGS.dledger,
	) {
		super(name, peers, clock, random, timings);
		for (const [id, addr] of peers) {
			if (id === selfId) continue;
			const split = addr.lastIndexOf(':');
			this.links.set(id, new WireLink(addr.slice(0, split), Number(addr.slice(split + 1))));
		}
	}

	override isUp(to: string): boolean {
		if (to === this.selfId) return super.isUp(to);
		return this.links.get(to)?.reachable() ?? false;
	}

	override send(to: string, fn: (target: DLedgerMember) => void): void {
		if (to === this.selfId) {
			if (this.held) this.held(fn);
			else super.send(to, fn);
			return;
		}
		const link = this.links.get(to);
		if (!link) return;
		const reply: Record<string, unknown> = {from: to};
		let request: {code: number; body: Record<string, unknown>; kind: 'vote' | 'heartbeat'} | undefined;
		const stub: Stub = {
			handleVote: (term: number, candidate: string) => {
				request = {kind: 'vote', code: WireCode.DLEDGER_VOTE, body: {group: this.name, remoteId: to, leaderId: candidate, term, ledgerEndIndex: -1, ledgerEndTerm: -1}};
				return reply as unknown as ReturnType<DLedgerMember['handleVote']>;
			},
			handleHeartbeat: (term: number, leaderId: string) => {
				request = {kind: 'heartbeat', code: WireCode.DLEDGER_HEART_BEAT, body: {group: this.name, remoteId: to, leaderId, term}};
				return reply as unknown as ReturnType<DLedgerMember['handleHeartbeat']>;
			},
		};
		let inner: ((target: DLedgerMember) => void) | undefined;
		this.held = f => (inner = f);
		try {
			fn(stub as unknown as DLedgerMember);
		} finally {
			this.held = undefined;
		}
		if (!request) return;
		const sent = request;
		link
			.request(sent.code, {body: Buffer.from(JSON.stringify(sent.body), 'utf8'), timeoutMs: this.timings.voteTimeoutMs})
			.then(frame => {
				const answer = parseFastjson(frame.body) as {code?: number; term?: number; voteResult?: string};
				if (typeof answer.term !== 'number') return;
				if (sent.kind === 'vote') {
					if (answer.code !== ResponseCode.DLEDGER_SUCCESS || typeof answer.voteResult !== 'string') return;
					Object.assign(reply, {term: answer.term, result: answer.voteResult});
				} else Object.assign(reply, {term: answer.term, ok: answer.code === ResponseCode.DLEDGER_SUCCESS});
				if (inner) super.send(this.selfId, inner);
			})
			.catch(() => {});
	}

	close(): void {
		for (const link of this.links.values()) link.close('reset');
	}
}
