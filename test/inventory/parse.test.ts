import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {InventoryError} from '../../source/inventory/errors.ts';
import {parseClusterText, parseSshShorthand, type SshResolver} from '../../source/inventory/parse.ts';
import {DEFAULT_OPTIONS, type ClusterFile} from '../../source/inventory/schema.ts';
import {sshResolverFromText} from '../../source/inventory/ssh-config.ts';

const SEED_HOSTS = 'hosts: [192.168.1.71, 192.168.1.76, 192.168.1.77]';

function parsed(text: string, resolve?: SshResolver): ClusterFile {
	const result = parseClusterText(text, resolve);
	if (!result.ok) assert.fail(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result.errors, null, 1)}`);
	return result.value;
}

function errorsOf(text: string, resolve?: SshResolver): InventoryError[] {
	const result = parseClusterText(text, resolve);
	if (result.ok) assert.fail(`expected ${JSON.stringify(text)} to be refused`);
	for (const e of result.errors) assert.ok(e.fix.length > 0, `error at ${e.path} has no fix`);
	return result.errors;
}

/** Asserts an error at exactly `path` whose message (or fix, for did-you-mean) matches. */
function assertError(errors: InventoryError[], path: string, pattern: RegExp): void {
	const hit = errors.find(e => e.path === path && (pattern.test(e.message) || pattern.test(e.fix)));
	assert.ok(hit, `no error at ${path} matching ${pattern}; got ${JSON.stringify(errors, null, 1)}`);
}

test('the seed cluster file parses with the defaults filled in', () => {
	const cluster = parsed(`version: 1\n${SEED_HOSTS}\n`);
	assert.deepEqual(cluster.hosts, [
		{name: '192.168.1.71', ssh: {host: '192.168.1.71'}, ip: '192.168.1.71'},
		{name: '192.168.1.76', ssh: {host: '192.168.1.76'}, ip: '192.168.1.76'},
		{name: '192.168.1.77', ssh: {host: '192.168.1.77'}, ip: '192.168.1.77'},
	]);
	const {hosts: _h, version: _v, placement, ...options} = cluster;
	assert.deepEqual(options, DEFAULT_OPTIONS);
	assert.deepEqual(placement, {});
});

const refused: Array<[name: string, text: string, path: string, pattern: RegExp]> = [
	// addresses
	['bad IPv4 as ssh target', 'hosts: [192.168.1.300, 192.168.1.76, 192.168.1.77]', 'hosts[0].ssh', /"192\.168\.1\.300" is not a valid IPv4 address/],
	['bad IPv4 as ip', 'hosts: [{ssh: node-a, ip: 192.168.1.300}]', 'hosts[0].ip', /"192\.168\.1\.300" is not an IPv4 address/],
	['host name as ip', 'hosts: [{ssh: node-a, ip: node-a}]', 'hosts[0].ip', /"node-a" is not an IPv4 address.*peer parser/],
	['host name without ip', 'hosts: [node-a.example.com]', 'hosts[0].ip', /is required because ssh target "node-a\.example\.com" is not an IPv4 address/],
	['IPv6 without ip', 'hosts: ["fe80::1"]', 'hosts[0].ip', /is required because ssh target "fe80::1" is not an IPv4 address/],
	['garbage address', 'hosts: ["no such host!"]', 'hosts[0].ssh', /neither an IPv4\/IPv6 address nor a valid host name/],
	['leading space in a bare host', 'hosts: [" 192.168.1.71"]', 'hosts[0].ssh', /leading or trailing spaces/],
	['bad folder name', 'hosts: [{name: "a/b", ssh: 192.168.1.71}]', 'hosts[0].name', /cannot be used as a folder name/],
	// duplicates
	['duplicate ip', 'hosts: [192.168.1.71, {name: other, ssh: 192.168.1.71}]', 'hosts[1].ip', /duplicates hosts\[0\] \(ip 192\.168\.1\.71\)/],
	['duplicate name', 'hosts: [{name: a, ssh: 192.168.1.71}, {name: a, ssh: 192.168.1.76}]', 'hosts[1].name', /duplicates hosts\[0\] \(name a\)/],
	// unknown keys, with and without a suggestion
	['top-level typo', `hostz: []\n${SEED_HOSTS}`, 'hostz', /did you mean "hosts"\?/],
	['plural typo', `replica: 3\n${SEED_HOSTS}`, 'replica', /did you mean "replicas"\?/],
	['host key typo', 'hosts: [{ssh: 192.168.1.71, ipp: 192.168.1.71}]', 'hosts[0].ipp', /did you mean "ip"\?/],
	['ssh key typo', 'hosts: [{ssh: {host: 192.168.1.71, usr: root}}]', 'hosts[0].ssh.usr', /did you mean "user"\?/],
	['ports key typo', `ports: {listn: 10911}\n${SEED_HOSTS}`, 'ports.listn', /did you mean "listen"\?/],
	['console key typo', `console: {pubic: true}\n${SEED_HOSTS}`, 'console.pubic', /did you mean "public"\?/],
	['heap key typo', `heap: {brokr: 1g}\n${SEED_HOSTS}`, 'heap.brokr', /did you mean "broker"\?/],
	['unrelated key', `zzzzzzzz: 1\n${SEED_HOSTS}`, 'zzzzzzzz', /remove it; known keys: version, name, hosts/],
	// wrong types and ranges
	['groups as string', `groups: "2"\n${SEED_HOSTS}`, 'groups', /whole number from 1 to 100, got "2"/],
	['fractional replicas', `replicas: 2.5\n${SEED_HOSTS}`, 'replicas', /whole number from 1 to 9, got 2\.5/],
	['zero groups', `groups: 0\n${SEED_HOSTS}`, 'groups', /whole number from 1 to 100, got 0/],
	['listen past 65535', `ports: {listen: 70000}\n${SEED_HOSTS}`, 'ports.listen', /from 3 to 65535, got 70000/],
	['heap not an object', `heap: 3\n${SEED_HOSTS}`, 'heap', /must be an object/],
	['ports a list', `ports: [1]\n${SEED_HOSTS}`, 'ports', /must be an object/],
	['console a number', `console: 3\n${SEED_HOSTS}`, 'console', /must be an object/],
	['console.enabled yes', `console: {enabled: "yes"}\n${SEED_HOSTS}`, 'console.enabled', /must be true or false, got "yes"/],
	['console.port 0', `console: {port: 0}\n${SEED_HOSTS}`, 'console.port', /from 1 to 65535, got 0/],
	['name a number', `name: 5\n${SEED_HOSTS}`, 'name', /non-empty string, got 5/],
	['name with spaces around', `name: " x"\n${SEED_HOSTS}`, 'name', /leading or trailing spaces/],
	['groupPrefix with "-"', `groupPrefix: Raft-Node\n${SEED_HOSTS}`, 'groupPrefix', /"Raft-Node" is not valid/],
	['relative baseDir', `baseDir: rel/dir\n${SEED_HOSTS}`, 'baseDir', /"rel\/dir" is not valid/],
	['baseDir with trailing slash', `baseDir: /data/\n${SEED_HOSTS}`, 'baseDir', /"\/data\/" is not valid/],
	['heap size unit', `heap: {broker: 1gb}\n${SEED_HOSTS}`, 'heap.broker', /"1gb" is not valid/],
	['image with a space', `image: "Bad Image"\n${SEED_HOSTS}`, 'image', /"Bad Image" is not valid/],
	['timezone with a space', `timezone: "Asia/Shang hai"\n${SEED_HOSTS}`, 'timezone', /is not valid/],
	['hosts not a list', 'hosts: x', 'hosts', /must be a non-empty list/],
	['hosts empty', 'hosts: []', 'hosts', /must be a non-empty list/],
	['host a number', 'hosts: [7]', 'hosts[0]', /must be an address or an object \{name, ssh, ip\}, got 7/],
	['ssh a number', 'hosts: [{ssh: 5}]', 'hosts[0].ssh', /must be an address/],
	['ssh object without host', 'hosts: [{ssh: {user: root}}]', 'hosts[0].ssh.host', /is missing/],
	['host without ssh and ip', 'hosts: [{name: a}]', 'hosts[0].ssh', /is missing/],
	['ssh port as string', 'hosts: [{ssh: {host: 192.168.1.71, port: "22"}}]', 'hosts[0].ssh.port', /whole number from 1 to 65535, got "22"/],
	['cpus 0', 'hosts: [{ssh: 192.168.1.71, cpus: 0}]', 'hosts[0].cpus', /from 1 to 1024, got 0/],
	['brokerProperties a list', `brokerProperties: [a]\n${SEED_HOSTS}`, 'brokerProperties', /must map broker\.conf keys to values/],
	['brokerProperties nested value', `brokerProperties: {x: {a: 1}}\n${SEED_HOSTS}`, 'brokerProperties.x', /must be a plain value/],
	['namesrvHosts empty', `namesrvHosts: []\n${SEED_HOSTS}`, 'namesrvHosts', /non-empty list of host names/],
	['namesrvHosts numbers', `namesrvHosts: [1]\n${SEED_HOSTS}`, 'namesrvHosts', /non-empty list of host names/],
	['placement a number', `placement: 5\n${SEED_HOSTS}`, 'placement', /must map group names/],
	['placement group a number', `placement: {RaftNode00: 3}\n${SEED_HOSTS}`, 'placement.RaftNode00', /must map selfIds/],
	['placement pin without storeDir', `placement: {RaftNode00: {n0: {host: a}}}\n${SEED_HOSTS}`, 'placement.RaftNode00.n0', /must be \{host: <host name>, storeDir: <absolute path>\}/],
];

for (const [name, body, path, pattern] of refused) {
	test(`refused: ${name}`, () => {
		assertError(errorsOf(`version: 1\n${body}\n`), path, pattern);
	});
}

test('version: missing, unsupported, or a string', () => {
	assertError(errorsOf(`${SEED_HOSTS}\n`), 'version', /is missing/);
	assertError(errorsOf(`version: 2\n${SEED_HOSTS}\n`), 'version', /2 is not supported/);
	assertError(errorsOf(`version: "1"\n${SEED_HOSTS}\n`), 'version', /"1" is not supported/);
});

test('every problem is reported at once, not only the first', () => {
	const errors = errorsOf('version: 1\ngroups: x\nhosts: [192.168.1.300, node-a]\n');
	assert.deepEqual(errors.map(e => e.path), ['groups', 'hosts[0].ssh', 'hosts[1].ip']);
});

test('YAML syntax errors carry the line and column', () => {
	const errors = errorsOf('version: 1\nhosts:\n  - 192.168.1.71\n  - [unclosed\nname: x\n');
	assert.match(errors[0]!.path, /^line \d+, column \d+$/);
	assert.equal(Number(/^line (\d+)/.exec(errors[0]!.path)![1]) >= 4, true, errors[0]!.path);
	assert.match(errors[0]!.fix, /YAML syntax/);
	assertError(errorsOf(`version: 1\n${SEED_HOSTS}\nversion: 1\n`), 'line 3, column 1', /Map keys must be unique/);
});

test('a file that is not a mapping is refused as a whole', () => {
	for (const text of ['', '- a\n- b\n', '42\n', 'just text\n']) assertError(errorsOf(text), '(file)', /is not a mapping/);
});

test('JSON is accepted', () => {
	const cluster = parsed(JSON.stringify({version: 1, groups: 3, hosts: ['192.168.1.71', '192.168.1.76', '192.168.1.77']}));
	assert.equal(cluster.groups, 3);
	assert.deepEqual(cluster.hosts.map(h => h.ip), ['192.168.1.71', '192.168.1.76', '192.168.1.77']);
});

test('ssh shorthand: user, port, bracketed IPv6', () => {
	const cases: Array<[text: string, expected: ReturnType<typeof parseSshShorthand>]> = [
		['192.168.1.71', {host: '192.168.1.71'}],
		['root@192.168.1.71:2222', {host: '192.168.1.71', user: 'root', port: 2222}],
		['node-a:22', {host: 'node-a', port: 22}],
		['admin@node-a', {host: 'node-a', user: 'admin'}],
		['fe80::1', {host: 'fe80::1'}],
		['[fe80::1]', {host: 'fe80::1'}],
		['root@[2001:db8::7]:2200', {host: '2001:db8::7', user: 'root', port: 2200}],
	];
	for (const [text, expected] of cases) assert.deepEqual(parseSshShorthand(text), expected, text);
});

test('hosts: shorthand in a file, IPv6 and host names with an ip', () => {
	const cluster = parsed([
		'version: 1',
		'hosts:',
		'  - root@192.168.1.71:2222',
		'  - {ssh: "root@[2001:db8::7]:2200", ip: 192.168.1.76}',
		'  - {name: c, ssh: node-c.example.com, ip: 192.168.1.77, cpus: 8}',
	].join('\n'));
	assert.deepEqual(cluster.hosts, [
		{name: '192.168.1.71', ssh: {host: '192.168.1.71', user: 'root', port: 2222}, ip: '192.168.1.71'},
		// an IPv6 cannot name a folder: the host is named after its IPv4
		{name: '192.168.1.76', ssh: {host: '2001:db8::7', user: 'root', port: 2200}, ip: '192.168.1.76'},
		{name: 'c', ssh: {host: 'node-c.example.com'}, ip: '192.168.1.77', cpus: 8},
	]);
});

test('a host given only as ip connects to that ip', () => {
	const cluster = parsed('version: 1\nhosts: [{ip: 192.168.1.71}]\n');
	assert.deepEqual(cluster.hosts[0], {name: '192.168.1.71', ssh: {host: '192.168.1.71'}, ip: '192.168.1.71'});
});

const SSH_CONFIG = `Host rmq-*
  User deploy
  Port 2222
  IdentityFile ~/.ssh/rmq
  ProxyJump bastion
Host rmq-1
  HostName 192.168.1.71
Host rmq-2
  HostName 192.168.1.76
Host rmq-3
  HostName 192.168.1.77
Host rmq-dns
  HostName node.example.com
`;

test('ssh config defaults fill what the file leaves out; explicit values win', () => {
	const resolve = sshResolverFromText(SSH_CONFIG, '/home/op');
	const cluster = parsed([
		'version: 1',
		'hosts:',
		'  - rmq-1',
		'  - {ssh: {host: rmq-2, user: admin, port: 22, identity: /keys/k, proxyJump: none-such}}',
		'  - {ssh: rmq-3, ip: 10.9.9.9}',
	].join('\n'), resolve);
	assert.deepEqual(cluster.hosts, [
		{name: 'rmq-1', ssh: {host: 'rmq-1', user: 'deploy', port: 2222, identity: '/home/op/.ssh/rmq', proxyJump: 'bastion'}, ip: '192.168.1.71'},
		{name: 'rmq-2', ssh: {host: 'rmq-2', user: 'admin', port: 22, identity: '/keys/k', proxyJump: 'none-such'}, ip: '192.168.1.76'},
		{name: 'rmq-3', ssh: {host: 'rmq-3', user: 'deploy', port: 2222, identity: '/home/op/.ssh/rmq', proxyJump: 'bastion'}, ip: '10.9.9.9'},
	]);
});

test('ssh config: an alias whose HostName is not an IPv4 still needs ip', () => {
	const resolve = sshResolverFromText(SSH_CONFIG, '/home/op');
	assertError(errorsOf('version: 1\nhosts: [rmq-dns]\n', resolve), 'hosts[0].ip', /is required because ssh target "rmq-dns"/);
	assertError(errorsOf('version: 1\nhosts: [unknown-alias]\n', resolve), 'hosts[0].ip', /is required/);
});

test('ssh config: without a resolver an alias needs ip', () => {
	assertError(errorsOf('version: 1\nhosts: [rmq-1]\n'), 'hosts[0].ip', /is required because ssh target "rmq-1"/);
});

test('brokerProperties keep the text written in YAML (04 stays 04, 1.0 stays 1.0)', () => {
	const r = parseClusterText('version: 1\nhosts: [10.0.0.1, 10.0.0.2, 10.0.0.3]\nbrokerProperties:\n  deleteWhen: 04\n  ratio: 1.0\n  quoted: "007"\n  flag: true\n');
	assert.ok(r.ok);
	assert.deepEqual(r.value.brokerProperties, {deleteWhen: '04', ratio: '1.0', quoted: '007', flag: 'true'});
});

test('ssh.auth: agent or ask; agent takes no identity and no IdentityFile default; ask keeps the key for its passphrase', () => {
	const resolve = sshResolverFromText(SSH_CONFIG, '/home/op');
	const cluster = parsed([
		'version: 1',
		'hosts:',
		'  - {ssh: {host: rmq-1, auth: agent}}',
		'  - {ssh: {host: rmq-2, auth: ask}}',
		'  - {ssh: {host: 192.168.1.77, auth: ask, identity: /keys/k}}',
	].join('\n'), resolve);
	assert.deepEqual(cluster.hosts, [
		{name: 'rmq-1', ssh: {host: 'rmq-1', user: 'deploy', port: 2222, auth: 'agent', proxyJump: 'bastion'}, ip: '192.168.1.71'},
		{name: 'rmq-2', ssh: {host: 'rmq-2', user: 'deploy', port: 2222, auth: 'ask', identity: '/home/op/.ssh/rmq', proxyJump: 'bastion'}, ip: '192.168.1.76'},
		{name: '192.168.1.77', ssh: {host: '192.168.1.77', auth: 'ask', identity: '/keys/k'}, ip: '192.168.1.77'},
	]);
});

test('ssh.auth: anything else, or agent with an identity, is reported with the fix', () => {
	assertError(errorsOf('version: 1\nhosts: [{ssh: {host: 10.0.0.1, auth: password}}]\n'), 'hosts[0].ssh.auth', /must be "agent" or "ask", got "password"/);
	assertError(errorsOf('version: 1\nhosts: [{ssh: {host: 10.0.0.1, auth: agent, identity: /k}}]\n'), 'hosts[0].ssh.identity', /is not used with auth: agent/);
});
