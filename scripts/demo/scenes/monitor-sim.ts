/**
 * The live pane on a simulated cluster (timers ×5): both groups healthy → select a leader → K, confirm → ELECTING
 * → the new leader with its measured time → bring the old leader back → the finished drill → the drill report.
 */
import type {Scene} from '../scene.ts';
import {bothGroupsHealthy, killALeaderDrill} from './drill.ts';

export const monitorSim: Scene = {
	name: 'monitor-sim',
	description: 'rmq-tui monitor --sim: kill a leader, watch the election, bring it back, read the drill report',
	command: ['node', 'dist/cli.js', 'monitor', '--sim', '--time-scale', '5'],
	cols: 100,
	rows: 30,
	steps: [
		{wait: bothGroupsHealthy, timeoutMs: 60_000, fastForward: 3},
		{hold: 2_500},
		...killALeaderDrill,
	],
};
