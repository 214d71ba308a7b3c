/** The on-host drill journal: line format, what to undo after a crash, compaction. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {compactJournal, journalLine, journalPath, parseJournal, pendingUndo, type JournalAction} from '../../source/drill/journal.ts';

const T = Date.UTC(2026, 10, 25, 3, 37, 0);
const BY = 'alice@laptop (pid 4242)';
const line = (at: number, action: JournalAction, target: string, container: string, host = 'h0', drill?: string) =>
	journalLine({at: T + at, action, host, container, target, by: BY, ...(drill ? {drill} : {})});

test('a journal line: one JSON object, fixed key order, newline-terminated; the file under the base dir', () => {
	assert.equal(
		line(0, 'kill', 'RaftNode00/n0', 'rocketmq-raftnode00-n0', 'h0', 'drill-3'),
		'{"v":1,"at":1795577820000,"action":"kill","host":"h0","container":"rocketmq-raftnode00-n0","target":"RaftNode00/n0","by":"alice@laptop (pid 4242)","drill":"drill-3"}\n',
	);
	assert.equal(line(0, 'start', 'namesrv@h0', 'rocketmq-namesrv'), '{"v":1,"at":1795577820000,"action":"start","host":"h0","container":"rocketmq-namesrv","target":"namesrv@h0","by":"alice@laptop (pid 4242)"}\n');
	assert.equal(journalPath('/data/docker-services/rocketmq/'), '/data/docker-services/rocketmq/rmq-tui-drills.jsonl');
});

test('a stop not followed by a start → start; a pause not followed by an unpause → unpause; the rest is done', () => {
	const text = [
		line(0, 'kill', 'RaftNode00/n0', 'rocketmq-raftnode00-n0', 'h0', 'drill-1'),
		line(1000, 'pause', 'RaftNode01/n1', 'rocketmq-raftnode01-n1', 'h1'),
		line(2000, 'stop', 'namesrv@h2', 'rocketmq-namesrv', 'h2'),
		line(3000, 'start', 'namesrv@h2', 'rocketmq-namesrv', 'h2'),
		line(4000, 'pause', 'RaftNode00/n2', 'rocketmq-raftnode00-n2', 'h2'),
		line(5000, 'unpause', 'RaftNode00/n2', 'rocketmq-raftnode00-n2', 'h2'),
		line(6000, 'stop', 'console@h0', 'rocketmq-console', 'h0'),
		line(7000, 'restart', 'console@h0', 'rocketmq-console', 'h0'),
	].join('');
	assert.deepEqual(pendingUndo(text), [
		{action: 'start', host: 'h0', container: 'rocketmq-raftnode00-n0', target: 'RaftNode00/n0', since: T, by: BY, cause: 'kill', drill: 'drill-1'},
		{action: 'unpause', host: 'h1', container: 'rocketmq-raftnode01-n1', target: 'RaftNode01/n1', since: T + 1000, by: BY, cause: 'pause'},
	]);
});

test('sequences on one container: the last take-down decides; keep clears it; the same name on two hosts is two containers', () => {
	const c = 'rocketmq-raftnode00-n0';
	const undo = (...lines: string[]) => pendingUndo(lines.join('')).map(u => `${u.action} ${u.host} (${u.cause})`);
	assert.deepEqual(undo(line(0, 'pause', 'RaftNode00/n0', c), line(1, 'kill', 'RaftNode00/n0', c)), ['start h0 (kill)'], 'a paused container killed is stopped');
	assert.deepEqual(undo(line(0, 'stop', 'RaftNode00/n0', c), line(1, 'start', 'RaftNode00/n0', c), line(2, 'pause', 'RaftNode00/n0', c)), ['unpause h0 (pause)']);
	assert.deepEqual(undo(line(0, 'kill', 'RaftNode00/n0', c), line(1, 'keep', 'RaftNode00/n0', c)), []);
	assert.deepEqual(undo(line(0, 'pause', 'RaftNode00/n0', c), line(1, 'restart', 'RaftNode00/n0', c)), []);
	const ns = 'rocketmq-namesrv';
	assert.deepEqual(undo(line(0, 'stop', 'namesrv@h0', ns, 'h0'), line(1, 'stop', 'namesrv@h1', ns, 'h1'), line(2, 'start', 'namesrv@h0', ns, 'h0')), ['start h1 (stop)']);
});

test('with the containers\' current states, what is already undone is not offered', () => {
	const text = [line(0, 'kill', 'RaftNode00/n0', 'a'), line(1, 'pause', 'RaftNode00/n1', 'b'), line(2, 'stop', 'RaftNode00/n2', 'c'), line(3, 'pause', 'RaftNode01/n0', 'd')].join('');
	const undo = pendingUndo(text, {'h0/a': 'running', 'h0/b': 'paused', 'h0/c': 'exited', 'h0/d': 'running'});
	assert.deepEqual(undo.map(u => `${u.action} ${u.container}`), ['unpause b', 'start c']);
});

test('torn or foreign lines are reported and skipped, not fatal', () => {
	const text = `${line(0, 'kill', 'RaftNode00/n0', 'a')}{"v":1,"at":17955778\nnot json\n{"v":2,"at":1,"action":"kill","host":"h0","container":"x","target":"t","by":"b"}\n{"v":1,"at":1,"action":"explode","host":"h0","container":"x","target":"t","by":"b"}\n\n`;
	const {records, problems} = parseJournal(text);
	assert.equal(records.length, 1);
	assert.deepEqual(problems, ['line 2: not JSON', 'line 3: not JSON', 'line 4: not a drill journal record', 'line 5: not a drill journal record']);
	assert.deepEqual(pendingUndo(text).map(u => u.container), ['a']);
	assert.deepEqual(pendingUndo(''), []);
});

test('compaction keeps one line per container still down, oldest first, and pends the same undo', () => {
	const text = [
		line(0, 'pause', 'RaftNode00/n1', 'b'),
		line(5, 'kill', 'RaftNode00/n0', 'a'),
		line(6, 'start', 'RaftNode00/n0', 'a'),
		line(7, 'kill', 'RaftNode00/n0', 'a'),
		line(9, 'stop', 'RaftNode00/n2', 'c'),
		line(10, 'keep', 'RaftNode00/n2', 'c'),
	].join('');
	const compact = compactJournal(text);
	assert.equal(compact, line(0, 'pause', 'RaftNode00/n1', 'b') + line(7, 'kill', 'RaftNode00/n0', 'a'));
	assert.deepEqual(pendingUndo(compact), pendingUndo(text));
	assert.equal(compactJournal(line(0, 'stop', 'x', 'a') + line(1, 'start', 'x', 'a')), '');
});
