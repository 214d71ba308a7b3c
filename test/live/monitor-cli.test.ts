/** `rmq-tui monitor`: its flags and sources (the pane itself is injected: no terminal needed here). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseArgs} from '../../source/cli/args.ts';
import {monitorCli} from '../../source/cli/commands/monitor.ts';
import {memoryIO} from '../../source/cli/io.ts';
import type {PaneController} from '../../source/live/controller.ts';
import {run} from '../cli/helpers.ts';

test('monitor refuses what it cannot do, saying how to fix it', async () => {
	const cases: Array<[string[], RegExp]> = [
		[['monitor'], /monitor needs a cluster[\s\S]*fix: add --sim/],
		[['monitor', '--sim', '--namesrv', '10.0.0.1'], /--sim and --namesrv both given/],
		[['monitor', '--sim', '--interval', '10'], /--interval "10" is not a number of milliseconds from 50 to 60000/],
		[['monitor', '--namesrv', '10.0.0.1', '--time-scale', '5'], /--time-scale only applies to monitor --sim/],
		[['monitor', '--sim', '--json'], /--json does not apply to rmq-tui monitor/],
		[['monitor', '--namesrv', '10.0.0.1', '--ssh-config', 'x'], /--ssh-config and --accept-new-host-keys only apply with --inventory/],
		[['monitor', 'extra', '--sim'], /unexpected argument "extra"/],
		[['monitor', '--sim', '--intervall', '5'], /unknown flag --intervall[\s\S]*did you mean --interval/],
	];
	for (const [argv, message] of cases) {
		const r = await run(argv);
		assert.equal(r.code, 2, argv.join(' '));
		assert.match(r.err, message, argv.join(' '));
	}
	const r = await run(['monitor', '--sim']);
	assert.match(r.err, /monitor needs a terminal/, 'tests run without a terminal');
});

test('--namesrv: groups only; the host panels, logs and drill keys are off with the reason', async () => {
	const io = memoryIO(process.cwd(), {HOME: '/nonexistent-home'});
	let seen: PaneController | undefined;
	const code = await monitorCli(parseArgs(['monitor', '--namesrv', '127.0.0.1:1', '--interval', '100', '--read-only']), io, {
		terminal: true,
		run: async controller => {
			seen = controller;
			return 143;
		},
	});
	assert.equal(code, 143, "the pane's exit code is monitor's (143: it was closed by SIGTERM)");
	const s = seen!.get();
	assert.deepEqual(s.config.targets, []);
	assert.deepEqual(Object.keys(s.hosts), []);
	assert.match(s.config.policy.noHosts!, /no host access with --namesrv \(give --inventory FILE for containers, logs and drill keys\)/);
	assert.equal(s.config.policy.readOnly, true);
	assert.equal(s.config.intervalMs, 100);
	assert.equal(s.config.source, 'name servers only');
});
