import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clusterFromHosts, clusterFromHostsChecked, splitHostList} from '../../source/inventory/from-flags.ts';

test('splitHostList: `,`, `;` and white space separate hosts', () => {
	const cases: Array<[input: string, expected: string[]]> = [
		['192.168.1.71,192.168.1.76,192.168.1.77', ['192.168.1.71', '192.168.1.76', '192.168.1.77']],
		['192.168.1.71;192.168.1.76;192.168.1.77', ['192.168.1.71', '192.168.1.76', '192.168.1.77']],
		['192.168.1.71 192.168.1.76\t192.168.1.77', ['192.168.1.71', '192.168.1.76', '192.168.1.77']],
		['a, b ; c', ['a', 'b', 'c']],
		['a,b;c d', ['a', 'b', 'c', 'd']],
		['  a  b\n c  ', ['a', 'b', 'c']],
		['root@[fe80::1]:2222,root@a:22', ['root@[fe80::1]:2222', 'root@a:22']],
		['', []],
		['   ', []],
	];
	for (const [input, expected] of cases) assert.deepEqual(splitHostList(input), expected, JSON.stringify(input));
});

test('splitHostList: an empty entry between separators is kept, and then reported', () => {
	const hosts = splitHostList('192.168.1.71,,192.168.1.77');
	assert.deepEqual(hosts, ['192.168.1.71', '', '192.168.1.77']);
	const result = clusterFromHostsChecked(hosts);
	assert.equal(result.ok, false);
	if (result.ok) return;
	assert.ok(result.errors.some(e => e.path.startsWith('--hosts entry 2') && /empty/.test(e.message)), JSON.stringify(result.errors));
});

test('clusterFromHosts: flags become a cluster file with an empty placement', () => {
	const cluster = clusterFromHosts(['192.168.1.71', 'root@192.168.1.76:2222', '192.168.1.77'], {groups: 3, ports: {listen: 30911}});
	assert.equal(cluster.version, 1);
	assert.equal(cluster.groups, 3);
	assert.equal(cluster.ports.listen, 30911);
	assert.equal(cluster.ports.dledger, 20911, 'other ports keep their defaults');
	assert.deepEqual(cluster.hosts[1], {name: '192.168.1.76', ssh: {host: '192.168.1.76', user: 'root', port: 2222}, ip: '192.168.1.76'});
	assert.deepEqual(cluster.placement, {});
});

test('clusterFromHostsChecked: errors name the --hosts entry as typed', () => {
	const result = clusterFromHostsChecked(['192.168.1.71', '192.168.1.300'], {replicas: 0});
	assert.equal(result.ok, false);
	if (result.ok) return;
	const paths = result.errors.map(e => e.path);
	assert.ok(paths.includes('replicas'), paths.join());
	assert.ok(paths.some(p => p.startsWith('--hosts entry 2') && p.includes('192.168.1.300')), paths.join());
	assert.throws(() => clusterFromHosts(['192.168.1.300']), /--hosts entry 1.*not a valid IPv4/);
});
