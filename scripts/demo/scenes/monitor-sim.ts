/**
 * The live pane on a simulated cluster (timers ×5): both groups healthy → select a leader → K, confirm → ELECTING
 * → the new leader with its measured time → bring the old leader back → the finished drill → the drill report.
 */
import type {Scene} from '../scene.ts';

const bothGroupsHealthy = /(?=[\s\S]*RaftNode00 {2}HEALTHY)(?=[\s\S]*RaftNode01 {2}HEALTHY)[\s\S]*hosts 3\/3/;

export const monitorSim: Scene = {
	name: 'monitor-sim',
	description: 'rmq-tui monitor --sim: kill a leader, watch the election, bring it back, read the drill report',
	command: ['node', 'dist/cli.js', 'monitor', '--sim', '--time-scale', '5'],
	cols: 100,
	rows: 30,
	steps: [
		{wait: bothGroupsHealthy, timeoutMs: 60_000, fastForward: 3},
		{hold: 2_500},
		{press: 'j', until: /▸ n\d +\S+ +\S+ leader/, gapMs: 350},
		{hold: 1_500},
		{keys: ['K']},
		{wait: 'Send it?'},
		{hold: 2_500},
		{keys: ['y']},
		{wait: /ELECTING|no leader for/, timeoutMs: 10_000},
		{wait: /new leader n\d after \d+\.\d s/, timeoutMs: 30_000},
		{hold: 3_000},
		{keys: ['S']},
		{wait: 'Send it?'},
		{hold: 1_200},
		{keys: ['y']},
		{wait: /✓ drill-1 /, timeoutMs: 60_000, fastForward: 2},
		{hold: 2_500},
		{keys: ['t']},
		{wait: 'Drills —'},
		{hold: 6_000},
	],
};
