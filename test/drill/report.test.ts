/** Finished drills → Markdown and JSON: exact content for two fixed drills. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {reportFiles, reportJson, resultText, type DrillJson} from '../../source/drill/report.ts';
import {fixedDrills} from './report-fixture.ts';

const WRITTEN = Date.UTC(2026, 10, 25, 4, 0, 0);

const EXPECTED_MD = `# rmq-tui failover drills

Times are seconds after the action was sent, measured by the probe's snapshots (the reference clock). Written 2026-11-25T04:00:00.000Z.

## 1. kill RaftNode00/n0 (leader) on h0 (10.0.0.1)

- Sent: 2026-11-25T03:37:00.000Z
- Result: new leader n1 after 5.600 s at all 3 name servers; DLedger majority after 5.350 s; n0 back as follower after 3.000 s (brokerId 1)
- Phase: done
- Verdicts: healthy (before) → split (+0.100 s) → electing (+0.350 s) → degraded (+5.600 s) → healthy (+23.000 s)
- Snapshots: 7, largest gap 15400 ms

| after sent | what | where |
| ---: | --- | --- |
| 0.000 s | kill sent | rmq-tui |
| 0.040 s | container exited | Docker on h0 |
| 0.100 s | n0 stops answering | probe |
| 0.100 s | leader n0 gone | name server 10.0.0.1:9876 |
| 0.350 s | leader n0 gone | name server 10.0.0.2:9876 |
| 0.350 s | leader n0 gone | name server 10.0.0.3:9876 |
| 5.100 s | candidate | DLedger n1 |
| 5.100 s | candidate | DLedger n2 |
| 5.350 s | follows n1 | DLedger n1 |
| 5.350 s | follows n1 | DLedger n2 |
| 5.350 s | a majority follows n1 | DLedger |
| 5.600 s | new leader n1 | name server 10.0.0.1:9876 |
| 5.600 s | new leader n1 | name server 10.0.0.2:9876 |
| 5.600 s | new leader n1 | name server 10.0.0.3:9876 |
| 5.600 s | new leader n1 at all 3 name servers | probe |
| 20.000 s | start sent | rmq-tui |
| 20.100 s | container running | Docker on h0 |
| 21.000 s | answers again | probe |
| 21.000 s | listed at every name server (brokerId 1) | probe |
| 23.000 s | follows a leader | DLedger n0 |
| 23.000 s | back as follower (brokerId 1) | probe |

| name server | leader gone | stale | new leader | named after |
| --- | ---: | ---: | --- | ---: |
| 10.0.0.1:9876 | 0.100 s | — | n1 | 5.600 s |
| 10.0.0.2:9876 | 0.350 s | — | n1 | 5.600 s |
| 10.0.0.3:9876 | 0.350 s | — | n1 | 5.600 s |

| DLedger node | stopped following | candidate | follows | after |
| --- | ---: | ---: | --- | ---: |
| n1 | 5.100 s | 5.100 s | n1 | 5.350 s |
| n2 | 5.100 s | 5.100 s | n1 | 5.350 s |

Cross-check with the logs (a line's second, GMT+8, agrees when the probe is within 1 s of it):

- agree: n1 [HeartBeatTimeOut] (last leader n0); the probe saw n1 stop following n0: log 11:37:05 (GMT+8), probe +5.100 s = 11:37:05.100: agree within 1 s
- agree: n1 [VOTE_RESULT] elected in term 1; the probe saw a DLedger majority follow n1: log 11:37:05 (GMT+8), probe +5.350 s = 11:37:05.350: agree within 1 s
- disagree: n1 changes to master; the probe saw every name server list n1: log 11:37:09 (GMT+8), probe +5.600 s = 11:37:05.600: DISAGREE by 3.400 s
- agree: n0 changes to slave, brokerId 1; the probe saw every name server list n0: log 11:37:21 (GMT+8), probe +21.000 s = 11:37:21.000: agree within 1 s

## 2. stop RaftNode01/n2 (follower) on h2 (10.0.0.3)

- Sent: 2026-11-25T03:37:00.000Z
- Result: no election expected; RaftNode01 kept leader n1
- Phase: done
- Verdicts: healthy (before) → degraded (+0.750 s)
- Snapshots: 2, largest gap 950 ms

| after sent | what | where |
| ---: | --- | --- |
| 0.000 s | stop sent | rmq-tui |
| 0.700 s | container exited | Docker on h2 |
| 0.750 s | n2 stops answering | probe |
`;

test('Markdown: a section per drill with its milestones, name servers, DLedger nodes, verdicts and cross-check', () => {
	assert.equal(reportFiles(fixedDrills(), {generatedAt: WRITTEN}).md, EXPECTED_MD);
});

test('JSON: the documented shape, nulls rather than missing keys, times in ms after sent', () => {
	const {json} = reportFiles(fixedDrills(), {generatedAt: WRITTEN});
	assert.ok(json.endsWith('}\n'));
	const report = JSON.parse(json) as ReturnType<typeof reportJson>;
	assert.deepEqual(report, reportJson(fixedDrills(), {generatedAt: WRITTEN}));
	assert.equal(report.format, 'rmq-tui-drills');
	assert.equal(report.version, 1);
	assert.equal(report.generatedAt, '2026-11-25T04:00:00.000Z');
	const [kill, stop] = report.drills as [DrillJson, DrillJson];
	assert.deepEqual(Object.keys(kill), Object.keys(stop), 'every drill has every key');
	assert.deepEqual(
		{
			action: kill.action,
			target: kill.target,
			sentAt: kill.sentAt,
			phase: kill.phase,
			leaderBefore: kill.leaderBefore,
			newLeader: kill.newLeader,
			timeToNewLeaderMs: kill.timeToNewLeaderMs,
			newLeaderNamed: kill.newLeaderNamed,
			dledgerMajorityMs: kill.dledgerMajorityMs,
			electedMs: kill.electedMs,
			recovery: kill.recovery,
			doneMs: kill.doneMs,
		},
		{
			action: 'kill',
			target: {id: 'RaftNode00/n0', kind: 'broker', host: 'h0', ip: '10.0.0.1', container: 'rocketmq-raftnode00-n0', group: 'RaftNode00', selfId: 'n0', addr: null},
			sentAt: '2026-11-25T03:37:00.000Z',
			phase: 'done',
			leaderBefore: 'n0',
			newLeader: 'n1',
			timeToNewLeaderMs: 5600,
			newLeaderNamed: {named: 3, of: 3},
			dledgerMajorityMs: 5350,
			electedMs: 5600,
			recovery: {action: 'start', sentMs: 20_000, runningMs: 20_100, reachableMs: 21_000, registeredMs: 21_000, followsMs: 23_000, backMs: 23_000, backAs: 'follower', backBrokerId: 1},
			doneMs: 23_000,
		},
	);
	assert.deepEqual(kill.namesrvs[1], {addr: '10.0.0.2:9876', reachable: true, leaderGoneMs: 350, staleSinceMs: 100, staleUntilMs: 350, newLeader: 'n1', newLeaderMs: 5600});
	assert.deepEqual(kill.dledger, [
		{selfId: 'n1', leaderGoneMs: 5100, candidateMs: 5100, newLeader: 'n1', newLeaderMs: 5350},
		{selfId: 'n2', leaderGoneMs: 5100, candidateMs: 5100, newLeader: 'n1', newLeaderMs: 5350},
	]);
	assert.deepEqual(kill.verdicts, [
		{sinceSentMs: -200, verdict: 'healthy'},
		{sinceSentMs: 100, verdict: 'split'},
		{sinceSentMs: 350, verdict: 'electing'},
		{sinceSentMs: 5600, verdict: 'degraded'},
		{sinceSentMs: 23_000, verdict: 'healthy'},
	]);
	assert.deepEqual(kill.crossCheck.map(c => [c.status, c.kind, c.node, c.logAt, c.probeMs]), [
		['agree', 'heartbeat-timeout', 'RaftNode00/n1', '2026-11-25T03:37:05.000Z', 5100],
		['agree', 'elected', 'RaftNode00/n1', '2026-11-25T03:37:05.000Z', 5350],
		['disagree', 'change-to-master', 'RaftNode00/n1', '2026-11-25T03:37:09.000Z', 5600],
		['agree', 'change-to-slave', 'RaftNode00/n0', '2026-11-25T03:37:21.000Z', 21_000],
	]);
	assert.equal(kill.milestones.length, 21);
	assert.deepEqual(kill.milestones.slice(-3), [
		{sinceSentMs: 21_000, what: 'listed at every name server (brokerId 1)', where: 'probe'},
		{sinceSentMs: 23_000, what: 'follows a leader', where: 'DLedger n0'},
		{sinceSentMs: 23_000, what: 'back as follower (brokerId 1)', where: 'probe'},
	]);
	assert.deepEqual([kill.snapshots, kill.resolutionMs, kill.unexpectedLeaderChange, kill.notes], [7, 15_400, null, []]);
	assert.deepEqual(stop, {
		id: 'drill-1795577820000',
		action: 'stop',
		target: {id: 'RaftNode01/n2', kind: 'broker', host: 'h2', ip: '10.0.0.3', container: 'rocketmq-raftnode01-n2', group: 'RaftNode01', selfId: 'n2', addr: null},
		sentAt: '2026-11-25T03:37:00.000Z',
		sentAtMs: 1795577820000,
		phase: 'done',
		expectElection: false,
		leaderBefore: 'n1',
		newLeader: null,
		timeToNewLeaderMs: null,
		newLeaderNamed: null,
		dledgerLeader: null,
		dledgerMajorityMs: null,
		electedMs: null,
		recovery: null,
		doneMs: 60_000,
		namesrvs: ['10.0.0.1:9876', '10.0.0.2:9876', '10.0.0.3:9876'].map(addr => ({addr, reachable: true, leaderGoneMs: null, staleSinceMs: null, staleUntilMs: null, newLeader: null, newLeaderMs: null})),
		dledger: ['n0', 'n1'].map(selfId => ({selfId, leaderGoneMs: null, candidateMs: null, newLeader: null, newLeaderMs: null})),
		milestones: [
			{sinceSentMs: 0, what: 'stop sent', where: 'rmq-tui'},
			{sinceSentMs: 700, what: 'container exited', where: 'Docker on h2'},
			{sinceSentMs: 750, what: 'n2 stops answering', where: 'probe'},
		],
		verdicts: [
			{sinceSentMs: -200, verdict: 'healthy'},
			{sinceSentMs: 750, verdict: 'degraded'},
		],
		crossCheck: [],
		unexpectedLeaderChange: null,
		snapshots: 2,
		resolutionMs: 950,
		notes: [],
	});
});

test('no drills, no generation time: still both files, deterministic', () => {
	const {md, json} = reportFiles([]);
	assert.equal(md, "# rmq-tui failover drills\n\nTimes are seconds after the action was sent, measured by the probe's snapshots (the reference clock).\n\nNo drills.\n");
	assert.deepEqual(JSON.parse(json), {format: 'rmq-tui-drills', version: 1, generatedAt: null, drills: []});
});

test('result line: one per kind of outcome', () => {
	const [kill, stop] = fixedDrills() as [Parameters<typeof resultText>[0], Parameters<typeof resultText>[0]];
	assert.equal(resultText(kill), 'new leader n1 after 5.600 s at all 3 name servers; DLedger majority after 5.350 s; n0 back as follower after 3.000 s (brokerId 1)');
	assert.equal(resultText(stop), 'no election expected; RaftNode01 kept leader n1');
	assert.equal(resultText({...kill, newLeaderAt: undefined, newLeaderNamed: undefined, dledgerMajorityAt: undefined, recovery: undefined}), 'no new leader seen');
	assert.equal(resultText({...stop, unexpectedLeaderChange: {at: stop.sentAt + 6000, from: 'n1', to: 'n0'}}), 'UNEXPECTED leader change n1 → n0 after 6.000 s');
	assert.equal(resultText({...kill, recovery: {action: 'start', sentAt: kill.sentAt + 20_000}}), 'new leader n1 after 5.600 s at all 3 name servers; DLedger majority after 5.350 s; not back after the start');
});
