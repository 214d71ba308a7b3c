/** The whole frame (pure): exactly rows − 1 rows, none wider than the terminal, adapting from 80×24 up. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {onKey} from '../../source/live/intents.ts';
import {paneLayout} from '../../source/live/view/layout.ts';
import {helpFrame, paneFrame} from '../../source/live/view/frame.ts';
import {rowText} from '../../source/live/view/text.ts';
import {uptime} from '../../source/live/view/text.ts';
import {event, Pane, T0} from './support.ts';

const text = (p: Pane, rows: number, columns: number) => paneFrame(p.state, rows, columns, Date.now()).rows.map(rowText);

function fits(lines: string[], rows: number, columns: number): void {
	assert.equal(lines.length, rows - 1, `${lines.length} rows for a ${rows}-row terminal`);
	for (const l of lines) assert.ok([...l].length <= columns, `wider than ${columns}: ${JSON.stringify(l)}`);
}

test('every size from 40×12 to 200×60 gets a frame of exactly rows − 1 rows that fits', () => {
	const p = new Pane();
	p.apply({type: 'log-lines', batches: [{host: 'h0', container: 'rocketmq-namesrv', lines: Array.from({length: 80}, (_, i) => `a long log line number ${i} `.repeat(12))}]});
	for (const [columns, rows] of [[40, 12], [60, 16], [80, 24], [100, 30], [120, 40], [200, 60]] as const) fits(text(p, rows, columns), rows, columns);
	const help = helpFrame(p.state, 24, 80).map(rowText);
	fits(help, 24, 80);
	assert.match(help.join('\n'), /K {17} {2}kill the selected container \(SIGKILL\); asks first/);
});

test('80×24: one row per host; 120×50: a row per container; groups with every replica in both', () => {
	const p = new Pane();
	const small = text(p, 24, 80);
	assert.equal(paneFrame(p.state, 24, 80, 0).layout.hosts, 'compact');
	assert.match(small[1]!, /^h0 ✓ {2}ns● {2}00\/n0● {2}01\/n0● {2}console●/);
	assert.match(small.join('\n'), /RaftNode00 {2}HEALTHY {2}leader n0/);
	assert.match(small.join('\n'), / n1 +h1 +follower +ids 2\/2\/2/);
	const big = text(p, 50, 120).join('\n');
	assert.equal(paneFrame(p.state, 50, 120, 0).layout.hosts, 'full');
	assert.match(big, /h0 {2}✓ connected {2}root@10\.0\.0\.1:22/);
	assert.match(big, /● RaftNode00\/n0 +rocketmq-raftnode00-n0 +running +up 1h00m +restarts 0/);
	assert.match(big, /n0 +h0 +10911\/20911 leader/);
	assert.match(small[small.length - 2]!, /↑↓\/jk select · PgUp\/PgDn scroll/);
});

test('an unreachable host shows the error and when it was last seen; a stopped container its exit', () => {
	const p = new Pane();
	p.apply({type: 'host-event', event: event('h0', 'rocketmq-raftnode01-n0', 'die', T0 + 500, 143)});
	p.apply({type: 'host-down', host: 'h2', now: T0 + 1000, error: 'read ECONNRESET', retryAt: Date.now() + 4000});
	p.snap(61_000);
	const big = text(p, 50, 120).join('\n');
	assert.match(big, /h2 {2}✗ unreachable: read ECONNRESET · last seen \d\d:\d\d:\d\d · retry in [45] s/);
	assert.match(big, /■ RaftNode01\/n0 +rocketmq-raftnode01-n0 +exited +1m00s ago \(143\)/);
	assert.match(big, /\? RaftNode00\/n2 +rocketmq-raftnode00-n2 +unknown/);
	assert.match(big, /n0 +h0 +10921\/20921 down \(exited\)/, 'the probe says down; Docker says why');
	const small = text(p, 24, 80).join('\n');
	assert.match(small, /h2 ✗ {2}ns\? {2}00\/n2\? {2}01\/n2\? {2}read ECONNRESET/);
	assert.match(small, /hosts 2\/3/);
});

test('a failover on screen: ELECTING with the time without a leader, the drill line, then the new leader', () => {
	const p = new Pane();
	p.state = {...p.state, selected: 'RaftNode00/n0'};
	const target = p.state.config.targets.find(t => t.id === 'RaftNode00/n0')!;
	p.apply({type: 'sent', at: T0 + 1000, target, action: 'kill'});
	p.snap(1250, w => w.down('RaftNode00', 'n0').drop('RaftNode00', 'n0'));
	p.snap(5200, w => w.follow('RaftNode00', 'n1', null).follow('RaftNode00', 'n2', null));
	let screen = text(p, 24, 120).join('\n');
	assert.match(screen, /RaftNode00 {2}ELECTING {2}no agreed leader for 4\.0 s…/);
	assert.match(screen, /▶ drill-1 kill RaftNode00\/n0: RaftNode00: no leader for 4\.2 s… \(n1, n2 are candidates\)/);
	assert.match(screen, /1 drill under way/);
	p.snap(6500, w => w.follow('RaftNode00', 'n1', 'n2').follow('RaftNode00', 'n2', 'n2').register('RaftNode00', 'n2', 0));
	screen = text(p, 24, 120).join('\n');
	assert.match(screen, /RaftNode00 {2}DEGRADED {2}leader n2 for 0\.0 s/);
	assert.match(screen, /RaftNode00: new leader n2 after 5\.5 s \(at all 3 name servers\)/);
	p.state = onKey(p.state, 't', 't', {logHeight: 5}).state;
	screen = text(p, 40, 100).join('\n');
	assert.match(screen, /Drills — 1 under way, 0 finished/);
	assert.match(screen, /\+0\.000 s {2}kill sent {2}rmq-tui/);
	assert.match(screen, /\+5\.500 s {2}new leader n2 at all 3 name servers {2}probe/);
});

test('name servers that disagree are highlighted on the group', () => {
	const p = new Pane();
	p.snap(500, w => w.register('RaftNode01', 'n2', 0, '10.0.0.3:9876'));
	const screen = text(p, 24, 180).join('\n');
	assert.match(screen, /RaftNode01 {2}STALE {2}no agreed leader for 0\.0 s {2}≠ name servers disagree: 10\.0\.0\.1:9876→n1 10\.0\.0\.2:9876→n1 10\.0\.0\.3:9876→n2/);
	assert.match(text(p, 24, 80).join('\n'), /n2 +h2 +follower +ids 3\/3\/0/);
});

test('a confirmation takes the bottom; the frame still fits at 80×24', () => {
	const p = new Pane();
	p.state = {...p.state, selected: 'RaftNode00/n0'};
	p.state = onKey(p.state, 'K', 'K', {logHeight: 5}).state;
	const lines = text(p, 24, 80);
	fits(lines, 24, 80);
	const screen = lines.join('\n');
	assert.match(screen, /^Confirm$/m);
	assert.match(screen, /kill RaftNode00\/n0 \(leader\) on h0 \(10\.0\.0\.1\): RaftNode00 keeps quorum: 2 of 3/);
	assert.match(screen, /Send it\? y send · n\/Esc\/Enter cancel/);
});

test('without host access the pane says why instead of the hosts and the logs', () => {
	const p = new Pane({noHosts: 'no host access with --namesrv (give --inventory FILE)'});
	const screen = text(p, 24, 80).join('\n');
	assert.match(screen, /Hosts · no host access with --namesrv/);
	assert.match(screen, /s K p S r off: no host access with --namesrv/);
});

test('layout: the bottom keeps room; detail gives way panel by panel', () => {
	const needs = {rows: 24, hostsFull: 13, hostsCompact: 3, groupsFull: 8, groupsCompact: 2, drills: 1, footer: 3, bottomMin: 0};
	assert.deepEqual(paneLayout(needs), {height: 23, hosts: 'compact', groups: 'full', hostsRows: 3, groupsRows: 8, drillRows: 1, bottomRows: 7});
	assert.equal(paneLayout({...needs, rows: 50}).hosts, 'full');
	assert.equal(paneLayout({...needs, groupsFull: 20}).groups, 'compact');
	const wants = paneLayout({...needs, bottomMin: 14});
	assert.deepEqual([wants.hosts, wants.groups, wants.hostsRows, wants.bottomRows], ['compact', 'compact', 3, 13], 'every host keeps its row while the bottom asks for more');
	const tiny = paneLayout({...needs, rows: 8});
	assert.equal(tiny.hostsRows + tiny.groupsRows + tiny.drillRows + tiny.bottomRows + 1 + 3, 7);
	assert.equal(uptime(59_999), '59s');
	assert.equal(uptime(3_723_000), '1h02m');
	assert.equal(uptime(90_000_000), '1d01h');
});
