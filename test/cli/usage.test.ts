import assert from 'node:assert/strict';
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {FLAGS} from '../../source/cli/flags.ts';
import {run, scratch, SEED_HOSTS} from './helpers.ts';

test('--help lists every flag with its description, commands, examples and exit codes', async () => {
	const {code, out} = await run(['--help']);
	assert.equal(code, 0);
	for (const flag of FLAGS) {
		assert.ok(out.includes(flag.name === 'console' ? '--[no-]console' : `--${flag.name}`), `help mentions --${flag.name}`);
		assert.ok(out.includes(flag.description), `help describes --${flag.name}`);
	}
	assert.match(out, /rmq-tui lint PATH\.\.\./);
	assert.match(out, /^ {2}rmq-tui --demo\n {6}try it all in a minute without servers/m, 'help lists the demo');
	assert.match(out, /\$ rmq-tui --export out --hosts 192\.168\.1\.71,192\.168\.1\.76,192\.168\.1\.77/);
	assert.match(out, /Exit codes: 0 ok · 1 findings .* 2 usage .* 3 unreachable/);
});

test('--version prints the package version', async () => {
	const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
	const {code, out} = await run(['--version']);
	assert.equal(code, 0);
	assert.equal(out, `${pkg.version}\n`);
});

test('no arguments: help on stderr, usage exit code', async () => {
	const {code, err} = await run([]);
	assert.equal(code, 2);
	assert.match(err, /Usage/);
});

const usageCases: Array<{name: string; argv: string[]; message: RegExp}> = [
	{name: 'unknown flag with a did-you-mean', argv: ['--host', SEED_HOSTS, '--json'], message: /unknown flag --host\n {2}fix: did you mean --hosts\?/},
	{name: 'unknown short flag', argv: ['-x'], message: /unknown flag -x/},
	{name: 'unknown command', argv: ['deplyo'], message: /unknown command "deplyo"/},
	{name: 'deploy without a cluster file', argv: ['deploy'], message: /deploy needs a cluster file/},
	{name: 'down with a deploy-only flag', argv: ['down', '-i', 'x.yaml', '--dry-run'], message: /--dry-run does not apply to rmq-tui down/},
	{name: 'deploy with a missing image archive', argv: ['deploy', '-i', 'test/fixtures/seed/../../../README.md', '--image-archive', '/nonexistent.tar'], message: /--image-archive \/nonexistent\.tar: no such file/},
	{name: 'wizard flags without a terminal', argv: ['--image-archive', 'README.md'], message: /the wizard needs a terminal \(stdin and stdout\)\n {2}fix: run it in a terminal, or deploy without one/},
	{name: 'wizard with a missing build dir', argv: ['--build-image', '/nope'], message: /--build-image \/nope: no such directory/},
	{name: 'deploy with both image flags', argv: ['deploy', '-i', 'x.yaml', '--image-archive', 'README.md', '--build-image', 'test/fixtures/rocketmq-docker-standin'], message: /--build-image and --image-archive both given\n {2}fix: use one/},
	{name: 'deploy with a dir that is no rocketmq-docker checkout', argv: ['deploy', '-i', 'x.yaml', '--build-image', 'test/fixtures/seed'], message: /--build-image .*test\/fixtures\/seed: neither .*build-image\.sh nor .*image-build\/build-image\.sh exists\n {2}fix: pass a checkout of apache\/rocketmq-docker/},
	{name: 'flag without its value', argv: ['--export'], message: /--export needs a value \(DIR\)/},
	{name: 'hosts and inventory together', argv: ['--hosts', SEED_HOSTS, '--inventory', 'x.yaml', '--json'], message: /--hosts and --inventory both given/},
	{name: 'no hosts', argv: ['--export', '/tmp/never-written'], message: /no hosts given/},
	{name: 'hosts without --export or --json', argv: ['--hosts', SEED_HOSTS], message: /add --export DIR to write the files, or --json/},
	{name: 'a bad IPv4', argv: ['--hosts', '192.168.1.71,192.168.1.276,192.168.1.77', '--json'], message: /--hosts entry 2 \("192\.168\.1\.276"\): "192\.168\.1\.276" is not a valid IPv4 address/},
	{name: 'a host that is no address at all', argv: ['--hosts', 'node_1,b,c', '--json'], message: /"node_1" is neither an IPv4\/IPv6 address nor a valid host name/},
	{name: 'a host name without an IP', argv: ['--hosts', 'alpha,192.168.1.76,192.168.1.77', '--json'], message: /--hosts entry 1 \("alpha"\)\.ip: is required because ssh target "alpha" is not an IPv4 address/},
	{name: 'duplicate hosts', argv: ['--hosts', '192.168.1.71,192.168.1.76,192.168.1.71', '--json'], message: /--hosts entry 3 \("192\.168\.1\.71"\)\.name: duplicates hosts\[0\]/},
	{name: 'two hosts for three replicas', argv: ['--hosts', '192.168.1.71,192.168.1.76', '--json'], message: /3 replicas per group need 3 distinct hosts, but only 2 are listed\n {2}fix: add 1 more host/},
	{name: 'an empty entry in the list', argv: ['--hosts', '192.168.1.71,,192.168.1.77', '--json'], message: /--hosts entry 2 \(""\)/},
	{name: 'a non-numeric group count', argv: ['--hosts', SEED_HOSTS, '--groups', 'two', '--json'], message: /--groups: must be a whole number from 1 to 100, got "two"/},
	{name: 'a port out of range', argv: ['--hosts', SEED_HOSTS, '--listen-port', '70000', '--json'], message: /--listen-port: must be a whole number from 3 to 65535, got 70000/},
	{name: 'a bad heap size', argv: ['--hosts', SEED_HOSTS, '--broker-heap', '1x', '--json'], message: /--broker-heap: "1x" is not valid\n {2}fix: a size such as 1g or 768m/},
	{name: 'a broker property without =', argv: ['--hosts', SEED_HOSTS, '--broker-property', 'maxMessageSize', '--json'], message: /--broker-property "maxMessageSize" is not KEY=VALUE/},
	{name: 'a managed broker property', argv: ['--hosts', SEED_HOSTS, '--broker-property', 'dLegerSelfId=n7', '--json'], message: /--broker-property dLegerSelfId: dLegerSelfId is computed per broker by rmq-tui/},
	{name: 'an unknown console host', argv: ['--hosts', SEED_HOSTS, '--console-host', '192.168.1.99', '--json'], message: /--console-host: "192\.168\.1\.99" is not a host name in hosts/},
	{name: 'a missing inventory', argv: ['--inventory', '/nonexistent/cluster.yaml', '--json'], message: /cannot read --inventory \/nonexistent\/cluster\.yaml: no such file/},
	{name: 'option flags with an inventory', argv: ['--inventory', 'cluster.yaml', '--groups', '3', '--json'], message: /--groups cannot be combined with --inventory/},
	{name: 'force without export', argv: ['--hosts', SEED_HOSTS, '--json', '--force'], message: /--force only applies to --export/},
	{name: 'an export flag on lint', argv: ['lint', 'x', '--force'], message: /--force does not apply to rmq-tui lint/},
	{name: 'status without a cluster', argv: ['status'], message: /status needs a cluster\n {2}fix: add --namesrv/},
	{name: 'status with both sources', argv: ['status', '--namesrv', '10.0.0.1', '--inventory', 'c.yaml'], message: /--namesrv and --inventory both given/},
	{name: 'status with a bad timeout', argv: ['status', '--namesrv', '10.0.0.1', '--timeout', 'soon'], message: /--timeout "soon" is not a number of milliseconds/},
	{name: 'status with an empty name server list', argv: ['status', '--namesrv', ';'], message: /--namesrv ";" lists no name server/},
	{name: 'status with an export flag', argv: ['status', '--namesrv', '10.0.0.1', '--force'], message: /--force does not apply to rmq-tui status/},
	{name: 'a cluster flag with --demo', argv: ['--demo', '--hosts', SEED_HOSTS], message: /--hosts does not apply to rmq-tui --demo/},
	{name: 'a bad --time-scale with --demo', argv: ['--demo', '--time-scale', '0'], message: /--time-scale "0" is not a positive number up to 100\n {2}fix: write --time-scale 5/},
	{name: '--demo without a terminal', argv: ['--demo'], message: /--demo needs a terminal \(stdin and stdout\)\n {2}fix: run rmq-tui --demo in a terminal/},
	{name: 'a missing --ssh-config', argv: ['--hosts', SEED_HOSTS, '--ssh-config', '/nonexistent/config', '--json'], message: /--ssh-config \/nonexistent\/config: no such file/},
];

for (const c of usageCases) {
	test(`usage error: ${c.name}`, async () => {
		const {code, out, err} = await run(c.argv);
		assert.equal(code, 2, err);
		assert.equal(out, '');
		assert.match(err, c.message);
	});
}

test('a corrupted inventory names the line and what to fix', async () => {
	const dir = await scratch();
	await writeFile(join(dir, 'cluster.yaml'), 'version: 1\nhosts:\n  - 192.168.1.71\n  - [oops\n');
	const {code, err} = await run(['--inventory', 'cluster.yaml', '--json'], dir);
	assert.equal(code, 2);
	assert.match(err, /cluster\.yaml is not a valid cluster file:\n✗ line \d+, column \d+: /);
});

test('an inventory with wrong values lists every problem with its path', async () => {
	const dir = await scratch();
	await writeFile(join(dir, 'cluster.yaml'), 'version: 1\nreplica: 3\ngroups: 0\nhosts: [192.168.1.71, 192.168.1.76, 10.0.0.300]\n');
	const {code, err} = await run(['--inventory', 'cluster.yaml', '--json'], dir);
	assert.equal(code, 2);
	assert.match(err, /✗ replica: unknown key\n {2}fix: did you mean "replicas"\?/);
	assert.match(err, /✗ groups: must be a whole number from 1 to 100, got 0/);
	assert.match(err, /✗ hosts\[2\]\.ssh: "10\.0\.0\.300" is not a valid IPv4 address/);
});

test('an export into a non-empty directory is refused and the directory kept', async () => {
	const dir = await scratch();
	await mkdir(join(dir, 'out'));
	await writeFile(join(dir, 'out', 'notes.txt'), 'mine');
	const {code, err} = await run(['--export', 'out', '--hosts', SEED_HOSTS], dir);
	assert.equal(code, 2);
	assert.match(err, /out is not empty\n {2}fix: choose an empty or new directory, or pass --force/);
	assert.deepEqual(await readdir(join(dir, 'out')), ['notes.txt']);
});

test('an export under a regular file is refused with the reason', async () => {
	const dir = await scratch();
	await writeFile(join(dir, 'file'), '');
	const {code, err} = await run(['--export', 'file/out', '--hosts', SEED_HOSTS], dir);
	assert.equal(code, 2);
	assert.match(err, /a file \(not a directory\) is in the way/);
});

test('status against nothing listening: unreachable, exit 3, the reason per name server', async () => {
	const {code, out} = await run(['status', '--namesrv', '127.0.0.1:9;127.0.0.1:7', '--timeout', '500']);
	assert.equal(code, 3);
	assert.match(out, /^cluster: UNREACHABLE \(0 group\(s\), 0\/2 name servers answering\)\n {2}! name server 127\.0\.0\.1:9: 127\.0\.0\.1:9 refused the connection/);
});
