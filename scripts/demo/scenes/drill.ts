/**
 * The drill both scenes end with, on a pane showing both groups healthy: select a leader → K, confirm → ELECTING →
 * the new leader with its measured time → S brings the old leader back → the finished drill → t: its timeline.
 */
import type {Step} from '../scene.ts';

export const bothGroupsHealthy = /(?=[\s\S]*RaftNode00 {2}HEALTHY)(?=[\s\S]*RaftNode01 {2}HEALTHY)[\s\S]*hosts 3\/3/;

export const killALeaderDrill: readonly Step[] = [
	{press: 'j', until: /▸ n\d +\S+ +\S+ leader/, gapMs: 350},
	{hold: 1_200},
	{keys: ['K']},
	{wait: 'Send it?'},
	{hold: 2_000},
	{keys: ['y']},
	{wait: /ELECTING|no leader for/, timeoutMs: 10_000},
	{wait: /new leader n\d after \d+\.\d s/, timeoutMs: 30_000},
	{hold: 3_000},
	{keys: ['S']},
	{wait: 'Send it?'},
	{hold: 1_000},
	{keys: ['y']},
	{wait: /✓ drill-1 /, timeoutMs: 60_000, fastForward: 2},
	{hold: 2_000},
	{keys: ['t']},
	{wait: 'Drills —'},
	{hold: 6_000},
];
