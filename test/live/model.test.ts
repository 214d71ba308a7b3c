/** The pane's reducer: snapshots, hosts, log rings and the drill session fed from all of them (pure). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {initialPane, paneMode, paneReducer, selectedTail} from '../../source/live/model.ts';
import {configOf, event, Pane, PLAN3, T0} from './support.ts';

const target = (p: Pane, id: string) => p.state.config.targets.find(t => t.id === id)!;

test('the first state: every planned host connecting, the first node selected, following its log', () => {
	const s = initialPane(configOf(), T0);
	assert.deepEqual(Object.keys(s.hosts), ['h0', 'h1', 'h2']);
	assert.ok(Object.values(s.hosts).every(h => h.status === 'connecting'));
	assert.equal(s.selected, 'namesrv@h0');
	assert.equal(s.log.follow, true);
	assert.equal(paneMode(s), 'pane');
	const noHosts = initialPane(configOf(PLAN3, {noHosts: 'no host access'}, {plan: undefined, targets: [], hosts: []}), T0);
	assert.equal(noHosts.selected, undefined);
	const snapped = new Pane().state;
	assert.equal(paneReducer(noHosts, {type: 'snapshot', snapshot: snapped.snapshot!}).selected, 'RaftNode00/n0', 'without hosts the selection moves over the replicas');
});

test('a snapshot moves the clock and reaches the drills; a probe failure is shown until the next snapshot', () => {
	const p = new Pane();
	assert.equal(p.state.now, T0);
	p.apply({type: 'probe-failed', now: T0 + 100, error: 'connect ETIMEDOUT'});
	assert.equal(p.state.probeError, 'connect ETIMEDOUT');
	p.snap(250);
	assert.equal(p.state.probeError, undefined);
	assert.equal(p.state.now, T0 + 250);
	assert.equal(p.state.session.last, p.state.snapshot);
	const same = p.state;
	assert.equal(paneReducer(same, {type: 'tick', now: same.now}), same, 'a tick that changes nothing returns the same state');
});

test('a kill opens a drill that Docker events, log lines and snapshots carry to the new leader', () => {
	const p = new Pane();
	const t = target(p, 'RaftNode00/n0');
	p.apply({type: 'sent', at: T0 + 1000, target: t, action: 'kill'});
	assert.equal(p.state.session.open.length, 1);
	assert.match(p.state.flash!.text, /kill sent to RaftNode00\/n0/);
	p.apply({type: 'host-event', event: event('h0', t.containerName, 'kill', T0 + 1010)});
	p.apply({type: 'host-event', event: event('h0', t.containerName, 'die', T0 + 1020, 137)});
	assert.equal(p.state.hosts.h0!.containers[t.containerName]!.state, 'exited');
	assert.deepEqual(p.state.session.open[0]!.containers.map(c => c.state), ['exited'], 'the drill saw the container change');
	p.apply({type: 'log-lines', batches: [{host: 'h1', container: 'rocketmq-raftnode00-n1', lines: ['2026-11-25 11:37:06 INFO StateMaintainer - [n1][HeartBeatTimeOut] lastLeader=n0', 'plain line']}]});
	assert.equal(p.state.logs['h1/rocketmq-raftnode00-n1']!.lines.length, 2);
	assert.deepEqual(p.state.session.open[0]!.logs.map(l => l.kind), ['heartbeat-timeout']);
	p.snap(1250, w => w.down('RaftNode00', 'n0').drop('RaftNode00', 'n0'));
	p.snap(6500, w => w.follow('RaftNode00', 'n1', 'n2').follow('RaftNode00', 'n2', 'n2').register('RaftNode00', 'n2', 0));
	const d = p.state.session.open[0]!;
	assert.equal(d.phase, 'elected');
	assert.equal(d.newLeaderAt! - d.sentAt, 5500);
});

test('log lines go to bounded rings; without an open drill they are not parsed for it', () => {
	const p = new Pane();
	const lines = Array.from({length: 250}, (_, i) => `line ${i}`);
	p.apply({type: 'log-lines', batches: [{host: 'h0', container: 'rocketmq-raftnode00-n0', lines}]});
	const tail = p.state.logs['h0/rocketmq-raftnode00-n0']!;
	assert.deepEqual([tail.lines.length, tail.total, tail.lines[0]], [100, 250, 'line 150']);
	const before = p.state.session;
	p.apply({type: 'log-lines', batches: [{host: 'h0', container: 'rocketmq-raftnode00-n0', lines: ['2026-11-25 11:37:06 INFO x - [n0] [VOTE_RESULT] has been elected to be the leader in term 2']}]});
	assert.equal(p.state.session, before);
	p.apply({type: 'log-state', host: 'h0', container: 'rocketmq-raftnode00-n0', state: 'failed', error: 'EOF', source: 'broker.log'});
	assert.deepEqual([p.state.logs['h0/rocketmq-raftnode00-n0']!.state, p.state.logs['h0/rocketmq-raftnode00-n0']!.source], ['failed', 'broker.log']);
	p.apply({type: 'log-reset', host: 'h0', container: 'rocketmq-raftnode00-n0'});
	assert.deepEqual([p.state.logs['h0/rocketmq-raftnode00-n0']!.total, p.state.logs['h0/rocketmq-raftnode00-n0']!.source], [0, 'broker.log']);
	p.state = {...p.state, selected: 'RaftNode00/n0'};
	assert.equal(selectedTail(p.state)!.key, 'h0/rocketmq-raftnode00-n0');
});

test('a new follow replays the tail: the ring starts over, and lines an earlier follow delivered are not fed to the drill again', () => {
	const p = new Pane();
	const container = 'rocketmq-raftnode00-n1';
	const key = `h1/${container}`;
	const timeout = '2026-11-25 11:37:06 INFO StateMaintainer - [n1][HeartBeatTimeOut] lastLeader=n0';
	const elected = '2026-11-25 11:37:09 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 2';
	const leader = '2026-11-25 11:37:10 INFO StateMaintainer - [n1] [ChangeRoleToLeader] from term: 2';
	const lines = (...l: string[]) => p.apply({type: 'log-lines', batches: [{host: 'h1', container, lines: l}]});
	const kinds = () => p.state.session.open[0]!.logs.map(l => l.kind);
	p.apply({type: 'sent', at: T0 + 1000, target: target(p, 'RaftNode00/n0'), action: 'kill'});
	lines('2026-11-25 11:37:01 INFO x - plain', timeout);
	assert.deepEqual(kinds(), ['heartbeat-timeout']);
	p.apply({type: 'log-reset', host: 'h1', container});
	assert.deepEqual([p.state.logs[key]!.total, [...p.state.logs[key]!.replayed!]], [0, [timeout]], 'the ring starts over; the drill line is remembered');
	// a reconnect attempt that delivered nothing, then one that did: what the first remembered still counts
	p.apply({type: 'log-reset', host: 'h1', container});
	lines('2026-11-25 11:37:01 INFO x - plain', timeout, elected);
	assert.deepEqual(p.state.logs[key]!.lines.length, 3, 'the replay is shown');
	assert.deepEqual(kinds(), ['heartbeat-timeout', 'elected'], 'the replayed timeout is not recorded twice');
	p.apply({type: 'log-reset', host: 'h1', container});
	lines(timeout, elected, leader);
	assert.deepEqual(kinds(), ['heartbeat-timeout', 'elected', 'leader']);
	assert.deepEqual([...p.state.logs[key]!.replayed!], [timeout, elected]);
});

test('a failed send removes the drill it opened and says why', () => {
	const p = new Pane();
	const t = target(p, 'RaftNode01/n1');
	p.apply({type: 'sent', at: T0 + 10, target: t, action: 'pause'});
	p.apply({type: 'send-failed', at: T0 + 20, target: t, action: 'pause', error: 'Container is not running', drillId: p.state.session.open[0]!.id});
	assert.deepEqual(p.state.session.open, []);
	assert.equal(p.state.flash!.level, 'error');
	assert.match(p.state.flash!.text, /pause RaftNode01\/n1 failed: Container is not running/);
	const flash = p.state.flash!;
	assert.equal(paneReducer(p.state, {type: 'flash-clear', flash: {...flash}}), p.state, 'only the same flash is cleared');
	assert.equal(paneReducer(p.state, {type: 'flash-clear', flash}).flash, undefined);
});

test('undo offers from several hosts merge into one question', () => {
	const p = new Pane();
	const a = {action: 'start' as const, host: 'h0', container: 'rocketmq-raftnode00-n0', target: 'RaftNode00/n0', since: T0 - 5000, by: 'ann', cause: 'kill' as const};
	const b = {action: 'unpause' as const, host: 'h1', container: 'rocketmq-namesrv', target: 'namesrv@h1', since: T0 - 9000, by: 'bob', cause: 'pause' as const};
	p.apply({type: 'undo-offer', actions: [a]});
	assert.equal(paneMode(p.state), 'pane.undo');
	p.apply({type: 'undo-offer', actions: [b, a]});
	assert.deepEqual(p.state.undo!.actions.map(x => x.target), ['namesrv@h1', 'RaftNode00/n0'], 'oldest first, no duplicates');
	const same = p.state;
	assert.equal(paneReducer(same, {type: 'undo-offer', actions: [a]}), same);
});

test('a host that drops is shown unreachable; its containers are then unknown to the guard', () => {
	const p = new Pane();
	p.apply({type: 'host-down', host: 'h1', now: T0 + 5, error: 'read ECONNRESET', retryAt: Date.now() + 1000});
	assert.equal(p.state.hosts.h1!.status, 'unreachable');
	p.apply({type: 'host-connecting', host: 'h1'});
	assert.equal(p.state.hosts.h1!.status, 'connecting');
	p.apply({type: 'host-listed', host: 'h1', at: T0 + 9, containers: []});
	assert.equal(p.state.hosts.h1!.containers['rocketmq-namesrv']!.state, 'missing');
	assert.equal(paneReducer(p.state, {type: 'host-down', host: 'nope', now: T0, error: 'x'}).hosts.nope, undefined);
});
