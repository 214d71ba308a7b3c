/** Several drills in one pane session: who led comes from the last snapshot, a start continues the drill that took the node down. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createSession, reportableDrills, sessionReducer, type DrillSession, type SessionInput} from '../../source/drill/session.ts';
import {G, NODES, PLAN3, PlanWorld, Snapshots, T0, target} from './support.ts';

test('a session: open, note, recover, finish, close', () => {
	const w = new PlanWorld(PLAN3, {RaftNode00: 'n0', RaftNode01: 'n1'});
	const snaps = new Snapshots();
	let s: DrillSession = createSession(NODES);
	const step = (input: SessionInput) => (s = sessionReducer(s, input));
	const snap = (at: number, change: (w: PlanWorld) => unknown = () => undefined) => {
		change(w);
		step({type: 'snapshot', snapshot: snaps.next(w.world, T0 + at)});
	};
	snap(-250);
	step({type: 'sent', at: T0, target: target('RaftNode00/n0'), action: 'kill'});
	assert.equal(s.open.length, 1);
	const first = s.open[0]!;
	assert.deepEqual([first.id, first.leaderBefore, first.expectElection, first.nodes.length], ['drill-1', 'n0', true, NODES.length]);
	assert.deepEqual(reportableDrills(s), []);
	snap(250, x => x.down(G, 'n0').drop(G, 'n0'));
	snap(5500, x => x.follow(G, 'n1', 'n2').follow(G, 'n2', 'n2').register(G, 'n2', 0));
	assert.equal(s.open[0]!.phase, 'elected');
	assert.deepEqual(reportableDrills(s).map(d => d.id), ['drill-1'], 'elected: worth reporting while still open');

	step({type: 'sent', at: T0 + 7000, target: target('RaftNode01/n2'), action: 'pause'});
	assert.deepEqual(s.open.map(d => d.id), ['drill-1', 'drill-2']);
	assert.deepEqual(s.open[0]!.notes, ['meanwhile: pause RaftNode01/n2 at +7.0 s']);
	assert.equal(s.open[1]!.expectElection, false);

	step({type: 'sent', at: T0 + 9000, target: target('RaftNode00/n0'), action: 'start'});
	assert.equal(s.open.length, 2, 'the start continues drill-1');
	assert.equal(s.open[0]!.phase, 'recovering');
	snap(10_500, x => x.follow(G, 'n0', 'n2').register(G, 'n0', 1));
	assert.deepEqual(s.finished.map(d => [d.id, d.phase]), [['drill-1', 'done']]);
	assert.deepEqual(s.open.map(d => d.id), ['drill-2']);

	step({type: 'close', at: T0 + 12_000, id: 'drill-9'});
	assert.equal(s.open.length, 1, 'unknown id: nothing closed');
	step({type: 'close', at: T0 + 12_000});
	assert.deepEqual(s.finished.map(d => d.id), ['drill-1', 'drill-2']);
	assert.deepEqual(reportableDrills(s).map(d => d.id), ['drill-1', 'drill-2']);

	// a start with no open drill opens a recovery drill of its own
	step({type: 'sent', at: T0 + 20_000, target: target('RaftNode01/n2'), action: 'unpause'});
	assert.deepEqual([s.open[0]!.id, s.open[0]!.phase], ['drill-3', 'recovering']);
});
