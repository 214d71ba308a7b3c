/**
 * The export's RUNBOOK.md, run VERBATIM on three fresh real test hosts, gives an elected cluster.
 *
 * Step 1 (ssh/scp from the operator's machine) runs as printed from the export directory with the system OpenSSH
 * client (HOME points at a temp dir holding the testbed's client key and known_hosts); its last line, the
 * interactive `ssh root@HOST` login, is where the operator "steps onto" the host: every later block runs as printed
 * inside that host with bash (images pulled from the testbed's Docker Hub mirror, Compose v1). Only the
 * `mqadmin clusterList` line is left out (the test image has no mqadmin); the election is checked over the wire.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {main} from '../../source/cli/main.ts';
import {memoryIO} from '../../source/cli/io.ts';
import {probeRound} from '../../source/probe/probe.ts';
import {clusterSnapshot} from '../../source/probe/snapshot.ts';
import {targetsFromPlan} from '../../source/probe/targets.ts';
import {RemotingClient} from '../../source/rocketmq/client.ts';
import {directTcp} from '../../source/rocketmq/transport.ts';
import {waitFor} from '../support/wait.ts';
import {startTestbed, testbedMissing, type Testbed} from '../testbed/testbed.ts';
import {needTestbed, planFor, testCluster} from './support.ts';

let bed: Testbed | undefined;

before(async () => {
	if (testbedMissing().length > 0) return;
	bed = await startTestbed({hosts: 3});
});
after(async () => {
	await bed?.stopRegistry();
	await bed?.stop();
});

interface Block {
	heading: string;
	text: string;
}

function shBlocks(markdown: string): Block[] {
	const blocks: Block[] = [];
	let heading = '';
	let current: string[] | undefined;
	for (const line of markdown.split('\n')) {
		if (current) {
			if (line.trim() === '```') {
				blocks.push({heading, text: current.join('\n')});
				current = undefined;
			} else current.push(line);
		} else if (line.startsWith('## ')) heading = line;
		else if (line.trim() === '```sh') current = [];
	}
	return blocks;
}

test('each host\'s RUNBOOK.md, run as printed on fresh test hosts, gives an elected cluster', async t => {
	if (!needTestbed(t) || !bed) return;
	const b = bed;
	await b.pushTestImages();
	const out = mkdtempSync(join(tmpdir(), 'rmq-runbook-'));
	const ips = b.hosts.map(h => h.ip);
	const io = memoryIO(out);
	assert.equal(await main(['--export', 'tree', '--hosts', ips.join(','), '--broker-heap', '256m', '--namesrv-heap', '128m'], io), 0, io.err());
	const tree = join(out, 'tree');

	// The operator's machine: the testbed's key and known_hosts in an ssh client config. OpenSSH reads ~/.ssh from
	// the passwd entry, not $HOME, so `ssh`/`scp` first in PATH are one-line wrappers adding `-F` that config.
	const bin = join(out, 'bin');
	mkdirSync(bin, {recursive: true});
	const config = join(out, 'ssh_config');
	writeFileSync(config, `IdentityFile ${b.clientKey}\nIdentitiesOnly yes\nUserKnownHostsFile ${b.knownHostsFile}\nStrictHostKeyChecking yes\nBatchMode yes\n`);
	for (const tool of ['ssh', 'scp']) writeFileSync(join(bin, tool), `#!/bin/sh\nexec /usr/bin/${tool} -F ${config} "$@"\n`, {mode: 0o755});
	const env = {...process.env, PATH: `${bin}:${process.env.PATH}`, SSH_AUTH_SOCK: ''};

	const runbooks = b.hosts.map(h => ({h, blocks: shBlocks(readFileSync(join(tree, h.ip, 'RUNBOOK.md'), 'utf8'))}));
	const onHost = async (h: (typeof b.hosts)[number], block: Block) => {
		const text = block.text.split('\n').filter(l => !l.includes('mqadmin clusterList')).join('\n');
		const r = await b.exec(h, ['bash', '-e', '-c', text], {cwd: '/root'});
		assert.equal(r.code, 0, `${h.name} ${block.heading}:\n${text}\n${r.stderr}`);
	};
	for (const {h, blocks} of runbooks) {
		const copy = blocks[0]!;
		assert.match(copy.heading, /Copy the files/);
		const lines = copy.text.split('\n');
		assert.equal(lines.at(-1), `ssh root@${h.ip}`, 'the last line of step 1 is the login');
		execFileSync('bash', ['-e', '-c', lines.slice(0, -1).join('\n')], {cwd: tree, env, stdio: 'pipe'});
	}
	// Steps 2–4 everywhere, then each start step on every host before the next.
	const starts = (blocks: Block[]) => blocks.filter(x => /Start/.test(x.heading));
	for (const {h, blocks} of runbooks) for (const block of blocks.filter(x => /^## [234]\./.test(x.heading))) await onHost(h, block);
	const compose = (blocks: Block[]) => starts(blocks)[0]!.text;
	for (let i = 1; i <= 3; i++) {
		for (const {h, blocks} of runbooks) {
			const step = starts(blocks)[i]; // only the console's host has step 7
			if (step) await onHost(h, {heading: `start ${i}`, text: `${compose(blocks)}\n${step.text}`});
		}
	}

	const plan = planFor(testCluster(b));
	const client = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: 1000}), timeoutMs: 1000});
	try {
		await waitFor('both groups healthy', 60_000, async () => {
			const snap = clusterSnapshot(await probeRound(client, {namesrvs: plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(plan)}));
			return snap.groups.every(g => g.verdict === 'healthy');
		});
	} finally {
		await client.close();
	}
	for (const {h, blocks} of runbooks) await onHost(h, blocks.find(x => /Check/.test(x.heading))!);
});
