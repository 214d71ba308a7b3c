import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {ClusterFile, HostSpec} from '../../source/inventory/schema.ts';
import {assertSpreadAndBalanced, clusterOn, loads, namedHosts, pinned, planErrorsOf, planOf, replicaSites} from './fixtures.ts';

/** A deterministic shuffle (mulberry32), so a failing combination can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
	let state = seed >>> 0;
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

/** Every replica of `before` is where it was (host and store dir), and the plan realises the pins unchanged. */
function assertUnmoved(before: ClusterFile, after: ClusterFile, label: string): void {
	const sitesBefore = replicaSites(planOf(before));
	const plan = planOf(after);
	const sitesAfter = replicaSites(plan);
	for (const [replica, site] of sitesBefore) assert.deepEqual(sitesAfter.get(replica), site, `${label}: ${replica} moved`);
	for (const [group, pins] of Object.entries(before.placement)) assert.deepEqual(plan.placement[group], pins, `${label}: pins of ${group}`);
}

const seedLike = () => pinned(clusterOn(3, 2, 3));

test('(a) reordering hosts keeps every replica\'s selfId, host and store dir', () => {
	const cluster = pinned(clusterOn(5, 3, 3));
	for (const [label, hosts] of [
		['reversed', [...cluster.hosts].reverse()],
		['rotated', [...cluster.hosts.slice(2), ...cluster.hosts.slice(0, 2)]],
		['shuffled', shuffled(cluster.hosts, 7)],
	] as const) {
		assertUnmoved(cluster, {...cluster, hosts: [...hosts]}, label);
	}
});

test('without pins, reordering hosts may move replicas (which is why placement is pinned)', () => {
	const cluster = clusterOn(3, 2, 3);
	const moved = {...cluster, hosts: [...cluster.hosts].reverse()};
	assert.notDeepEqual(replicaSites(planOf(moved)), replicaSites(planOf(cluster)));
});

for (const extra of [1, 3]) {
	test(`(b) adding ${extra} host(s) moves nothing and puts no existing replica on the new ones`, () => {
		const cluster = seedLike();
		const grown = {...cluster, hosts: [...cluster.hosts, ...namedHosts(extra, cluster.hosts.length)]};
		assertUnmoved(cluster, grown, `+${extra}`);
		const plan = planOf(grown);
		for (const host of grown.hosts.slice(cluster.hosts.length)) assert.equal(loads(plan).get(host.name), 0, `${host.name} got a replica`);
	});
}

test('(c) a group added to a pinned cluster leaves the old ones and takes the least-loaded hosts', () => {
	const cluster = pinned(clusterOn(5, 3, 3));
	const before = loads(planOf(cluster));
	const plan = planOf({...cluster, groups: 4});
	assertUnmoved(cluster, {...cluster, groups: 4}, 'groups 3→4');
	const added = plan.groups[3]!;
	assert.equal(added.name, 'RaftNode03');
	const chosen = new Set(added.replicas.map(r => r.host));
	assert.equal(chosen.size, 3);
	for (const inside of chosen) {
		for (const [outside, load] of before) {
			if (!chosen.has(outside)) assert.ok(before.get(inside)! <= load, `${inside} (load ${before.get(inside)}) chosen over ${outside} (load ${load})`);
		}
	}
	assert.deepEqual(added.replicas.map(r => r.storeDir), ['n0', 'n1', 'n2'].map(id => `/data/docker-services/rocketmq/broker/store/RaftNode03-${id}`));
});

test('(c) a group added together with new hosts goes to the new, empty hosts', () => {
	const cluster = seedLike();
	const grown = {...cluster, groups: 3, hosts: [...cluster.hosts, ...namedHosts(3, 3)]};
	assertUnmoved(cluster, grown, 'grown');
	assert.deepEqual(planOf(grown).groups[2]!.replicas.map(r => r.host).sort(), ['h3', 'h4', 'h5']);
});

test('(d) removing a host that holds a replica is refused, naming the replica and its store', () => {
	const cluster = pinned(clusterOn(4, 2, 3));
	const plan = planOf(cluster);
	const victim = plan.hosts.find(h => h.brokers.length > 0)!;
	const errors = planErrorsOf({...cluster, hosts: cluster.hosts.filter(h => h.name !== victim.spec.name)});
	for (const broker of victim.brokers) {
		const error = errors.find(e => e.path === `placement.${broker.group}.${broker.selfId}`);
		assert.ok(error, `no error for ${broker.group}/${broker.selfId}: ${JSON.stringify(errors)}`);
		assert.match(error.message, new RegExp(`replica ${broker.group}/${broker.selfId} lives on host "${victim.spec.name}"`));
		assert.ok(error.message.includes(broker.storeDir), error.message);
	}
});

test('(d) removing a host below the replica count still names the replicas it holds', () => {
	const cluster = seedLike();
	const errors = planErrorsOf({...cluster, hosts: cluster.hosts.slice(1)});
	assert.ok(errors.some(e => e.path === 'replicas'), JSON.stringify(errors));
	assert.ok(errors.some(e => e.path === 'placement.RaftNode00.n0' && e.message.includes('/broker/store/RaftNode00-n0')), JSON.stringify(errors));
});

test('(d) removing a host that holds nothing is fine', () => {
	const cluster = seedLike();
	const grown = pinned({...cluster, hosts: [...cluster.hosts, ...namedHosts(1, 3)]});
	assertUnmoved(grown, {...grown, hosts: grown.hosts.slice(0, 3)}, 'shrunk back');
});

test('(e) lowering groups or changing replicas on a pinned cluster is refused', () => {
	const cluster = pinned(clusterOn(5, 3, 5));
	const cases: Array<[label: string, changed: ClusterFile, path: string, pattern: RegExp]> = [
		['groups 3→1', {...cluster, groups: 1}, 'placement.RaftNode02', /group RaftNode02 is placed .* not one of the 1 group\(s\) now configured \(RaftNode00…RaftNode00\): this would drop it/],
		['groupPrefix renamed', {...cluster, groupPrefix: 'Other'}, 'placement.RaftNode00', /not one of the 3 group\(s\) now configured \(Other00…Other02\)/],
		['replicas 5→3', {...cluster, replicas: 3}, 'placement.RaftNode00', /replicas n3, n4 of RaftNode00 are placed but replicas is 3: this would drop them/],
		['replicas 5→7', {...cluster, replicas: 7, hosts: namedHosts(7)}, 'placement.RaftNode00', /placed but not n5, n6: DLedger 4\.7\.1 cannot add members/],
	];
	for (const [label, changed, path, pattern] of cases) {
		const errors = planErrorsOf(changed);
		assert.ok(errors.some(e => e.path === path && pattern.test(e.message)), `${label}: ${JSON.stringify(errors, null, 1)}`);
	}
});

test('(f) hand-edited placements that break the rules are refused', () => {
	const cluster = seedLike();
	const sameHost = structuredClone(cluster);
	sameHost.placement.RaftNode00!.n1!.host = sameHost.placement.RaftNode00!.n0!.host;
	const sharedStore = structuredClone(cluster);
	sharedStore.placement.RaftNode01!.n0!.storeDir = sharedStore.placement.RaftNode00!.n0!.storeDir;
	const emptyGroup = {...structuredClone(cluster), placement: {...cluster.placement, RaftNode01: {}}};
	const oddId = structuredClone(cluster);
	oddId.placement.RaftNode00!.node1 = oddId.placement.RaftNode00!.n1!;
	delete oddId.placement.RaftNode00!.n1;
	const cases: Array<[label: string, changed: ClusterFile, path: string, pattern: RegExp]> = [
		['two replicas on one host', sameHost, 'placement.RaftNode00.n1', /replicas n0 and n1 of RaftNode00 are both on host "h0": one host failure would take two votes/],
		['two replicas share a store', sharedStore, 'placement.RaftNode01.n0', /replicas RaftNode00\/n0 and RaftNode01\/n0 share the store .*RaftNode00-n0 on host "h0"/],
		['an empty group', emptyGroup, 'placement.RaftNode01', /group RaftNode01 has an empty placement/],
		['a selfId not n<k>', oddId, 'placement.RaftNode00', /replicas node1 of RaftNode00 are placed but replicas is 3/],
	];
	for (const [label, changed, path, pattern] of cases) {
		const errors = planErrorsOf(changed);
		assert.ok(errors.some(e => e.path === path && pattern.test(e.message)), `${label}: ${JSON.stringify(errors, null, 1)}`);
	}
});

test('(g) changing baseDir after pinning keeps the pinned store dirs; new groups use the new baseDir', () => {
	const cluster = seedLike();
	const moved = {...cluster, baseDir: '/srv/elsewhere', groups: 3};
	assertUnmoved(cluster, moved, 'baseDir');
	const plan = planOf(moved);
	for (const r of plan.groups[0]!.replicas) assert.ok(r.storeDir.startsWith('/data/docker-services/rocketmq/broker/store/'), r.storeDir);
	for (const r of plan.groups[2]!.replicas) assert.ok(r.storeDir.startsWith('/srv/elsewhere/broker/store/'), r.storeDir);
});

test('pinning is a fixed point: the plan of a pinned cluster realises exactly its pins', () => {
	const cluster = pinned(clusterOn(6, 4, 3));
	assert.deepEqual(planOf(cluster).placement, cluster.placement);
	assert.deepEqual(planOf(cluster), planOf(clusterOn(6, 4, 3)));
});

// Property-style: many shapes, each checked the same way.
const combos: Array<{hosts: number; groups: number; replicas: number}> = [];
for (let hosts = 3; hosts <= 9; hosts++) {
	for (let groups = 1; groups <= 6; groups++) {
		for (const replicas of [1, 3, 5]) if (replicas <= hosts) combos.push({hosts, groups, replicas});
	}
}

test(`properties over ${combos.length} shapes: distinct hosts per group, balanced, deterministic`, () => {
	for (const {hosts, groups, replicas} of combos) {
		const label = `H=${hosts} G=${groups} R=${replicas}`;
		const cluster = clusterOn(hosts, groups, replicas);
		const plan = planOf(cluster);
		assertSpreadAndBalanced(plan, replicas, label);
		const total = [...loads(plan).values()].reduce((a, b) => a + b, 0);
		assert.equal(total, groups * replicas, `${label}: replica count`);
		assert.deepEqual(planOf(structuredClone(cluster)), plan, `${label}: not deterministic`);
	}
});

test(`properties over ${combos.length} shapes: pinned placements survive reordering and added hosts`, () => {
	for (const [index, {hosts, groups, replicas}] of combos.entries()) {
		const label = `H=${hosts} G=${groups} R=${replicas}`;
		const cluster = pinned(clusterOn(hosts, groups, replicas));
		const reorders: Array<[string, HostSpec[]]> = [
			['reversed', [...cluster.hosts].reverse()],
			['shuffled', shuffled(cluster.hosts, index + 1)],
			['grown and shuffled', shuffled([...cluster.hosts, ...namedHosts(2, hosts)], index + 101)],
		];
		for (const [how, order] of reorders) assertUnmoved(cluster, {...cluster, hosts: order}, `${label} ${how}`);
		const withGroup = {...cluster, groups: groups + 1, hosts: shuffled(cluster.hosts, index + 201)};
		assertUnmoved(cluster, withGroup, `${label} +1 group`);
		const added = planOf(withGroup).groups[groups]!;
		assert.equal(new Set(added.replicas.map(r => r.host)).size, replicas, `${label}: the added group is not spread`);
	}
});
