/** Captures → frames with durations: identical captures merge, fast-forward divides, off camera drops, long pauses cap. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DelayClock, FrameTimeline} from '../../scripts/demo/frame-timeline.ts';

const at = (screen: string, atMs: number, extra: {speed?: number; onCamera?: boolean} = {}) => ({screen, atMs, speed: extra.speed ?? 1, onCamera: extra.onCamera ?? true});

test('identical consecutive captures are one frame that lasts until the next different one', () => {
	const t = new FrameTimeline();
	for (const [screen, ms] of [['a', 0], ['a', 100], ['a', 200], ['b', 300], ['b', 400], ['a', 500]] as const) t.add(at(screen, ms));
	assert.equal(t.length, 3);
	assert.deepEqual(t.frames(700, 10_000), [
		{screen: 'a', durationMs: 300},
		{screen: 'b', durationMs: 200},
		{screen: 'a', durationMs: 200},
	]);
});

test('a fast-forwarded stretch plays faster; off camera is left out; a long pause is cut to the cap', () => {
	const t = new FrameTimeline();
	t.add(at('boot', 0, {onCamera: false}));
	t.add(at('booting', 1_000, {onCamera: false}));
	t.add(at('deploy 1', 2_000, {speed: 4}));
	t.add(at('deploy 2', 3_000, {speed: 4}));
	t.add(at('deploy 2', 3_100)); // same screen, normal speed again: a frame of its own
	t.add(at('pane', 3_500));
	assert.deepEqual(t.frames(20_000, 4_000), [
		{screen: 'deploy 1', durationMs: 250},
		{screen: 'deploy 2', durationMs: 100 / 4 + 400},
		{screen: 'pane', durationMs: 4_000},
	]);
});

test('captures must come in time order', () => {
	const t = new FrameTimeline();
	t.add(at('a', 100));
	assert.throws(() => t.add(at('b', 50)), /before the last one/);
});

test('GIF delays round on the running total (no drift) and are never under 2/100 s', () => {
	const clock = new DelayClock();
	const delays = [104, 104, 104, 104, 104, 3, 996].map(ms => clock.delayCs(ms));
	assert.deepEqual(delays, [10, 11, 10, 11, 10, 2, 98]);
	assert.equal(clock.shownCs, 152);
});
