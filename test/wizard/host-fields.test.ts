import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Collector} from '../../source/inventory/parse.ts';
import {sshResolverFromText} from '../../source/inventory/ssh-config.ts';
import {
	emptyHost, firstProblem, hasSshDefaults, hostEntry, hostFieldProblems, hostFromShorthand, hostFromSpec, hostRow, placeholder,
	toHostSpec, type HostFields, type WizardEnv,
} from '../../source/wizard/host-fields.ts';
import {initialState, stateFromCluster, toClusterFile} from '../../source/wizard/model.ts';

const SSH_CONFIG = `Host mq-*
  User deploy
  Port 2200
  IdentityFile ~/.ssh/mq
  ProxyJump ops@bastion:22
Host mq-1
  HostName 10.0.0.1
Host mq-2
  HostName 10.0.0.2
`;
const env: WizardEnv = {resolveSsh: sshResolverFromText(SSH_CONFIG, '/home/op')};
const host = (over: Partial<HostFields>): HostFields => ({...emptyHost('192.168.1.71'), ...over});
const problems = (hosts: HostFields[], e: WizardEnv = {}) => hostFieldProblems(hosts, e);

test('shorthand → fields: user, host (IPv6 unbracketed), port', () => {
	assert.deepEqual(hostFromShorthand('admin@192.168.1.76:2222'), {...emptyHost('192.168.1.76'), user: 'admin', port: '2222'});
	assert.deepEqual(hostFromShorthand('[2001:db8::7]:2200'), {...emptyHost('2001:db8::7'), port: '2200'});
	assert.deepEqual(hostFromShorthand('mq-1'), emptyHost('mq-1'));
});

test('identity modes map onto ssh.identity and ssh.auth; ssh-agent drops the key path; no secret is ever a field', () => {
	assert.deepEqual(hostEntry(host({identity: '~/.ssh/k'})), {ssh: {host: '192.168.1.71', identity: '~/.ssh/k'}});
	assert.deepEqual(hostEntry(host({auth: 'agent', identity: '~/.ssh/k'})), {ssh: {host: '192.168.1.71', auth: 'agent'}});
	assert.deepEqual(hostEntry(host({auth: 'ask'})), {ssh: {host: '192.168.1.71', auth: 'ask'}});
	assert.deepEqual(hostEntry(host({auth: 'ask', identity: '/k', user: 'op', port: '22', proxyJump: 'b', name: 'n1', ip: '10.1.1.1', cpus: 4})),
		{ssh: {host: '192.168.1.71', user: 'op', port: 22, identity: '/k', auth: 'ask', proxyJump: 'b'}, name: 'n1', ip: '10.1.1.1', cpus: 4});
	assert.ok(!Object.keys(emptyHost()).some(k => /pass/i.test(k)));
});

test('fields → spec → fields gives the same fields, with and without ~/.ssh/config', () => {
	const cases: Array<[HostFields, WizardEnv]> = [
		[host({}), {}],
		[host({name: 'broker-a', user: 'root', port: '2222', identity: '/keys/a', proxyJump: 'op@jump:22'}), {}],
		[host({auth: 'agent'}), {}],
		[host({auth: 'ask', identity: '/keys/locked'}), {}],
		[{...emptyHost('node.example.com'), ip: '10.9.9.9', cpus: 8}, {}],
		[emptyHost('mq-1'), env],
		[{...emptyHost('mq-2'), user: 'root', auth: 'agent'}, env],
		[{...emptyHost('mq-2'), port: '22', auth: 'ask', proxyJump: 'other:22'}, env],
	];
	for (const [fields, e] of cases) {
		const spec = toHostSpec(fields, 'host', new Collector(), e);
		assert.ok(spec, JSON.stringify(fields));
		assert.deepEqual(hostFromSpec(spec, e), fields);
	}
});

test('~/.ssh/config defaults fill the spec, are the greyed placeholders, and say where they come from', () => {
	const alias = emptyHost('mq-1');
	assert.deepEqual(toHostSpec(alias, 'h', new Collector(), env),
		{name: 'mq-1', ssh: {host: 'mq-1', user: 'deploy', port: 2200, identity: '/home/op/.ssh/mq', proxyJump: 'ops@bastion:22'}, ip: '10.0.0.1'});
	assert.equal(hasSshDefaults(alias, env), true);
	assert.equal(hasSshDefaults(emptyHost('192.168.1.71'), env), false);
	assert.equal(placeholder(alias, 'user', env), 'deploy (from ~/.ssh/config)');
	assert.equal(placeholder(alias, 'port', env), '2200 (from ~/.ssh/config)');
	assert.equal(placeholder(alias, 'identity', env), '/home/op/.ssh/mq (from ~/.ssh/config)');
	assert.equal(placeholder(alias, 'proxyJump', env), 'ops@bastion:22 (from ~/.ssh/config)');
	assert.equal(placeholder(alias, 'ip', env), '10.0.0.1 (HostName from ~/.ssh/config)');
	assert.equal(placeholder(alias, 'name', env), 'mq-1 (from the address)');
	assert.equal(placeholder({...alias, auth: 'agent'}, 'identity', env), '(not used with ssh-agent)');
	const plain = host({});
	assert.equal(placeholder(plain, 'user', env), '(your login name)');
	assert.equal(placeholder(plain, 'port', env), '22');
	assert.equal(placeholder(plain, 'ip', env), '192.168.1.71 (the address)');
	assert.deepEqual(hostRow(alias, env), {name: 'mq-1', address: 'mq-1', user: 'deploy', port: '2200', identity: '/home/op/.ssh/mq'});
	assert.deepEqual(hostRow({...alias, auth: 'agent', user: 'root'}, env), {name: 'mq-1', address: 'mq-1', user: 'root', port: '2200', identity: 'ssh-agent'});
	assert.deepEqual(hostRow(plain), {name: '192.168.1.71', address: '192.168.1.71', user: '-', port: '22', identity: 'default keys'});
	assert.equal(hostRow(host({auth: 'ask'})).identity, 'ask password');
});

test('each problem is on its own field', () => {
	const exists = (p: string) => p === '/keys/ok';
	const [p] = problems([host({address: '192.168.1.276'})]);
	assert.deepEqual(p, {address: '"192.168.1.276" is not a valid IPv4 address (four numbers 0–255 separated by dots)'});
	assert.deepEqual(problems([host({address: ''})])[0], {address: 'the address is empty'});
	assert.deepEqual(problems([host({port: '70000'})])[0], {port: 'must be a whole number from 1 to 65535, got 70000'});
	assert.deepEqual(problems([host({port: '0'})])[0], {port: 'must be a whole number from 1 to 65535, got 0'});
	assert.deepEqual(problems([host({port: 'ssh'})])[0], {port: 'must be a whole number from 1 to 65535, got "ssh"'});
	assert.deepEqual(problems([host({name: 'my host'})])[0], {name: '"my host" cannot be used as a folder name'});
	assert.deepEqual(problems([host({ip: '10.0.0'})])[0]?.ip?.startsWith('"10.0.0" is not an IPv4 address'), true);
	assert.deepEqual(problems([host({user: 'a b'})])[0], {user: '"a b" is not a user name (letters, digits, ".", "_" and "-")'});
	assert.deepEqual(problems([host({proxyJump: 'op@bad_host:22'})])[0], {proxyJump: '"op@bad_host:22" is not a jump host ("bad_host" is neither an IPv4/IPv6 address nor a valid host name); write user@host:port, comma separated'});
	assert.deepEqual(problems([host({identity: '/keys/missing'})], {fileExists: exists})[0], {identity: 'key file "/keys/missing" does not exist'});
	assert.deepEqual(problems([host({identity: '/keys/ok'})], {fileExists: exists})[0], {});
	assert.deepEqual(problems([host({auth: 'agent', identity: '/keys/missing'})], {fileExists: exists})[0], {}, 'ssh-agent does not use the key');
	assert.deepEqual(problems([host({identity: '/keys/missing'})])[0], {}, 'no check without fileExists');
	assert.deepEqual(problems([emptyHost('alpha')])[0], {ip: 'is required because ssh target "alpha" is not an IPv4 address'});
	assert.deepEqual(problems([host({name: ''})])[0], {}, 'an empty name is allowed');
});

test('duplicates: address (derived name), a typed name, a typed IP, the same alias', () => {
	const a = host({});
	assert.deepEqual(problems([a, host({})])[1], {address: 'duplicates host 1 (name 192.168.1.71)'});
	assert.deepEqual(problems([host({name: 'x'}), host({address: '192.168.1.72', name: 'x'})])[1], {name: 'duplicates host 1 (name x)'});
	assert.deepEqual(problems([a, host({address: 'other', name: 'other', ip: '192.168.1.71'})])[1], {ip: 'duplicates host 1 (ip 192.168.1.71)'});
	assert.deepEqual(problems([{...emptyHost('mq-1'), name: 'a'}, {...emptyHost('mq-1'), name: 'b', ip: '10.0.0.9'}], env)[1], {address: 'duplicates host 1 (address mq-1)'});
	assert.equal(firstProblem(problems([a, a])[1]!), 'duplicates host 1 (name 192.168.1.71)');
});

test('a state of per-host fields saved as a cluster file and reopened gives the same fields', () => {
	const hosts = [
		host({name: 'a', user: 'root', port: '2222', identity: '/keys/a'}),
		{...emptyHost('192.168.1.76'), auth: 'agent' as const, proxyJump: 'op@jump:22'},
		{...emptyHost('mq-2'), auth: 'ask' as const, user: 'admin'},
	];
	const state = initialState(hosts);
	const file = toClusterFile(state, env);
	assert.ok(file.ok);
	assert.deepEqual(stateFromCluster(file.value, env).hosts, hosts);
});

test('the host being edited is checked against the hosts below it too', () => {
	const hosts = [host({}), host({address: '192.168.1.76'})];
	assert.deepEqual(problems(hosts)[0], {});
	assert.deepEqual(hostFieldProblems([host({address: '192.168.1.76'}), hosts[1]!], {}, 0)[0], {address: 'duplicates host 2 (name 192.168.1.76)'});
});
