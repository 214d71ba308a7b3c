import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildPlan} from '../../source/plan/plan.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {DEFAULT_OPTIONS} from '../../source/inventory/schema.ts';
import {
	addressProblem, canLeave, DEFAULT_FIELDS, formProblems, hostCountProblem, hostProblems, initialState, optionInput, optionProblems,
	review, splitPaste, stateFromCluster, toClusterFile, wizardReducer, type WizardAction, type WizardState,
} from '../../source/wizard/model.ts';
import {emptyHost, HOST_FIELDS} from '../../source/wizard/host-fields.ts';

const SEED = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
const run = (state: WizardState, ...actions: WizardAction[]): WizardState => actions.reduce((s, a) => wizardReducer(s, a), state);
const addresses = (s: WizardState): string[] => s.hosts.map(h => h.address);

test('initial state: hosts step, no hosts, defaults from DEFAULT_OPTIONS, clean', () => {
	const s = initialState();
	assert.equal(s.step, 'hosts');
	assert.deepEqual(s.hosts, []);
	assert.equal(s.selected, -1);
	assert.equal(s.dirty, false);
	assert.equal(s.options.name, DEFAULT_OPTIONS.name);
	assert.equal(s.options.groups, String(DEFAULT_OPTIONS.groups));
	assert.equal(s.options.replicas, String(DEFAULT_OPTIONS.replicas));
	assert.equal(s.options.image, DEFAULT_OPTIONS.image);
	assert.equal(s.options.baseDir, DEFAULT_OPTIONS.baseDir);
	assert.equal(s.options.brokerHeap, DEFAULT_OPTIONS.heap.broker);
	assert.equal(s.options.namesrvHeap, DEFAULT_OPTIONS.heap.namesrv);
	assert.equal(s.options.timezone, DEFAULT_OPTIONS.timezone);
	assert.equal(s.options.consoleHost, '');
});

test('typing then submit adds one host, selects it, marks dirty', () => {
	const s = run(initialState(), {type: 'input', text: '192.168.1.71'}, {type: 'submit'});
	assert.deepEqual(addresses(s), ['192.168.1.71']);
	assert.equal(s.input, '');
	assert.equal(s.selected, 0);
	assert.equal(s.dirty, true);
});

test('submit of an empty line does nothing', () => {
	const s = initialState();
	assert.equal(wizardReducer(s, {type: 'submit'}), s);
});

for (const [name, text] of [
	['commas', '192.168.1.71,192.168.1.76,192.168.1.77'],
	['spaces', '192.168.1.71 192.168.1.76  192.168.1.77'],
	['newlines', '192.168.1.71\n192.168.1.76\r\n192.168.1.77\n'],
	['mixed with semicolons', '192.168.1.71, 192.168.1.76;\n192.168.1.77'],
] as const) {
	test(`paste of a list separated by ${name} adds them all`, () => {
		const s = run(initialState(), {type: 'paste', text});
		assert.deepEqual(addresses(s), SEED);
		assert.equal(s.selected, 2);
		assert.equal(s.dirty, true);
	});
	test(`a typed list separated by ${name} is split on submit`, () => {
		assert.deepEqual(addresses(run(initialState(), {type: 'input', text}, {type: 'submit'})), SEED);
	});
}

test('paste of a single address without separators goes to the input line', () => {
	const s = run(initialState(), {type: 'input', text: '192.'}, {type: 'paste', text: '168.1.71'});
	assert.equal(s.input, '192.168.1.71');
	assert.deepEqual(s.hosts, []);
});

test('splitPaste drops empty entries', () => {
	assert.deepEqual(splitPaste(',a,,b\n\nc, '), ['a', 'b', 'c']);
	assert.deepEqual(splitPaste('   '), []);
});

test('select / selectBy clamp to the list', () => {
	const s = initialState(SEED);
	assert.equal(run(s, {type: 'select', index: 9}).selected, 2);
	assert.equal(run(s, {type: 'selectBy', delta: -1}).selected, 0);
	assert.equal(run(s, {type: 'selectBy', delta: 1}, {type: 'selectBy', delta: 1}, {type: 'selectBy', delta: 1}).selected, 2);
	assert.equal(run(initialState(), {type: 'selectBy', delta: 1}).selected, -1);
});

test('edit opens the form on the selected host; formSet edits the focused field; formSave replaces the host in place', () => {
	const s = run(initialState(SEED), {type: 'select', index: 1}, {type: 'edit'});
	assert.equal(s.form?.index, 1);
	assert.equal(s.form?.fields.address, '192.168.1.76');
	assert.equal(s.form?.focus, 0);
	const t = run(s,
		{type: 'formSet', value: '10.0.0.9'},
		{type: 'formFocus', delta: 3}, {type: 'formSet', value: 'admin'},
		{type: 'formFocus', delta: 1}, {type: 'formSet', value: '2222'},
		{type: 'formFocus', delta: 1}, {type: 'formAuth', delta: 2},
		{type: 'formSave'});
	assert.deepEqual(addresses(t), ['192.168.1.71', '10.0.0.9', '192.168.1.77']);
	assert.deepEqual(t.hosts[1], {...emptyHost('10.0.0.9'), user: 'admin', port: '2222', auth: 'ask'});
	assert.equal(t.form, undefined);
	assert.equal(t.selected, 1);
	assert.equal(t.dirty, true);
});

test('form focus wraps both ways; formAuth only acts on the identity field and cycles key → agent → ask', () => {
	const s = run(initialState(SEED), {type: 'edit'});
	assert.equal(run(s, {type: 'formFocus', delta: -1}).form?.focus, HOST_FIELDS.length - 1);
	assert.equal(run(s, {type: 'formFocus', delta: HOST_FIELDS.length}).form?.focus, 0);
	assert.equal(run(s, {type: 'formAuth', delta: 1}).form?.fields.auth, 'key');
	const auth = run(s, {type: 'formFocus', delta: HOST_FIELDS.findIndex(f => f.key === 'auth')});
	assert.deepEqual([1, 2, 3, -1].map(delta => run(auth, {type: 'formAuth', delta}).form?.fields.auth), ['agent', 'ask', 'key', 'ask']);
	assert.equal(run(auth, {type: 'formSet', value: 'x'}), auth, 'the identity choice takes no text');
});

test('saving the form with ssh-agent drops a typed key path; an unchanged form leaves the wizard clean', () => {
	const key = HOST_FIELDS.findIndex(f => f.key === 'identity');
	const auth = HOST_FIELDS.findIndex(f => f.key === 'auth');
	const s = run(initialState(SEED), {type: 'edit'}, {type: 'formFocus', delta: key}, {type: 'formSet', value: '/k'},
		{type: 'formFocus', delta: auth - key}, {type: 'formAuth', delta: 1}, {type: 'formSave'});
	assert.deepEqual(s.hosts[0], {...emptyHost('192.168.1.71'), auth: 'agent'});
	const clean = run(initialState(SEED), {type: 'edit'}, {type: 'formSave'});
	assert.equal(clean.dirty, false);
});

test('formCancel leaves the list alone', () => {
	const s = run(initialState(SEED), {type: 'edit'}, {type: 'formSet', value: 'x'}, {type: 'formCancel'});
	assert.deepEqual(addresses(s), SEED);
	assert.equal(s.form, undefined);
	assert.equal(s.dirty, false);
});

test('canLeave is false while the form is open', () => {
	assert.equal(canLeave(run(initialState(SEED), {type: 'edit'})), false);
	assert.equal(canLeave(initialState(SEED)), true);
});

test('edit with nothing selected does nothing', () => {
	const s = initialState();
	assert.equal(wizardReducer(s, {type: 'edit'}), s);
});

test('remove deletes the selected host and keeps a valid selection', () => {
	let s = run(initialState(SEED), {type: 'select', index: 2}, {type: 'remove'});
	assert.deepEqual(addresses(s), SEED.slice(0, 2));
	assert.equal(s.selected, 1);
	s = run(s, {type: 'remove'}, {type: 'remove'});
	assert.deepEqual(s.hosts, []);
	assert.equal(s.selected, -1);
	assert.equal(wizardReducer(s, {type: 'remove'}), s);
});

test('move up/down swaps with the neighbour and follows the row; ends are no-ops', () => {
	const s = run(initialState(SEED), {type: 'select', index: 0}, {type: 'move', delta: 1});
	assert.deepEqual(addresses(s), ['192.168.1.76', '192.168.1.71', '192.168.1.77']);
	assert.equal(s.selected, 1);
	const t = run(s, {type: 'move', delta: -1});
	assert.deepEqual(addresses(t), SEED);
	assert.equal(t.selected, 0);
	assert.equal(wizardReducer(t, {type: 'move', delta: -1}), t);
	const end = run(t, {type: 'select', index: 2});
	assert.equal(wizardReducer(end, {type: 'move', delta: 1}), end);
});

test('addressProblem uses the inventory parser messages', () => {
	assert.equal(addressProblem('192.168.1.71'), undefined);
	assert.equal(addressProblem('192.168.1.276'), '"192.168.1.276" is not a valid IPv4 address (four numbers 0–255 separated by dots)');
	assert.equal(addressProblem('node_1'), '"node_1" is neither an IPv4/IPv6 address nor a valid host name');
	assert.equal(addressProblem('alpha'), 'is required because ssh target "alpha" is not an IPv4 address');
	assert.equal(addressProblem('alpha', {resolveSsh: () => ({hostName: '10.0.0.5'})}), undefined);
});

test('hostProblems: bad address and duplicate, each on its row', () => {
	const s = initialState(['192.168.1.71', '192.168.1.276', '192.168.1.71', '192.168.1.77']);
	const p = hostProblems(s);
	assert.equal(p[0], undefined);
	assert.match(p[1]!, /"192\.168\.1\.276" is not a valid IPv4 address/);
	assert.equal(p[2], 'duplicates host 1 (name 192.168.1.71)');
	assert.equal(p[3], undefined);
});

test('hostCountProblem: none, fewer than replicas (planner wording), enough', () => {
	assert.match(hostCountProblem(initialState())!, /no hosts yet/);
	assert.equal(hostCountProblem(initialState(SEED.slice(0, 2))), '3 replicas per group need 3 distinct hosts, but only 2 are listed (add 1 more host)');
	assert.equal(hostCountProblem(initialState(SEED.slice(0, 1))), '3 replicas per group need 3 distinct hosts, but only 1 is listed (add 2 more hosts)');
	assert.equal(hostCountProblem(initialState(SEED)), undefined);
	assert.equal(hostCountProblem(initialState(SEED.slice(0, 1), {replicas: '1'})), undefined);
	// Same words as the planner:
	const planned = buildPlan({...clusterFromHosts(SEED.slice(0, 2), {replicas: 3})});
	assert.equal(planned.ok, false);
	assert.ok(!planned.ok && hostCountProblem(initialState(SEED.slice(0, 2)))!.startsWith(planned.errors[0]!.message));
});

test('setOption changes a field, marks dirty; same value is a no-op', () => {
	const s = initialState(SEED);
	assert.equal(wizardReducer(s, {type: 'setOption', key: 'name', value: DEFAULT_FIELDS.name}), s);
	const t = wizardReducer(s, {type: 'setOption', key: 'groups', value: '3'});
	assert.equal(t.options.groups, '3');
	assert.equal(t.dirty, true);
});

test('optionInput: numbers, heap, console host / none / default', () => {
	const o = optionInput({...DEFAULT_FIELDS, groups: '3', replicas: 'x', consoleHost: 'none'});
	assert.equal(o.groups, 3);
	assert.equal(o.replicas, 'x');
	assert.deepEqual(o.console, {enabled: false});
	assert.deepEqual(optionInput(DEFAULT_FIELDS).console, {});
	assert.deepEqual(optionInput({...DEFAULT_FIELDS, consoleHost: '192.168.1.76'}).console, {host: '192.168.1.76'});
	assert.deepEqual(optionInput(DEFAULT_FIELDS).heap, {broker: '1g', namesrv: '512m'});
});

const optionCases: Array<[keyof typeof DEFAULT_FIELDS, string, RegExp]> = [
	['name', 'my cluster', /"my cluster" is not valid \(use letters, digits, "_" and "-"\)/],
	['groups', 'two', /must be a whole number from 1 to 100, got "two"/],
	['groups', '0', /must be a whole number from 1 to 100, got 0/],
	['replicas', '10', /must be a whole number from 1 to 9, got 10/],
	['image', 'bad image', /"bad image" is not valid \(an image reference/],
	['baseDir', 'relative/dir', /"relative\/dir" is not valid \(an absolute path/],
	['brokerHeap', '1x', /"1x" is not valid \(a size such as 1g or 768m\)/],
	['namesrvHeap', '', /must be a non-empty string/],
	['timezone', 'Asia Shanghai', /"Asia Shanghai" is not valid \(an IANA zone/],
	['consoleHost', '192.168.1.99', /"192\.168\.1\.99" is not a host name in hosts \(use one of: 192\.168\.1\.71, 192\.168\.1\.76, 192\.168\.1\.77, or none\)/],
];
for (const [key, value, message] of optionCases) {
	test(`optionProblems: ${key} = ${JSON.stringify(value)}`, () => {
		const s = run(initialState(SEED), {type: 'setOption', key, value});
		const p = optionProblems(s);
		assert.match(p[key] ?? '', message);
		assert.deepEqual(Object.keys(p), [key]);
		assert.equal(canLeave({...s, step: 'cluster'}), false);
	});
}

test('optionProblems: defaults and console none / a listed host are fine', () => {
	assert.deepEqual(optionProblems(initialState(SEED)), {});
	assert.deepEqual(optionProblems(initialState(SEED, {consoleHost: 'none'})), {});
	assert.deepEqual(optionProblems(initialState(SEED, {consoleHost: '192.168.1.77'})), {});
});

test('next is refused while the hosts step has problems; back goes back', () => {
	assert.equal(run(initialState(SEED.slice(0, 2)), {type: 'next'}).step, 'hosts');
	assert.equal(run(initialState([...SEED, '192.168.1.71']), {type: 'next'}).step, 'hosts');
	const s = run(initialState(SEED), {type: 'next'});
	assert.equal(s.step, 'cluster');
	assert.equal(run(s, {type: 'next'}).step, 'review');
	assert.equal(run(s, {type: 'next'}, {type: 'back'}, {type: 'back'}, {type: 'back'}).step, 'hosts');
	assert.equal(run(s, {type: 'goto', step: 'review'}).step, 'review');
});

test('saved clears dirty', () => {
	const s = run(initialState(), {type: 'paste', text: SEED.join(',')}, {type: 'saved'});
	assert.equal(s.dirty, false);
});

test('toClusterFile equals what --hosts builds for the same input', () => {
	const file = toClusterFile(initialState(SEED));
	assert.ok(file.ok);
	assert.deepEqual(file.value, clusterFromHosts(SEED));
	const custom = toClusterFile(initialState(SEED, {groups: '1', consoleHost: 'none', brokerHeap: '2g', timezone: 'UTC'}));
	assert.ok(custom.ok);
	assert.deepEqual(custom.value, clusterFromHosts(SEED, {groups: 1, console: {enabled: false}, heap: {broker: '2g'}, timezone: 'UTC'}));
});

test('toClusterFile reports bad hosts and an empty list', () => {
	const bad = toClusterFile(initialState(['192.168.1.276']));
	assert.ok(!bad.ok);
	assert.equal(bad.errors[0]!.path, 'hosts[0].ssh');
	const none = toClusterFile(initialState());
	assert.ok(!none.ok);
	assert.equal(none.errors[0]!.path, 'hosts');
});

test('review of the seed: plan, files per host, no lint errors, export tree', () => {
	const r = review(initialState(SEED));
	assert.ok(r.ok);
	assert.equal(r.value.plan.hosts.length, 3);
	assert.equal(r.value.plan.groups.length, 2);
	assert.deepEqual(r.value.plan.hosts.map(h => h.brokers.length), [2, 2, 2]);
	assert.equal(r.value.plan.namesrvAddr, '192.168.1.71:9876;192.168.1.76:9876;192.168.1.77:9876');
	assert.deepEqual([...new Set(r.value.files.map(f => f.host))], SEED);
	assert.deepEqual(r.value.findings.filter(f => f.severity === 'error'), []);
	assert.ok(r.value.tree.some(e => e.path === 'cluster.yaml'));
	assert.ok(r.value.tree.some(e => e.path === '192.168.1.71/data/docker-services/rocketmq/broker/conf/RaftNode00-n0.conf'));
});

test('review fails with the planner message when there are too few hosts', () => {
	const r = review(initialState(SEED.slice(0, 2)));
	assert.ok(!r.ok);
	assert.match(r.errors[0]!.message, /3 replicas per group need 3 distinct hosts, but only 2 are listed/);
});

test('one address arriving with its Enter in the same chunk is added (fast typing, one-line paste)', () => {
	const s = wizardReducer(wizardReducer(initialState(), {type: 'input', text: '192.168.'}), {type: 'paste', text: '1.71\r'});
	assert.deepEqual(addresses(s), ['192.168.1.71']);
	assert.equal(s.input, '');
	const typing = wizardReducer(initialState(), {type: 'paste', text: 'mq1'});
	assert.deepEqual(typing.hosts, []);
	assert.equal(typing.input, 'mq1');
});

test('a cluster opened from a file keeps what the wizard does not show (ports, placement, host details, properties)', () => {
	const original = clusterFromHosts([{ssh: {host: 'mq1', user: 'admin', identity: '~/.ssh/id_mq'}, ip: '10.0.0.1', name: 'mq1', cpus: 8}, '10.0.0.2', '10.0.0.3'], {
		ports: {listen: 30911, dledger: 40911},
		groupPrefix: 'Orders',
		brokerProperties: {maxMessageSize: '8388608'},
		console: {port: 8081, public: true},
	});
	const planned = buildPlan(original);
	assert.ok(planned.ok);
	const pinned = {...original, placement: planned.plan.placement};
	const back = toClusterFile(stateFromCluster(pinned));
	assert.ok(back.ok);
	assert.deepEqual(back.value, pinned);
});

test('formProblems: the draft is checked against every other host, field by field', () => {
	const s = run(initialState(SEED), {type: 'select', index: 0}, {type: 'edit'}, {type: 'formSet', value: '192.168.1.77'});
	assert.deepEqual(formProblems(s), {address: 'duplicates host 3 (name 192.168.1.77)'});
	const port = run(s, {type: 'formSet', value: '192.168.1.71'}, {type: 'formFocus', delta: 4}, {type: 'formSet', value: '0'});
	assert.deepEqual(formProblems(port), {port: 'must be a whole number from 1 to 65535, got 0'});
	const key = run(port, {type: 'formSet', value: ''}, {type: 'formFocus', delta: 2}, {type: 'formSet', value: '/nope'});
	assert.deepEqual(formProblems(key, {fileExists: () => false}), {identity: 'key file "/nope" does not exist'});
	assert.deepEqual(formProblems(initialState(SEED)), {}, 'no form, no problems');
});

test('typing and backspace are reducer actions (keys faster than renders are not lost)', () => {
	const s = run(initialState(), {type: 'inputType', text: '10.'}, {type: 'inputType', text: '0.0.1'}, {type: 'inputBackspace'}, {type: 'inputType', text: '2'});
	assert.equal(s.input, '10.0.0.2');
	const f = run(initialState(SEED), {type: 'edit'}, {type: 'formFocus', delta: 3}, {type: 'formType', text: 'ro'}, {type: 'formType', text: 'ott'}, {type: 'formBackspace'});
	assert.equal(f.form?.fields.user, 'root');
});

test('with ~/.ssh/config, aliases leave the hosts step and reach the review; stateFromCluster leaves its defaults empty', () => {
	const resolveSsh = (alias: string) => ({hostName: `10.0.0.${alias.slice(-1)}`, user: 'deploy'});
	const s = initialState(['mq1', 'mq2', 'mq3']);
	assert.equal(run(s, {type: 'next'}).step, 'hosts', 'without the resolver an alias needs an ip');
	const next = wizardReducer(s, {type: 'next'}, {resolveSsh});
	assert.equal(next.step, 'cluster');
	const r = review({...next, step: 'review'}, {resolveSsh});
	assert.ok(r.ok);
	assert.deepEqual(r.value.cluster.hosts[0], {name: 'mq1', ssh: {host: 'mq1', user: 'deploy'}, ip: '10.0.0.1'});
	assert.equal(r.value.browse.at(-1)?.label, 'cluster.yaml');
	assert.match(r.value.browse.at(-1)!.content, /user: deploy/);
	assert.deepEqual(stateFromCluster(r.value.cluster, {resolveSsh}).hosts, s.hosts);
});
