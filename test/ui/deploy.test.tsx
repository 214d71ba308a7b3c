/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The wizard's deploy action, driven with real keys on simulated hosts (the protocol simulator on loopback, timers
 * ×10): D → every host checked → the preview of what will change → y → step grid and rollout → both groups elect
 * → Enter back to the review. Cancelling the preview changes nothing.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import type {Fleet} from '../../source/deploy/fleet.ts';
import {simWorld} from '../../source/deploy/sim-world.ts';
import {App} from '../../source/ui/App.tsx';
import type {Deployer} from '../../source/ui/deploy/run.ts';
import {clusterFromHosts} from '../../source/inventory/from-flags.ts';
import {stateFromCluster} from '../../source/wizard/model.ts';
import {HOSTS, IMAGES, planOf} from '../deploy/sim-support.ts';
import {KEY, press, waitFrame} from './drive.ts';

const noExport = async () => {
	throw new Error('not expected');
};

test('D on the review: check, preview, y applies with live progress, both groups elect, Enter returns', async () => {
	const cluster = clusterFromHosts(HOSTS, {ports: {namesrv: 29876, listen: 40911, dledger: 50911}});
	const world = await simWorld(planOf(cluster), {scale: 10, images: IMAGES, placement: HOSTS.map((_, i) => ({ip: `127.0.0.${71 + i}`, shift: 0}))});
	const fleet: Fleet = {hosts: world.hosts, observe: world.observe, close: async () => {}};
	const deployer: Deployer = {fleet: () => fleet, operator: {user: 'tester', from: 'ci', pid: 1}, options: {pollMs: 50, timeoutMs: 20_000}, label: 'simulated'};
	const initial = {...stateFromCluster(cluster), step: 'review' as const};
	const ui = render(<App exportTo={noExport} initial={initial} deployer={deployer} rows={40} columns={120} />);
	try {
		await waitFrame(ui, 'Step 3/3 · Review');
		let frame = await press(ui, 'D', 'this is what will change');
		assert.match(frame, /rmq-tui · deploy RaftCluster to 3 hosts \(simulated\)/);
		assert.match(frame, /192\.168\.1\.71 +✓ +✓ +· +·/, 'connect and preflight done, nothing applied yet');
		assert.match(frame, /\+ create rocketmq-raftnode00-n0/);
		frame = await press(ui, 'n', 'Step 3/3 · Review');
		assert.equal((await world.hosts.get('192.168.1.71')!.listContainers()).length, 0, 'n changed nothing');

		await press(ui, 'D', 'this is what will change');
		frame = await press(ui, 'y', /applying/);
		frame = await waitFrame(ui, /✓ deployed in [\d.]+ s — RaftNode00: leader n\d, RaftNode01: leader n\d/, 30_000);
		assert.match(frame, /^192\.168\.1\.77 +(✓ *){8}$/m, `every step of every host done:\n${frame}`);
		assert.match(frame, /✓ 1\. name servers \([\d.]+ s\)/);
		assert.match(frame, /✓ 2\. brokers of RaftNode00, RaftNode01 \([\d.]+ s\)/);
		assert.match(frame, /✓ 3\. console/);
		await press(ui, KEY.esc, 'Step 3/3 · Review');
		for (const g of (await world.observe()).groups) assert.equal(g.verdict, 'healthy');
	} finally {
		ui.unmount();
		await world.close();
	}
});

test('a question from the SSH layer is answered on the deploy screen without echoing it', async () => {
	const cluster = clusterFromHosts(HOSTS, {ports: {namesrv: 29876, listen: 40911, dledger: 50911}});
	const world = await simWorld(planOf(cluster), {scale: 10, images: IMAGES, placement: HOSTS.map((_, i) => ({ip: `127.0.0.${74 + i}`, shift: 0}))});
	let answered: string | undefined;
	let trusted: boolean | undefined;
	const deployer: Deployer = {
		operator: {user: 'tester', from: 'ci', pid: 1},
		fleet: (_plan, questions) => {
			const gate = (async () => {
				trusted = await questions.confirm('Trust this host key and record it in ~/.ssh/known_hosts?', 'ED25519 key fingerprint is SHA256:abc');
				answered = await questions.ask('Passphrase for /keys/rmq:', {secret: true});
			})();
			return {hosts: world.hosts, observe: async () => (await gate, world.observe()), close: async () => {}};
		},
	};
	const ui = render(<App exportTo={noExport} initial={{...stateFromCluster(cluster), step: 'review'}} deployer={deployer} rows={40} columns={120} />);
	try {
		await waitFrame(ui, 'Step 3/3 · Review');
		let frame = await press(ui, 'D', 'Trust this host key');
		assert.match(frame, /ED25519 key fingerprint is SHA256:abc/);
		frame = await press(ui, 'y', 'Passphrase for /keys/rmq:');
		for (const ch of 's3cret') ui.stdin.write(ch);
		frame = await waitFrame(ui, '••••••');
		assert.doesNotMatch(frame, /s3cret/);
		await press(ui, KEY.enter, 'this is what will change');
		assert.equal(trusted, true);
		assert.equal(answered, 's3cret');
	} finally {
		ui.unmount();
		await world.close();
	}
});

test('after a successful deploy, Enter hands the plan and the open fleet to the live pane', async () => {
	const cluster = clusterFromHosts(HOSTS, {ports: {namesrv: 29876, listen: 40911, dledger: 50911}});
	const world = await simWorld(planOf(cluster), {scale: 10, images: IMAGES, placement: HOSTS.map((_, i) => ({ip: `127.0.0.${77 + i}`, shift: 0}))});
	let closed = false;
	const fleet: Fleet = {hosts: world.hosts, observe: world.observe, close: async () => void (closed = true)};
	const deployer: Deployer = {fleet: () => fleet, operator: {user: 'tester', from: 'ci', pid: 1}, options: {pollMs: 50, timeoutMs: 20_000}};
	let handed: {plan: {options: {name: string}}; fleet: Fleet} | undefined;
	const ui = render(<App exportTo={noExport} initial={{...stateFromCluster(cluster), step: 'review'}} deployer={deployer} onDeployed={h => (handed = h)} rows={40} columns={120} />);
	try {
		await waitFrame(ui, 'Step 3/3 · Review');
		await press(ui, 'D', 'this is what will change');
		await press(ui, 'y', /applying/);
		const frame = await waitFrame(ui, /✓ deployed in/, 30_000);
		assert.match(frame, /Enter live pane/);
		ui.stdin.write(KEY.enter);
		for (let i = 0; i < 200 && !handed; i++) await new Promise(r => setTimeout(r, 10));
		assert.equal(handed?.plan.options.name, 'RaftCluster');
		assert.equal(handed?.fleet, fleet, 'the same open fleet (SSH sessions) goes on');
		assert.equal(closed, false, 'not closed on the way');
	} finally {
		ui.unmount();
		await world.close();
	}
});
