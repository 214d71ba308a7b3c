/** rmq-tui's own output must lint clean, and the linter must see what goes wrong in it. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {lintRendered} from '../../source/lint/index.ts';
import {buildPlan} from '../../source/plan/plan.ts';
import {renderCluster, type RenderedFile} from '../../source/render/render.ts';
import {brief} from './support.ts';

const SEED_HOSTS = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
const FIVE_HOSTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];

function rendered(hosts: string[], options: Parameters<typeof clusterFromHosts>[1] = {}): RenderedFile[] {
	const plan = buildPlan(clusterFromHosts(hosts, options));
	if (!plan.ok) throw new Error(plan.errors.map(e => e.message).join('; '));
	return renderCluster(plan.plan);
}

for (const [name, hosts, options] of [
	['the seed: 3 hosts × 2 groups', SEED_HOSTS, {}],
	['5 hosts × 3 groups', FIVE_HOSTS, {groups: 3}],
	['5 hosts, R = 5', FIVE_HOSTS, {replicas: 5}],
] as const) {
	test(`rendered output has no errors or warnings: ${name}`, () => {
		const files = rendered([...hosts], options);
		assert.ok(files.some(f => f.kind === 'broker-conf') && files.some(f => f.kind === 'broker-compose'));
		assert.deepEqual(lintRendered(files).filter(f => f.severity !== 'info').map(brief), []);
	});
}

test('lintRendered follows each broker service to its conf on the same host (a dropped DLedger port is found)', () => {
	const files = rendered(SEED_HOSTS);
	const broken = files.map(f => (f.host === '192.168.1.76' && f.kind === 'broker-compose' ? {...f, content: f.content.replace('      - "20911:20911"\n', '')} : f));
	const errors = lintRendered(broken).filter(f => f.severity === 'error');
	assert.deepEqual(errors.map(f => [f.file, f.rule, f.message]), [[
		'192.168.1.76:/data/docker-services/rocketmq/broker/docker-compose.yml',
		'compose-port-missing',
		'service rocketmq-raftnode00-n1 does not publish 20911 (the DLedger port the other replicas dial, from 192.168.1.76:/data/docker-services/rocketmq/broker/conf/RaftNode00-n1.conf)',
	]]);
});

test('a misspelled brokerProperties key reaches every rendered conf, and lint names it', () => {
	const files = rendered(SEED_HOSTS, {brokerProperties: {dLedgerSelfId: 'n0'}});
	const findings = lintRendered(files).filter(f => f.rule === 'dledger-key-misspelled');
	assert.equal(findings.length, 6);
	assert.match(findings[0]!.message, /^dLedgerSelfId is misspelled: 4\.7\.1 reads dLegerSelfId/);
});
