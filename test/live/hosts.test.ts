/** Hosts and containers from one listing and then Docker events (pure). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {containerStates, hostConnecting, hostDown, hostEvent, hostListed, newHost} from '../../source/live/hosts.ts';
import {event, observed, T0} from './support.ts';

const planned = ['rocketmq-namesrv', 'rocketmq-raftnode00-n0', 'rocketmq-console'];

test('the listing shows planned containers only; one the host lacks is missing', () => {
	const h = hostListed(newHost('h0', 'root@10.0.0.1:22', planned), T0, [observed('rocketmq-namesrv', 'running', T0 - 60_000, 2), observed('rocketmq-raftnode00-n0', 'exited'), observed('someone-elses')]);
	assert.equal(h.status, 'connected');
	assert.equal(h.lastSeen, T0);
	assert.deepEqual(Object.keys(h.containers), planned);
	assert.deepEqual(h.containers['rocketmq-namesrv'], {name: 'rocketmq-namesrv', state: 'running', restarts: 2, startedAt: T0 - 60_000});
	assert.equal(h.containers['rocketmq-raftnode00-n0']!.state, 'exited');
	assert.equal(h.containers['rocketmq-console']!.state, 'missing');
	const offset = hostListed(newHost('h0', 'a', planned), T0, [observed('rocketmq-namesrv', 'running', T0)], 1500);
	assert.equal(offset.containers['rocketmq-namesrv']!.startedAt, T0 - 1500, "Docker's start time is corrected by the host's clock offset");
});

test('Docker actions map to container states (destroy: missing from the host); kill and oom wait for their die', () => {
	const listed = (state: 'running' | 'exited') => hostListed(newHost('h0', 'a', planned), T0, [observed('rocketmq-raftnode00-n0', state)]);
	const after = (action: string, from: 'running' | 'exited' = 'running') => hostEvent(listed(from), event('h0', 'rocketmq-raftnode00-n0', action, T0 + 5)).host.containers['rocketmq-raftnode00-n0']!.state;
	assert.deepEqual(
		['pause', 'die', 'stop', 'destroy', 'kill', 'oom', 'health_status: healthy', 'exec_start'].map(a => after(a)),
		['paused', 'exited', 'exited', 'missing', 'running', 'running', 'running', 'running'],
	);
	assert.deepEqual(['create', 'start', 'restart', 'unpause'].map(a => after(a, 'exited')), ['created', 'running', 'running', 'running']);
	assert.equal(hostEvent(listed('running'), event('h0', 'rocketmq-raftnode00-n0', 'destroy', T0 + 5)).changed, undefined, 'a removal is not a state the drills follow');
});

test('events change one container, report the change for the drills, and keep uptime and restarts right', () => {
	let h = hostListed(newHost('h0', 'a', planned), T0, [observed('rocketmq-namesrv', 'running', T0 - 60_000), observed('rocketmq-raftnode00-n0'), observed('rocketmq-console')]);
	const kill = hostEvent(h, event('h0', 'rocketmq-raftnode00-n0', 'kill', T0 + 10));
	assert.equal(kill.changed, undefined);
	assert.equal(kill.host.containers['rocketmq-raftnode00-n0']!.state, 'running');
	const die = hostEvent(kill.host, event('h0', 'rocketmq-raftnode00-n0', 'die', T0 + 20, 137));
	assert.equal(die.changed, 'exited');
	assert.deepEqual([die.host.containers['rocketmq-raftnode00-n0']!.exitCode, die.host.containers['rocketmq-raftnode00-n0']!.changedAt], [137, T0 + 20]);
	assert.equal(die.host.lastSeen, T0 + 20);
	h = die.host;
	const start = hostEvent(h, event('h0', 'rocketmq-raftnode00-n0', 'start', T0 + 1000));
	assert.equal(start.changed, 'running');
	assert.equal(start.host.containers['rocketmq-raftnode00-n0']!.startedAt, T0 + 1000);
	assert.equal(start.host.containers['rocketmq-raftnode00-n0']!.exitCode, undefined);
	const pause = hostEvent(start.host, event('h0', 'rocketmq-namesrv', 'pause', T0 + 2000));
	const unpause = hostEvent(pause.host, event('h0', 'rocketmq-namesrv', 'unpause', T0 + 3000));
	assert.deepEqual([pause.changed, unpause.changed], ['paused', 'running']);
	assert.equal(unpause.host.containers['rocketmq-namesrv']!.startedAt, T0 - 60_000, 'an unpause is not a new start');
	const restart = hostEvent(unpause.host, event('h0', 'rocketmq-namesrv', 'restart', T0 + 4000));
	assert.equal(restart.host.containers['rocketmq-namesrv']!.restarts, 1);
	assert.equal(restart.host.containers['rocketmq-namesrv']!.startedAt, T0 + 4000);
	const health = hostEvent(restart.host, event('h0', 'rocketmq-console', 'health_status: unhealthy', T0 + 5000));
	assert.equal(health.host.containers['rocketmq-console']!.health, 'unhealthy');
	const destroy = hostEvent(health.host, event('h0', 'rocketmq-console', 'destroy', T0 + 6000));
	assert.equal(destroy.host.containers['rocketmq-console']!.state, 'missing');
	assert.equal(destroy.changed, undefined, 'not a state the drills take');
	const other = hostEvent(destroy.host, event('h0', 'someone-elses', 'die', T0 + 7000));
	assert.equal(other.changed, undefined);
	assert.equal(other.host.containers['someone-elses'], undefined);
});

test('a host that drops keeps what it knew, with the error, and says when it retries', () => {
	const h = hostListed(newHost('h0', 'a', planned), T0, [observed('rocketmq-namesrv')]);
	const down = hostDown(h, 'ECONNRESET', T0 + 2000);
	assert.deepEqual([down.status, down.error, down.retries, down.retryAt, down.lastSeen], ['unreachable', 'ECONNRESET', 1, T0 + 2000, T0]);
	assert.equal(down.containers['rocketmq-namesrv']!.state, 'running');
	const again = hostConnecting(down);
	assert.equal(again.status, 'connecting');
	assert.equal(again.retryAt, undefined);
	assert.equal(hostDown(again, 'ECONNREFUSED', T0 + 6000).retries, 2);
	const back = hostListed(again, T0 + 7000, [observed('rocketmq-namesrv')]);
	assert.deepEqual([back.status, back.retries, back.error], ['connected', 0, undefined]);
	assert.deepEqual(containerStates({h0: back, h1: hostDown(newHost('h1', 'b', planned), 'x', undefined)}), {'h0/rocketmq-namesrv': 'running'}, 'states of unreachable hosts are not known');
});
