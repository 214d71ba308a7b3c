/**
 * The drill measured on the real captured failovers (failover-trials.json: kill -9 of the RaftNode00 leader on
 * real 4.7.1, three name servers, two DLedger survivors). Snapshots are rebuilt from the recorded state changes at
 * a poll interval and phase of our choosing; what the drill measures must equal the recorded times within one
 * poll interval (a snapshot sees a change at the first poll at or after it).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crossCheck} from '../../source/drill/crosscheck.ts';
import {parseLogEvent} from '../../source/drill/logs.ts';
import {drillReducer, liveStatus} from '../../source/drill/timeline.ts';
import type {Drill, DrillInput} from '../../source/drill/types.ts';
import {fixtureText, LOCAL_NODES, localTarget, Snapshots, TRIALS, trialWorld, type Trial} from './support.ts';

const selfIdOfAddr = (addr: string): string => `n${(Number(addr.split(':')[1]) - 10911) / 10}`;

/** Replay a trial: `before` at −poll, then a snapshot every poll from `offset` (ms after the kill) to 9 s. */
function replay(trial: Trial, pollMs: number, offset: number, extra: DrillInput[] = []): {drill: Drill; phases: string[]; sent: number} {
	const sent = Date.parse(trial.killIsoUtc);
	const snaps = new Snapshots();
	const before = snaps.next(trialWorld(trial, -pollMs), sent - pollMs + offset);
	let drill = drillReducer(undefined, {type: 'sent', at: sent, target: localTarget(`RaftNode00/${trial.killedNode}`), action: 'kill', before, nodes: LOCAL_NODES})!;
	const phases = [drill.phase];
	const inputs: DrillInput[] = [...extra];
	for (let t = offset; t <= 9000; t += pollMs) inputs.push({type: 'snapshot', snapshot: snaps.next(trialWorld(trial, t), sent + t)});
	const at = (i: DrillInput): number => (i.type === 'snapshot' ? i.snapshot.at : (i.at ?? 0));
	inputs.sort((a, b) => at(a) - at(b));
	for (const input of inputs) {
		drill = drillReducer(drill, input);
		if (phases.at(-1) !== drill.phase) phases.push(drill.phase);
	}
	return {drill, phases, sent};
}

function assertWithinPoll(measured: number | undefined, recorded: number, pollMs: number, what: string): void {
	assert.ok(measured !== undefined, `${what}: not measured`);
	assert.ok(measured >= recorded && measured < recorded + pollMs, `${what}: measured ${measured} ms, recorded ${recorded} ms, poll ${pollMs} ms`);
}

for (const trial of TRIALS) {
	for (const pollMs of [100, 250]) {
		for (const offset of [1, Math.round(pollMs / 3), pollMs - 1]) {
			test(`trial ${trial.trial} (kill ${trial.killedNode}), polled every ${pollMs} ms from +${offset} ms: every time within one poll of the record`, () => {
				const {drill, phases, sent} = replay(trial, pollMs, offset);
				const since = (at: number | undefined) => (at === undefined ? undefined : at - sent);
				const expectedLeader = selfIdOfAddr(Object.values(trial.nameServers)[0]!.newLeaderAddr);
				assert.equal(drill.leaderBefore, trial.killedNode);
				assert.equal(drill.expectElection, true);
				assert.equal(drill.newLeader, expectedLeader);
				assert.deepEqual(drill.newLeaderNamed, {named: 3, of: 3});
				for (const [addr, ns] of Object.entries(trial.nameServers)) {
					const track = drill.namesrvs[addr]!;
					assertWithinPoll(since(track.leaderGoneAt), ns.brokerId0GoneMs, pollMs, `${addr} leader gone`);
					assertWithinPoll(since(track.newLeaderAt), ns.newBrokerId0Ms, pollMs, `${addr} new leader`);
					assert.equal(track.newLeader, expectedLeader);
				}
				const allNs = Math.max(...Object.values(trial.nameServers).map(n => n.newBrokerId0Ms));
				assertWithinPoll(since(drill.newLeaderAt), allNs, pollMs, 'time to new leader at every name server');
				for (const node of Object.values(trial.dledgerSurvivors)) {
					const track = drill.dledger[node.selfId]!;
					assertWithinPoll(since(track.newLeaderAt), node.newLeaderIdMs, pollMs, `DLedger ${node.selfId} new leader`);
					assert.equal(track.newLeader, node.newLeaderId);
					// The candidate window is 40–60 ms (525 ms in trial 1): seen only when a poll lands in it.
					assertWithinPoll(since(track.leaderGoneAt), node.leaderIdAbsentFromMs, pollMs, `DLedger ${node.selfId} stopped following`);
				}
				const majority = Math.max(...Object.values(trial.dledgerSurvivors).map(n => n.newLeaderIdMs));
				assertWithinPoll(since(drill.dledgerMajorityAt), majority, pollMs, 'DLedger majority');
				assertWithinPoll(since(drill.electedAt), Math.max(allNs, majority), pollMs, 'elected');
				assert.equal(drill.phase, 'elected');
				assert.deepEqual(phases.filter(p => p !== 'leader-lost'), ['waiting', 'electing', 'elected']);
				assert.ok(drill.maxGapMs! <= pollMs);
				assert.match(liveStatus(drill, sent + 20_000), new RegExp(`^RaftNode00: new leader ${expectedLeader} after \\d\\.\\d s \\(at all 3 name servers\\)$`));
			});
		}
	}
}

test('trial 1 at the recorded 20 ms DLedger poll: the split vote\'s 525 ms candidate window is seen', () => {
	const trial = TRIALS[0]!;
	const {drill, sent} = replay(trial, 20, 7);
	for (const node of Object.values(trial.dledgerSurvivors)) {
		assertWithinPoll(drill.dledger[node.selfId]!.candidateAt! - sent, node.leaderIdAbsentFromMs, 20, `${node.selfId} candidate`);
	}
});

test('live text while the trial runs: waiting, then "no leader for …", then the result', () => {
	const trial = TRIALS[1]!;
	const sent = Date.parse(trial.killIsoUtc);
	const snaps = new Snapshots();
	const before = snaps.next(trialWorld(trial, -250), sent - 250);
	let d = drillReducer(undefined, {type: 'sent', at: sent, target: localTarget('RaftNode00/n0'), action: 'kill', before, nodes: LOCAL_NODES})!;
	assert.equal(liveStatus(d, sent + 30), 'kill RaftNode00/n0 sent 0.0 s ago, waiting for a change…');
	d = drillReducer(d, {type: 'snapshot', snapshot: snaps.next(trialWorld(trial, 250), sent + 250)});
	assert.equal(d.phase, 'electing');
	assert.equal(liveStatus(d, sent + 4200), 'RaftNode00: no leader for 4.2 s…');
	d = drillReducer(d, {type: 'snapshot', snapshot: snaps.next(trialWorld(trial, 4750), sent + 4750)});
	assert.equal(liveStatus(d, sent + 6000), 'RaftNode00: new leader n2 after 4.8 s (at all 3 name servers)');
});

test('trial 1 with the real logs: every election line agrees with the probe within 1 s', () => {
	const trial = TRIALS[0]!;
	const logs: DrillInput[] = [];
	const feed = (file: string, container: string) => {
		for (const line of fixtureText(`logs/${file}`).split('\n')) logs.push({type: 'log', host: 'local', container, line});
	};
	feed('new-leader-broker.log', 'raftnode00-n0');
	feed('new-leader-broker_default.log', 'raftnode00-n0');
	feed('follower-broker.log', 'raftnode00-n1');
	feed('follower-broker_default.log', 'raftnode00-n1');
	feed('namesrv.log', 'namesrv-9876');
	// the lines' own (1 s) times order them among the snapshots; lines that are no event are left out
	const events = logs.flatMap(l => {
		const at = l.type === 'log' ? parseLogEvent(l.line)?.at : undefined;
		return at === undefined ? [] : [{...l, at}];
	});
	const {drill} = replay(trial, 250, 80, events);
	const checks = crossCheck(drill);
	const summary = checks.map(c => `${c.status} ${c.kind} ${c.node}`);
	assert.deepEqual(summary, [
		'agree broker-removed namesrv@ns0',
		'agree heartbeat-timeout RaftNode00/n0',
		'agree candidate RaftNode00/n0',
		'agree heartbeat-timeout RaftNode00/n1',
		'agree candidate RaftNode00/n1',
		'agree change-to-master RaftNode00/n0',
		'agree elected RaftNode00/n0',
		'agree change-to-slave RaftNode00/n1',
		'agree follower RaftNode00/n1',
		'unmatched broker-registered namesrv@ns0',
	]);
	const elected = checks.find(c => c.kind === 'elected')!;
	assert.match(elected.text, /^n0 \[VOTE_RESULT\] elected in term 1; the probe saw a DLedger majority follow n0: log 11:37:13 \(GMT\+8\), probe \+6\.\d{3} s = 11:37:13\.\d{3}: agree within 1 s$/);
	const removed = checks.find(c => c.kind === 'broker-removed')!;
	// the kill at 06.673 was seen at the poll 330 ms later, in the next second of the log's clock: still agrees
	assert.equal(removed.text, 'name server 127.0.0.1:9876 removes brokerId 0 127.0.0.1:10931; the probe saw it drop n2: log 11:37:06 (GMT+8), probe +0.330 s = 11:37:07.003: agree within 1 s');
});
