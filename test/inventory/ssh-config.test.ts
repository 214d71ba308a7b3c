import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {globFiles, readSshConfig, sshResolverFromText, type IncludedFile} from '../../source/inventory/ssh-config.ts';

const HOME = '/home/alice';

const REALISTIC = `# ~/.ssh/config of an operator
Host bastion
  HostName 203.0.113.10
  User jump
  Port 2200

Host rmq-*
  User deploy
  IdentityFile ~/.ssh/rmq_ed25519
  IdentityFile ~/.ssh/id_rsa
  ProxyJump bastion

Host rmq-1
  HostName 192.168.1.71
  # too late: rmq-* already set User
  User root

Host rmq-2
  hostname 192.168.1.76
  Port=2222

Host *.lab
  HostName %h.example.com
  ProxyJump none

Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_default
  ServerAliveInterval 30
`;

test('ssh config: first match wins, wildcards fill gaps, the first IdentityFile is taken', () => {
	const resolve = sshResolverFromText(REALISTIC, HOME);
	const cases: Array<[alias: string, expected: ReturnType<typeof resolve>]> = [
		['rmq-1', {hostName: '192.168.1.71', user: 'deploy', port: 22, identity: `${HOME}/.ssh/rmq_ed25519`, proxyJump: 'bastion'}],
		['rmq-2', {hostName: '192.168.1.76', user: 'deploy', port: 2222, identity: `${HOME}/.ssh/rmq_ed25519`, proxyJump: 'bastion'}],
		['rmq-9', {user: 'deploy', port: 22, identity: `${HOME}/.ssh/rmq_ed25519`, proxyJump: 'bastion'}],
		['bastion', {hostName: '203.0.113.10', user: 'jump', port: 2200, identity: `${HOME}/.ssh/id_default`}],
		['db.lab', {hostName: 'db.lab.example.com', user: 'fallback', port: 22, identity: `${HOME}/.ssh/id_default`}],
		['192.168.1.77', {user: 'fallback', port: 22, identity: `${HOME}/.ssh/id_default`}],
	];
	for (const [alias, expected] of cases) assert.deepEqual(resolve(alias), expected, alias);
});

test('ssh config: an empty config resolves nothing', () => {
	assert.deepEqual(sshResolverFromText('', HOME)('anything'), {});
	assert.deepEqual(sshResolverFromText('# only a comment\n\n', HOME)('anything'), {});
});

test('ssh config: negated patterns and IdentityFile tokens', () => {
	const resolve = sshResolverFromText(
		[
			'Host * !bastion',
			'  ProxyJump bastion',
			'Host *',
			'  User ops',
			'  IdentityFile %d/keys/%r@%h-%u',
		].join('\n'),
		HOME,
		{localUser: 'alice'},
	);
	assert.deepEqual(resolve('bastion'), {user: 'ops', identity: `${HOME}/keys/ops@bastion-alice`});
	assert.equal(resolve('node1').proxyJump, 'bastion');
});

test('ssh config: Include is followed in place, relative to ~/.ssh, first match still wins', () => {
	const files: Record<string, string> = {
		[`${HOME}/.ssh/conf.d/10-rmq`]: 'Host rmq-1\n  HostName 10.0.0.1\n  User included\n',
		'/etc/ssh/extra': 'Host rmq-1\n  Port 2022\n',
	};
	const asked: string[] = [];
	const include = (pattern: string): IncludedFile[] => {
		asked.push(pattern);
		return Object.keys(files)
			.filter(path => path === pattern || (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1))))
			.map(path => ({path, text: files[path]!}));
	};
	const text = 'Include conf.d/* /etc/ssh/extra\nHost rmq-1\n  User later\n  Port 9999\n';
	const resolve = sshResolverFromText(text, HOME, {include});
	assert.deepEqual(asked, [`${HOME}/.ssh/conf.d/*`, '/etc/ssh/extra']);
	assert.deepEqual(resolve('rmq-1'), {hostName: '10.0.0.1', user: 'included', port: 2022});
});

test('ssh config: Include inside a Host block applies only to that block', () => {
	const include = (): IncludedFile[] => [{path: '/keys', text: 'IdentityFile ~/.ssh/only_for_a\n'}];
	const resolve = sshResolverFromText('Host a\n  Include /keys\nHost b\n  User bee\n', HOME, {include});
	assert.equal(resolve('a').identity, `${HOME}/.ssh/only_for_a`);
	assert.deepEqual(resolve('b'), {user: 'bee'});
});

test('ssh config: refused inputs name the file', () => {
	const include = (pattern: string): IncludedFile[] => [{path: pattern, text: `Include ${pattern}\n`}];
	const nested = (): IncludedFile[] => [{path: '/inc', text: 'Host x\n  User y\n'}];
	const cases: Array<[name: string, run: () => unknown, message: RegExp]> = [
		['NUL bytes', () => sshResolverFromText('Host a\0\0', HOME, {file: '/cfg'}), /SSH config \/cfg: contains NUL bytes/],
		['unterminated quote', () => sshResolverFromText('Host a\n  HostName "oops\n', HOME, {file: '/cfg'}), /SSH config \/cfg: cannot be parsed/],
		['garbage keyword', () => sshResolverFromText('Host a\n  $$$ x\n', HOME, {file: '/cfg'}), /SSH config \/cfg: "\$\$\$" is not an ssh_config keyword/],
		['bad port', () => sshResolverFromText('Host a\n  Port twenty\n', HOME, {file: '/cfg'}), /SSH config \/cfg: Port "twenty" is not a port number/],
		['port out of range', () => sshResolverFromText('Port 70000\n', HOME, {file: '/cfg'}), /Port "70000"/],
		['Include without a reader', () => sshResolverFromText('Include x\n', HOME, {file: '/cfg'}), /SSH config \/cfg: uses Include/],
		['Include loop', () => sshResolverFromText('Include /loop\n', HOME, {file: '/cfg', include}), /SSH config \/loop: Include nested more than 16 deep/],
		['Host blocks included inside a Host block', () => sshResolverFromText('Host a\n  Include /inc\n', HOME, {file: '/cfg', include: nested}), /SSH config \/inc: has Host\/Match blocks but is included inside a Host\/Match block of \/cfg/],
		['bad port in an included file', () => sshResolverFromText('Include /p\n', HOME, {file: '/cfg', include: () => [{path: '/p', text: 'Port x\n'}]}), /SSH config \/p: Port "x"/],
	];
	for (const [name, run, message] of cases) assert.throws(run, message, name);
});

test('readSshConfig: a missing file resolves nothing', () => {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-ssh-'));
	try {
		assert.deepEqual(readSshConfig(join(dir, 'no-such-config'), dir)('rmq-1'), {});
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('readSshConfig: an unreadable path is an error naming it', () => {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-ssh-'));
	try {
		const config = join(dir, 'config');
		mkdirSync(config); // EISDIR: reading fails even as root
		assert.throws(() => readSshConfig(config, dir), (error: Error) => error.message.includes(config) && /cannot be read \(EISDIR\)/.test(error.message));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('readSshConfig: reads a real file and follows its Include globs in sorted order', () => {
	const home = mkdtempSync(join(tmpdir(), 'rmq-tui-ssh-'));
	try {
		mkdirSync(join(home, '.ssh', 'conf.d'), {recursive: true});
		writeFileSync(join(home, '.ssh', 'conf.d', '20-late'), 'Host rmq-1\n  User late\n  Port 2020\n');
		writeFileSync(join(home, '.ssh', 'conf.d', '10-early'), 'Host rmq-1\n  User early\n');
		writeFileSync(join(home, '.ssh', 'conf.d', '.hidden'), 'Host rmq-1\n  User hidden\n');
		writeFileSync(join(home, '.ssh', 'config'), 'Include conf.d/*\nInclude conf.d/missing\nHost rmq-1\n  HostName 192.168.1.71\n  IdentityFile ~/.ssh/k\n');
		const resolve = readSshConfig(join(home, '.ssh', 'config'), home);
		assert.deepEqual(resolve('rmq-1'), {hostName: '192.168.1.71', user: 'early', port: 2020, identity: join(home, '.ssh', 'k')});
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
});

test('globFiles: wildcards per component, sorted, no dot files unless asked', () => {
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-glob-'));
	try {
		for (const name of ['b.conf', 'a.conf', '.x.conf', 'c.txt']) writeFileSync(join(dir, name), '');
		mkdirSync(join(dir, 'd1'));
		writeFileSync(join(dir, 'd1', 'z.conf'), '');
		assert.deepEqual(globFiles(join(dir, '*.conf')), [join(dir, 'a.conf'), join(dir, 'b.conf')]);
		assert.deepEqual(globFiles(join(dir, '.*.conf')), [join(dir, '.x.conf')]);
		assert.deepEqual(globFiles(join(dir, '?.txt')), [join(dir, 'c.txt')]);
		assert.deepEqual(globFiles(join(dir, 'd*', '*.conf')), [join(dir, 'd1', 'z.conf')]);
		assert.deepEqual(globFiles(join(dir, 'plain')), [join(dir, 'plain')]);
		assert.deepEqual(globFiles(join(dir, 'nope', '*')), []);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
