/** Connection plans (pure): SshTarget + ~/.ssh/config (through the real ssh-config resolver) → hops, ProxyJump. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {sshResolverFromText} from '../../source/inventory/ssh-config.ts';
import {RemoteError} from '../../source/remote/errors.ts';
import {connectPlan, hopLabel, parseJumpHop, parseProxyJump, resolveHop} from '../../source/remote/target.ts';

const CONFIG = `
Host bastion
  HostName 203.0.113.10
  User jump
  Port 2200
  IdentityFile ~/.ssh/jump_key

Host inner
  HostName 10.0.0.2
  ProxyJump bastion

Host rmq-*
  User deploy
  ProxyJump inner

Host rmq-1
  HostName 192.168.1.71

Host direct
  HostName 192.168.1.80
  ProxyJump none

Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a
`;
const resolve = sshResolverFromText(CONFIG, '/home/op');

test('hop labels: port 22 omitted, IPv6 bracketed with a port', () => {
	assert.equal(hopLabel('root', '10.0.0.1', 22), 'root@10.0.0.1');
	assert.equal(hopLabel('root', '10.0.0.1', 2222), 'root@10.0.0.1:2222');
	assert.equal(hopLabel('root', 'fe80::1', 2222), 'root@[fe80::1]:2222');
});

test('ProxyJump hops: user, port, IPv6, ssh:// form, none, and bad values', () => {
	assert.deepEqual(parseJumpHop('bastion'), {host: 'bastion'});
	assert.deepEqual(parseJumpHop('jump@b.example:2200'), {host: 'b.example', user: 'jump', port: 2200});
	assert.deepEqual(parseJumpHop('[fe80::1]:22'), {host: 'fe80::1', port: 22});
	assert.deepEqual(parseJumpHop('u@[::1]'), {host: '::1', user: 'u'});
	assert.deepEqual(parseJumpHop('ssh://u@h:2'), {host: 'h', user: 'u', port: 2});
	assert.deepEqual(parseJumpHop('user@name@host'), {host: 'host', user: 'user@name'});
	assert.deepEqual(parseProxyJump('a,u@b:2'), [{host: 'a'}, {host: 'b', user: 'u', port: 2}]);
	assert.deepEqual(parseProxyJump('none'), []);
	assert.deepEqual(parseProxyJump('NONE'), []);
	for (const bad of ['', '@host', 'host:abc', 'host:0', 'host:70000', 'a b', 'a,,b']) {
		assert.throws(() => parseProxyJump(bad), (e: unknown) => e instanceof RemoteError && e.kind === 'config', bad);
	}
});

test('a hop: target fields win over the config, config over defaults', () => {
	assert.deepEqual(resolveHop({host: 'bastion'}, resolve, 'op'), {
		alias: 'bastion', host: '203.0.113.10', port: 2200, user: 'jump', identities: ['/home/op/.ssh/jump_key'], label: 'jump@203.0.113.10:2200',
	});
	assert.deepEqual(resolveHop({host: 'bastion', user: 'me', port: 22, identity: '/k'}, resolve, 'op'), {
		alias: 'bastion', host: '203.0.113.10', port: 22, user: 'me', identities: ['/k'], label: 'me@203.0.113.10',
	});
	assert.deepEqual(resolveHop({host: '10.1.1.1'}, undefined, 'op'), {alias: '10.1.1.1', host: '10.1.1.1', port: 22, user: 'op', identities: [], label: 'op@10.1.1.1'});
});

test('plans: direct, one bastion, a bastion that has its own ProxyJump, explicit chains, none, loops', () => {
	const direct = connectPlan({host: 'direct'}, resolve, 'op');
	assert.deepEqual(direct.jumps, []);
	assert.equal(direct.target.label, 'op@192.168.1.80');

	const viaInner = connectPlan({host: 'rmq-1'}, resolve, 'op');
	assert.deepEqual(viaInner.jumps.map(h => h.label), ['jump@203.0.113.10:2200', 'op@10.0.0.2'], 'inner is reached through its own ProxyJump (bastion)');
	assert.equal(viaInner.target.label, 'deploy@192.168.1.71');

	// the target's proxyJump (as the inventory parser fills it in) wins over the config's
	const explicit = connectPlan({host: 'rmq-1', proxyJump: 'a@first:2201,second'}, resolve, 'op');
	assert.deepEqual(explicit.jumps.map(h => h.label), ['a@first:2201', 'op@second']);

	const self = connectPlan({host: '10.0.0.9', port: 2222, proxyJump: 'root@10.0.0.9:2222'}, resolve, 'op');
	assert.deepEqual(self.jumps.map(h => h.label), ['root@10.0.0.9:2222'], 'a host may be named as its own bastion');

	const none = connectPlan({host: 'rmq-1', proxyJump: 'none'}, resolve, 'op');
	assert.deepEqual(none.jumps, []);

	assert.throws(() => connectPlan({host: 'loop-a'}, resolve, 'op'), /ProxyJump loops: loop-b → loop-a → loop-b/);
	assert.throws(() => connectPlan({host: 'x', proxyJump: Array.from({length: 9}, (_, i) => `h${i}`).join(',')}, undefined, 'op'), /longer than 8 hops/);
});
