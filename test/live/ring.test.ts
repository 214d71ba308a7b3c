/** Ring-buffered log tails, the log window (follow, anchored scroll-back, filter) and the merge of two files' tails. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {filterView, FOLLOW, followView, logWindow, scrollView, type LogView} from '../../source/live/log-view.ts';
import {appendLines, emptyTail, firstKept, MAX_LINE_CHARS, withState, type LogTail} from '../../source/live/ring.ts';
import {frameDelay, mergeByTime} from '../../source/live/throttle.ts';

const lines = (from: number, to: number, prefix = 'line') => Array.from({length: to - from + 1}, (_, i) => `${prefix} ${from + i}`);
const tailOf = (n: number, capacity = 10): LogTail => appendLines(emptyTail(), lines(1, n), capacity);
const texts = (tail: LogTail, view: LogView, height: number) => logWindow(tail, view, height).lines.map(l => l.text);

test('a ring keeps the newest lines up to its capacity and numbers every line ever appended', () => {
	let t = emptyTail();
	assert.equal(appendLines(t, []), t, 'nothing appended: the same tail');
	t = appendLines(t, lines(1, 4), 5);
	assert.deepEqual([t.lines.length, t.total, firstKept(t)], [4, 4, 1]);
	t = appendLines(t, lines(5, 7), 5);
	assert.deepEqual(t.lines, lines(3, 7));
	assert.deepEqual([t.total, firstKept(t)], [7, 3]);
	t = appendLines(t, lines(8, 20), 5);
	assert.deepEqual(t.lines, lines(16, 20), 'a batch larger than the ring keeps its own newest lines');
	assert.equal(t.total, 20);
	for (let i = 21; i < 5000; i += 50) t = appendLines(t, lines(i, i + 49), 5);
	assert.equal(t.lines.length, 5, 'bounded whatever arrives');
});

test('a runaway line is cut, and a tail carries its stream state', () => {
	const t = appendLines(emptyTail(), ['x'.repeat(MAX_LINE_CHARS * 3)]);
	assert.equal([...t.lines[0]!].length, MAX_LINE_CHARS);
	assert.ok(t.lines[0]!.endsWith('…'));
	const failed = withState(emptyTail('docker logs'), 'failed', 'EOF');
	assert.deepEqual([failed.state, failed.error, failed.source], ['failed', 'EOF', 'docker logs']);
	const following = withState(failed, 'following');
	assert.equal(following.error, undefined);
	assert.equal(withState(following, 'following'), following);
});

test('follow shows the newest lines; an anchored view stays put while lines arrive', () => {
	let t = tailOf(10, 100);
	assert.deepEqual(texts(t, FOLLOW, 3), lines(8, 10));
	const back = scrollView(t, FOLLOW, -4, 3);
	assert.deepEqual([back.follow, back.anchor], [false, 6]);
	assert.deepEqual(texts(t, back, 3), lines(4, 6));
	t = appendLines(t, lines(11, 15), 100);
	const w = logWindow(t, back, 3);
	assert.deepEqual(w.lines.map(l => l.text), lines(4, 6), 'new lines do not move a paused window');
	assert.equal(w.below, 9, 'lines newer than the window are counted');
	assert.equal(w.above, 3);
	assert.deepEqual(texts(t, FOLLOW, 3), lines(13, 15));
});

test('scrolling: back stops at the oldest page, forward to the end resumes follow', () => {
	const t = tailOf(10, 100);
	const top = scrollView(t, FOLLOW, -100, 3);
	assert.deepEqual(texts(t, top, 3), lines(1, 3));
	const down = scrollView(t, top, 2, 3);
	assert.deepEqual(texts(t, down, 3), lines(3, 5));
	assert.equal(down.follow, false);
	const end = scrollView(t, down, 100, 3);
	assert.equal(end.follow, true, 'reaching the newest line follows again');
	assert.equal(followView(down).follow, true);
	assert.equal(followView(FOLLOW), FOLLOW);
	assert.deepEqual(scrollView(emptyTail(), FOLLOW, -5, 3), FOLLOW, 'nothing to scroll');
});

test('a window anchored on lines the ring has dropped shows the oldest kept page', () => {
	let t = tailOf(10, 10);
	const back = scrollView(t, FOLLOW, -5, 3);
	t = appendLines(t, lines(11, 30), 10);
	assert.deepEqual(texts(t, back, 3), lines(21, 23));
});

test('the filter is case-insensitive, applied before windowing; scrolling moves through matches only', () => {
	let t = emptyTail();
	t = appendLines(t, ['a INFO start', 'b [n0][HeartBeatTimeOut] lastLeader=n1', 'c INFO', 'd [n0] [VOTE_RESULT] has been elected', 'e INFO', 'f heartbeattimeout again'], 100);
	const view = filterView(FOLLOW, 'heartbeat');
	const w = logWindow(t, view, 5);
	assert.deepEqual(w.lines.map(l => l.text[0]), ['b', 'f']);
	assert.deepEqual(w.lines.map(l => l.n), [2, 6], 'lines keep their numbers');
	assert.equal(w.matched, 2);
	const back = scrollView(t, view, -1, 1);
	assert.deepEqual(texts(t, back, 1).map(s => s[0]), ['b']);
	assert.equal(logWindow(t, filterView(FOLLOW, 'nothing'), 5).matched, 0);
	assert.equal(filterView(back, 'x').follow, true, 'a new filter follows again');
});

test('frames: at most one per FRAME_MS; merged first tails keep time order and continuation lines', () => {
	assert.equal(frameDelay(1000, undefined), 0);
	assert.equal(frameDelay(1000, 990), 40);
	assert.equal(frameDelay(1000, 900), 0);
	assert.equal(frameDelay(1000, 1000, 20), 20);
	const brokerLog = ['2026-11-25 11:37:01 INFO a - one', '2026-11-25 11:37:03 INFO a - three', 'java.lang.Exception', '\tat x', '2026-11-25 11:37:05 INFO a - five'];
	const defaultLog = ['2026-11-25 11:37:02 INFO b - two', '2026-11-25 11:37:03 INFO b - three-b', '2026-11-25 11:37:04 INFO b - four'];
	assert.deepEqual(mergeByTime([brokerLog, defaultLog]), [
		'2026-11-25 11:37:01 INFO a - one',
		'2026-11-25 11:37:02 INFO b - two',
		'2026-11-25 11:37:03 INFO a - three',
		'java.lang.Exception',
		'\tat x',
		'2026-11-25 11:37:03 INFO b - three-b',
		'2026-11-25 11:37:04 INFO b - four',
		'2026-11-25 11:37:05 INFO a - five',
	]);
});
