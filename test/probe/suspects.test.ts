/**
 * A node that did not answer the previous round (a paused JVM) is waited for only briefly: a frozen leader does not
 * stretch every round to the client's full timeout, so drill times keep the poll interval's precision. A node that
 * answers again gets full patience back.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {observer, silentNodes} from '../../source/probe/observer.ts';
import type {ProbeClient} from '../../source/probe/probe.ts';
import type {GroupTarget} from '../../source/probe/types.ts';

const GROUPS: GroupTarget[] = [{name: 'RaftNode00', replicas: ['n0', 'n1', 'n2'].map((selfId, i) => ({selfId, ip: '127.0.0.1', listenPort: 10911 + i * 10, dledgerPort: 20911 + i * 10}))}];
const FULL_TIMEOUT_MS = 400;

/** n0 (10911 / 20911) freezes while `frozen`: its requests answer nothing until the client's timeout. */
function client(state: {frozen: boolean}): ProbeClient {
	const frozen = (addr: string) => state.frozen && (addr.endsWith(':10911') || addr.endsWith(':20911'));
	const answer = <T>(addr: string, value: T) =>
		frozen(addr) ? new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer from ${addr} within ${FULL_TIMEOUT_MS} ms`)), FULL_TIMEOUT_MS)) : Promise.resolve(value);
	return {
		clusterInfo: async () => ({brokers: {RaftNode00: {cluster: 'RaftCluster', brokerName: 'RaftNode00', brokerAddrs: {0: '127.0.0.1:10911', 2: '127.0.0.1:10921', 3: '127.0.0.1:10931'}}}, clusters: {}}),
		brokerConfig: async (addr: string) => answer(addr, {}),
		brokerRuntimeInfo: async (addr: string) => answer(addr, {}),
		dledgerMetadata: async (addr: string, group: string) => answer(addr, {code: 200, group, leaderId: 'n0', term: -1}),
	} as unknown as ProbeClient;
}

async function timed<T>(run: () => Promise<T>): Promise<{value: T; ms: number}> {
	const started = performance.now();
	const value = await run();
	return {value, ms: performance.now() - started};
}

test('rounds: full patience the first time a node is silent, then only quickMs while it stays silent; back to full once it answers', async () => {
	const state = {frozen: false};
	const observe = observer(client(state), {namesrvs: ['127.0.0.1:9876'], groups: GROUPS}, Date.now, {quickMs: 50});
	assert.ok((await timed(observe)).ms < 40, 'everyone answers at once');
	state.frozen = true;
	const first = await timed(observe);
	assert.ok(first.ms >= FULL_TIMEOUT_MS - 5, `the first silent round waits the client's timeout (${first.ms} ms)`);
	const n0 = first.value.groups[0]!.replicas.find(r => r.selfId === 'n0')!;
	assert.equal(n0.reachable, false);
	for (let i = 0; i < 3; i++) {
		const next = await timed(observe);
		assert.ok(next.ms >= 45 && next.ms < 200, `then only quickMs (${next.ms} ms)`);
		assert.equal(next.value.groups[0]!.replicas.find(r => r.selfId === 'n0')!.reachable, false);
	}
	state.frozen = false;
	const back = await timed(observe);
	assert.ok(back.ms < 40, 'answers again at once');
	assert.equal(back.value.groups[0]!.replicas.find(r => r.selfId === 'n0')!.reachable, true);
	state.frozen = true;
	assert.ok((await timed(observe)).ms >= FULL_TIMEOUT_MS - 5, 'full patience again after it had answered');
});

test('silentNodes: the DLedger and listen addresses of the nodes that did not answer', () => {
	const round = {
		at: 0,
		groups: GROUPS,
		namesrvs: [],
		dledger: [{group: 'RaftNode00', selfId: 'n0', at: 0, ok: false as const, error: 'x'}, {group: 'RaftNode00', selfId: 'n1', at: 0, ok: true as const}],
		brokers: [{group: 'RaftNode00', selfId: 'n2', at: 0, ok: false as const, error: 'x'}],
	};
	assert.deepEqual([...silentNodes(round)].sort(), ['127.0.0.1:10931', '127.0.0.1:20911']);
});
