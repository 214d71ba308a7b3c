/** Keys → state and effects (pure): moving, scrolling, filtering, and the drill keys' confirmations and guards. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {onKey, type Effect} from '../../source/live/intents.ts';
import {paneMode, type PaneState} from '../../source/live/model.ts';
import {Pane, event, T0} from './support.ts';

const CTX = {logHeight: 4};

function press(p: Pane, ...keys: string[]): Effect[] {
	const effects: Effect[] = [];
	for (const k of keys) {
		const r = onKey(p.state, k, k.length === 1 ? k : '', CTX);
		p.state = r.state;
		effects.push(...r.effects);
	}
	return effects;
}

const select = (p: Pane, id: string) => {
	p.state = {...p.state, selected: id};
};

test('j/k and arrows move over the nodes in host order and stop at the ends', () => {
	const p = new Pane();
	press(p, 'j', 'down');
	assert.equal(p.state.selected, 'RaftNode01/n0');
	press(p, 'k', 'up', 'up');
	assert.equal(p.state.selected, 'namesrv@h0');
	for (let i = 0; i < 20; i++) press(p, 'j');
	assert.equal(p.state.selected, 'RaftNode01/n2');
});

test('PgUp pauses follow, f follows again, PgDn to the end resumes it', () => {
	const p = new Pane();
	select(p, 'RaftNode00/n0');
	p.apply({type: 'log-lines', batches: [{host: 'h0', container: 'rocketmq-raftnode00-n0', lines: Array.from({length: 30}, (_, i) => `l${i}`)}]});
	press(p, 'pageup');
	assert.equal(p.state.log.follow, false);
	assert.equal(p.state.log.anchor, 27, 'back one page (height − 1 lines)');
	press(p, 'b');
	assert.equal(p.state.log.anchor, 24);
	press(p, 'f');
	assert.equal(p.state.log.follow, true);
	press(p, 'pageup', 'pagedown');
	assert.equal(p.state.log.follow, true);
	press(p, 'pageup', 'j');
	assert.equal(p.state.log.follow, true, 'another container: follow its log');
});

test('/ types a filter live; Enter keeps it, Esc clears it; typed keys are text, not commands', () => {
	const p = new Pane();
	press(p, '/');
	assert.equal(paneMode(p.state), 'pane.filter');
	press(p, 'V', 'O', 'T', 'x', 'backspace', 'E', 'q', 'j');
	assert.equal(p.state.log.filter, 'VOTEqj');
	assert.equal(p.state.selected, 'namesrv@h0', 'j was text');
	press(p, 'backspace', 'backspace', 'enter');
	assert.equal(paneMode(p.state), 'pane');
	assert.equal(p.state.log.filter, 'VOTE');
	press(p, 'esc');
	assert.equal(p.state.log.filter, '', 'Esc in the pane clears the filter');
	press(p, '/', 'a', 'esc');
	assert.deepEqual([paneMode(p.state), p.state.log.filter], ['pane', '']);
});

test('K on the leader asks first, naming the effect; y sends it, n sends nothing', () => {
	const p = new Pane();
	select(p, 'RaftNode00/n0');
	assert.deepEqual(press(p, 'K'), []);
	assert.equal(paneMode(p.state), 'pane.confirm');
	const d = p.state.dialog!;
	assert.equal(d.action, 'kill');
	assert.match(d.assessment.summary, /kill RaftNode00\/n0 \(leader\) on h0 \(10\.0\.0\.1\): RaftNode00 keeps quorum: 2 of 3 left; a new leader is expected in ~4–6 s/);
	assert.deepEqual(press(p, 'j', 'q'), [], 'the question owns the keyboard: j and q do nothing');
	assert.equal(p.state.selected, 'RaftNode00/n0');
	assert.deepEqual(press(p, 'y'), [{type: 'drill', target: d.target, action: 'kill'}]);
	assert.equal(p.state.dialog, undefined);
	press(p, 'K');
	assert.deepEqual(press(p, 'enter'), [], 'Enter is Cancel');
	assert.equal(p.state.flash!.text, 'nothing sent');
});

test('p pauses a running node and unpauses a paused one; S on a running node is refused with the reason', () => {
	const p = new Pane();
	select(p, 'RaftNode01/n2');
	press(p, 'p');
	assert.equal(p.state.dialog!.action, 'pause');
	press(p, 'n');
	p.apply({type: 'host-event', event: event('h2', 'rocketmq-raftnode01-n2', 'pause', T0 + 5)});
	press(p, 'p');
	assert.equal(p.state.dialog!.action, 'unpause');
	press(p, 'esc');
	select(p, 'namesrv@h1');
	press(p, 'S');
	assert.equal(p.state.dialog, undefined);
	assert.match(p.state.flash!.text, /start the name server 10\.0\.0\.2:9876: it is already running/);
});

test('the quorum guard: a kill that leaves the group without a majority needs the group name typed', () => {
	const p = new Pane();
	p.apply({type: 'host-event', event: event('h1', 'rocketmq-raftnode00-n1', 'die', T0 + 1, 137)});
	select(p, 'RaftNode00/n0');
	press(p, 's');
	assert.equal(paneMode(p.state), 'pane.type');
	assert.equal(p.state.dialog!.assessment.requiresTyping, 'RaftNode00');
	assert.match(p.state.dialog!.assessment.summary, /LOSES quorum: 1 of 3 left/);
	assert.deepEqual(press(p, ...'RaftNode0'.split(''), 'enter'), []);
	assert.match(p.state.flash!.text, /did not match RaftNode00: nothing sent/);
	press(p, 's', 'y', 'enter');
	assert.equal(p.state.dialog, undefined, 'y is not a confirmation here');
	press(p, 's');
	const effects = press(p, ...'RaftNode00'.split(''), 'enter');
	assert.deepEqual(effects.map(e => e.type === 'drill' && `${e.action} ${e.target.id}`), ['stop RaftNode00/n0']);
});

test('the last name server: stopping it needs the cluster name', () => {
	const p = new Pane();
	p.apply({type: 'host-event', event: event('h1', 'rocketmq-namesrv', 'die', T0 + 1)});
	p.apply({type: 'host-event', event: event('h2', 'rocketmq-namesrv', 'die', T0 + 1)});
	select(p, 'namesrv@h0');
	press(p, 's');
	assert.equal(p.state.dialog!.assessment.requiresTyping, p.state.config.clusterName);
});

test('read-only: every drill key is refused in one place, with the reason; the rest works', () => {
	const p = new Pane({readOnly: true});
	select(p, 'RaftNode00/n0');
	for (const k of ['s', 'K', 'p', 'S', 'r']) {
		assert.deepEqual(press(p, k), []);
		assert.equal(p.state.dialog, undefined);
		assert.match(p.state.flash!.text, /is off: read-only \(--read-only\)/);
	}
	press(p, 'j');
	assert.equal(p.state.selected, 'RaftNode01/n0');
	assert.deepEqual(press(p, 'w'), [{type: 'report'}]);
});

test('no host access: the drill keys say why; an unreachable host refuses the action', () => {
	const off = new Pane({noHosts: 'no host access with --namesrv'});
	press(off, 'K');
	assert.match(off.state.flash!.text, /kill is off: no host access with --namesrv/);
	const p = new Pane();
	p.apply({type: 'host-down', host: 'h1', now: T0, error: 'ECONNRESET'});
	select(p, 'RaftNode00/n1');
	press(p, 'K');
	assert.equal(p.state.dialog, undefined);
	assert.match(p.state.flash!.text, /cannot kill RaftNode00\/n1: h1 is unreachable \(ECONNRESET\)/);
});

test('? opens the help, any key closes it; t switches logs and drills; q quits', () => {
	const p = new Pane();
	press(p, '?');
	assert.equal(p.state.help, true);
	press(p, 'K');
	assert.equal(p.state.help, false);
	assert.equal(p.state.dialog, undefined, 'the key that closed the help did nothing else');
	press(p, 't');
	assert.equal(p.state.panel, 'drills');
	press(p, 't');
	assert.equal(p.state.panel, 'logs');
	assert.deepEqual(press(p, 'q'), [{type: 'quit'}]);
	assert.deepEqual(press(p, 'ctrl+c'), [{type: 'quit'}]);
	press(p, '?');
	assert.deepEqual(press(p, 'ctrl+c'), [{type: 'quit'}], 'Ctrl-C quits from the help too');
});

test('the undo offer: y undoes all, k keeps them, n asks again later', () => {
	const a = {action: 'start' as const, host: 'h0', container: 'rocketmq-raftnode00-n0', target: 'RaftNode00/n0', since: T0 - 5000, by: 'ann', cause: 'kill' as const};
	const offer = (): Pane => new Pane().apply({type: 'undo-offer', actions: [a]});
	let p = offer();
	assert.deepEqual(press(p, 'y'), [{type: 'undo', actions: [a]}]);
	assert.equal(p.state.undo, undefined);
	p = offer();
	assert.deepEqual(press(p, 'k'), [{type: 'keep', actions: [a]}], 'k keeps (in the pane k would move up)');
	p = offer();
	assert.deepEqual(press(p, 'n'), []);
	assert.equal(paneMode(p.state), 'pane');
	const ro: PaneState = new Pane({readOnly: true}).apply({type: 'undo-offer', actions: [a]}).state;
	const r = onKey(ro, 'y', 'y', CTX);
	assert.deepEqual(r.effects, []);
	assert.match(r.state.flash!.text, /off: read-only/);
});
