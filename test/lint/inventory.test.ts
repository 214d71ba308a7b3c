/** Cluster files: the parser's and planner's errors as findings with lines, plus replica-count and address rules. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {lintClusterText} from '../../source/lint/inventory-rules.ts';
import {brief} from './support.ts';

const H3 = 'hosts:\n  - 192.168.1.71\n  - 192.168.1.76\n  - 192.168.1.77\n';
const H5 = 'hosts: [10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5]\n';

const CASES: Array<[name: string, text: string, expected: string[]]> = [
	['the default cluster is clean', `version: 1\n${H3}`, []],
	['R = 2', `version: 1\n${H3}replicas: 2\n`, [
		'cluster.yaml:6 error [replica-count] replicas: 2 cannot fail over: a majority of 2 is 2, so losing either replica stops writes',
	]],
	['R = 4', `version: 1\n${H5}replicas: 4\n`, [
		'cluster.yaml:3 warning [replica-count] replicas: 4 survives 1 failure(s), like 3 does, while every write waits for 3 replicas',
	]],
	['R = 3 on two hosts', 'version: 1\nhosts:\n  - 192.168.1.71\n  - 192.168.1.76\nreplicas: 3\n', [
		'cluster.yaml:5 error [plan-invalid] replicas: 3 replicas per group need 3 distinct hosts, but only 2 are listed',
	]],
	['an invalid IPv4', 'version: 1\nhosts:\n  - 192.168.1.71\n  - 192.168.1.76\n  - 192.168.1.300\n', [
		'cluster.yaml:5 error [inventory-invalid] hosts[2].ssh: "192.168.1.300" is not a valid IPv4 address (four numbers 0–255 separated by dots)',
	]],
	['a host listed twice', 'version: 1\nhosts:\n  - 192.168.1.71\n  - 192.168.1.76\n  - 192.168.1.71\n', [
		'cluster.yaml:5 error [inventory-invalid] hosts[2].name: duplicates hosts[0] (name 192.168.1.71)',
		'cluster.yaml:5 error [inventory-invalid] hosts[2].ip: duplicates hosts[0] (ip 192.168.1.71)',
	]],
	['a container IP as host ip', 'version: 1\nhosts:\n  - 192.168.1.71\n  - 192.168.1.76\n  - {ssh: node3, ip: 172.17.0.5}\n', [
		'cluster.yaml:5 error [host-ip-container] host node3 has ip 172.17.0.5, a container IP on Docker\'s default bridge: brokers would advertise an address other hosts cannot reach',
	]],
	['a public console', `version: 1\n${H3}console:\n  public: true\n`, [
		'cluster.yaml:7 info [console-public] console.public: true publishes the console (an admin UI without authentication) on all interfaces',
	]],
	['a misspelled option', `version: 1\n${H3}heap: {brokr: 1g}\n`, ['cluster.yaml:6 error [inventory-invalid] heap.brokr: unknown key']],
	['broken YAML', `version: 1\n${H3}  bad: [\n`, [
		'cluster.yaml:6 error [inventory-invalid] not valid YAML: All mapping items must start at the same column',
		'cluster.yaml:7 error [inventory-invalid] not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
	]],
];

for (const [name, text, expected] of CASES) {
	test(`cluster file: ${name}`, () => {
		const {findings} = lintClusterText('cluster.yaml', text);
		assert.deepEqual(findings.map(brief), expected);
		for (const f of findings) assert.ok(f.fix.length > 0 && !f.fix.includes('\n'));
	});
}
