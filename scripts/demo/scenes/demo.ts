/**
 * `rmq-tui --demo`, the whole journey at the real DLedger timers: the wizard with the seed's three hosts → options →
 * review → D: every host checked, what will change → y: the deploy's progress, host by host → Enter: the live pane
 * → select a leader → K, confirm → ELECTING → the new leader with its measured time → S: the old leader back as a
 * follower → the finished drill → t: the drill timeline and times.
 */
import type {Scene} from '../scene.ts';
import {bothGroupsHealthy, killALeaderDrill} from './drill.ts';

export const demo: Scene = {
	name: 'demo',
	description: 'rmq-tui --demo: hosts → review → deploy → live pane → kill a leader → new leader timed → drill report',
	command: ['node', 'dist/cli.js', '--demo'],
	cols: 100,
	rows: 30,
	steps: [
		{wait: 'Step 1/3', timeoutMs: 30_000},
		{hold: 2_500},
		{keys: ['Enter']},
		{wait: 'Step 2/3'},
		{hold: 1_500},
		{keys: ['n']},
		{wait: 'Step 3/3 · Review'},
		{hold: 2_500},
		{keys: ['D']},
		{wait: 'this is what will change', timeoutMs: 30_000},
		{hold: 3_000},
		{keys: ['y']},
		{wait: /✓ deployed in [\d.]+ s/, timeoutMs: 60_000, fastForward: 2},
		{hold: 2_500},
		{keys: ['Enter']},
		{wait: bothGroupsHealthy, timeoutMs: 30_000},
		{hold: 2_000},
		...killALeaderDrill,
	],
};
