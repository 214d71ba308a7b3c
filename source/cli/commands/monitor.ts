/**
 * `rmq-tui monitor`: the live pane on a terminal, for
 * - `--sim`: the seed cluster deployed onto simulated hosts in this process (every drill key works);
 * - `--inventory FILE`: the real hosts over SSH (the probe dials through each host's SSH connection);
 * - `--namesrv 'A;B'`: only what the name servers and brokers answer: no host panels, no logs, no drill keys.
 * SSH questions (passphrases, unknown host keys) are asked on the terminal before the pane opens; once it is open,
 * a reconnect that would need one fails instead (the host shows unreachable with why).
 */
import {resolve} from 'node:path';
import {hostname, userInfo} from 'node:os';
import {recordedPlacement, recordPath} from '../../deploy/record.ts';
import {formatErrors} from '../../inventory/errors.ts';
import {PaneController, type PaneOptions, type PaneSources} from '../../live/controller.ts';
import {liveHosts} from '../../live/live-host.ts';
import {openSimPane} from '../../live/sim.ts';
import {buildPlan} from '../../plan/plan.ts';
import type {Plan} from '../../plan/types.ts';
import {observer} from '../../probe/observer.ts';
import {RemotingClient} from '../../rocketmq/client.ts';
import {directTcp} from '../../rocketmq/transport.ts';
import type {ParsedArgs} from '../args.ts';
import {clusterFromFlags, InputErrors} from '../cluster-input.ts';
import {EXIT, UsageError, type CommandIO} from '../io.ts';
import {only} from '../only.ts';
import {terminalPrompter, type Prompter} from '../prompt.ts';
import {realDeps} from '../remote-commands.ts';
import {loopbackPlacement} from './sim.ts';
import {namesrvList} from './status.ts';

export const MONITOR_FLAGS = ['sim', 'inventory', 'namesrv', 'read-only', 'report', 'interval', 'time-scale', 'ssh-config', 'accept-new-host-keys'];

export interface MonitorSettings {
	intervalMs: number;
	readOnly: boolean;
	reportFile?: string;
	timeScale: number;
}

export interface MonitorDeps {
	/** Opens the pane on the terminal until it is quit (default: the real terminal, alternate screen); the exit code (128 + n after a signal). */
	run?: (controller: PaneController, env: NodeJS.ProcessEnv) => Promise<number>;
	/** Whether stdin and stdout are a terminal (default: process's). */
	terminal?: boolean;
	prompter?: Prompter;
}

export function monitorSettings(args: ParsedArgs, io: CommandIO): MonitorSettings {
	const interval = args.flags.interval as string | undefined;
	if (interval !== undefined && (!/^\d{1,6}$/.test(interval) || Number(interval) < 50 || Number(interval) > 60_000)) {
		throw new UsageError(`--interval "${interval}" is not a number of milliseconds from 50 to 60000`, 'write --interval 250');
	}
	const scale = args.flags['time-scale'] as string | undefined;
	if (scale !== undefined && args.flags.sim !== true) throw new UsageError('--time-scale only applies to monitor --sim', 'add --sim, or leave --time-scale out');
	if (scale !== undefined && (!/^\d+(\.\d+)?$/.test(scale) || !(Number(scale) > 0) || Number(scale) > 100)) {
		throw new UsageError(`--time-scale "${scale}" is not a positive number up to 100`, 'write --time-scale 5');
	}
	const report = args.flags.report as string | undefined;
	return {
		intervalMs: interval === undefined ? 250 : Number(interval),
		readOnly: args.flags['read-only'] === true,
		...(report !== undefined ? {reportFile: resolve(io.cwd, report)} : {}),
		timeScale: scale === undefined ? 1 : Number(scale),
	};
}

function operatorText(): string {
	let user = process.env.USER ?? 'unknown';
	try {
		user = userInfo().username;
	} catch {}
	return `${user}@${hostname()} (pid ${process.pid})`;
}

/** A prompter that answers nothing once the pane owns the terminal. */
function gated(prompter: Prompter): {prompter: Prompter; close(): void} {
	let open = true;
	return {
		prompter: {
			get interactive() {
				return open && prompter.interactive;
			},
			ask: (question, options) => (open ? prompter.ask(question, options) : Promise.resolve(undefined)),
			confirm: question => (open ? prompter.confirm(question) : Promise.resolve(false)),
		},
		close: () => {
			open = false;
		},
	};
}

interface Opened {
	sources: PaneSources;
	now?: () => number;
	close(): Promise<void>;
	/** Called once the pane owns the terminal. */
	paneOpen?: () => void;
}

async function openSources(args: ParsedArgs, io: CommandIO, settings: MonitorSettings, deps: MonitorDeps): Promise<Opened | undefined> {
	if (args.flags.sim === true) {
		io.stdout(`Deploying the seed cluster (3 hosts, 2 groups) onto simulated hosts${settings.timeScale !== 1 ? ` (time ×${settings.timeScale})` : ''}…\n`);
		const sim = await openSimPane({scale: settings.timeScale, placement: await loopbackPlacement(3), progress: line => io.stdout(`${line}\n`)});
		return {sources: sim.sources, now: sim.now, close: sim.close};
	}
	if (args.flags.namesrv !== undefined) {
		const namesrvs = namesrvList(args.flags.namesrv as string);
		const timeoutMs = Math.max(1000, settings.intervalMs * 4);
		const client = new RemotingClient({socketFactory: directTcp({connectTimeoutMs: timeoutMs}), timeoutMs, connectTimeoutMs: timeoutMs});
		return {
			sources: {
				observe: observer(client, {namesrvs}),
				source: 'name servers only',
				clusterName: namesrvs.join(';'),
				noHosts: 'no host access with --namesrv (give --inventory FILE for containers, logs and drill keys)',
			},
			close: () => client.close(),
		};
	}
	const cluster = await clusterFromFlags(args.flags, io);
	const planned = buildPlan(cluster);
	if (!planned.ok) {
		io.stderr(`rmq-tui: the cluster cannot be planned:\n${formatErrors(planned.errors)}\n`);
		return undefined;
	}
	let plan = planned.plan;
	const gate = gated(deps.prompter ?? terminalPrompter());
	const makeFleet = realDeps(args, io, gate.prompter).fleet;
	let fleet = makeFleet(plan);
	io.stdout(`Connecting to ${plan.hosts.length} hosts over SSH…\n`);
	if (Object.keys(cluster.placement).length === 0) {
		// As deploy does: the placement the last deploy realised, so every replica is looked for where it runs.
		const recorded = await recordedPlacement(fleet.hosts.values(), plan);
		const again = recorded ? buildPlan({...cluster, placement: recorded}) : undefined;
		if (again?.ok) {
			io.stdout(`Using the placement recorded on the hosts by the last deploy (${recordPath(plan)}).\n`);
			await fleet.close();
			plan = again.plan;
			fleet = makeFleet(plan);
		} else if (again) io.stderr(`rmq-tui: the placement recorded on the hosts no longer fits the cluster file; using the file's:\n${formatErrors(again.errors)}\n`);
	}
	const reached = await Promise.allSettled([...fleet.hosts.values()].map(h => h.listContainers()));
	[...fleet.hosts.keys()].forEach((name, i) => {
		const r = reached[i]!;
		io.stdout(r.status === 'fulfilled' ? `  ✓ ${name}\n` : `  ✗ ${name}: ${(r.reason as Error).message} (the pane keeps retrying)\n`);
	});
	const hosts = liveHosts(fleet.hosts);
	return {
		sources: {plan, hosts, observe: fleet.observe, source: 'SSH'},
		close: () => fleet.close(),
		paneOpen: gate.close,
	};
}

export async function monitorCli(args: ParsedArgs, io: CommandIO, deps: MonitorDeps = {}): Promise<number> {
	only(args, MONITOR_FLAGS, 'rmq-tui monitor');
	if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`, "write rmq-tui monitor --sim, --inventory FILE or --namesrv 'A;B'");
	const chosen = ['sim', 'inventory', 'namesrv'].filter(f => args.flags[f] !== undefined && args.flags[f] !== false);
	if (chosen.length === 0) throw new UsageError('monitor needs a cluster', "add --sim (a simulated one), --inventory cluster.yaml, or --namesrv '10.0.0.1:9876;10.0.0.2:9876'");
	if (chosen.length > 1) throw new UsageError(`${chosen.map(f => `--${f}`).join(' and ')} both given`, 'use one source');
	if (args.flags.inventory === undefined && (args.flags['ssh-config'] !== undefined || args.flags['accept-new-host-keys'] !== undefined)) {
		throw new UsageError('--ssh-config and --accept-new-host-keys only apply with --inventory', 'leave them out');
	}
	const settings = monitorSettings(args, io);
	const terminal = deps.terminal ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
	if (!terminal) throw new UsageError('monitor needs a terminal (stdin and stdout)', "run it in a terminal; for one look from a script, use rmq-tui status");
	let opened: Opened | undefined;
	try {
		opened = await openSources(args, io, settings, deps);
	} catch (error) {
		if (error instanceof UsageError || error instanceof InputErrors) throw error;
		io.stderr(`rmq-tui: ${(error as Error).message}\n`);
		return EXIT.unreachable;
	}
	if (!opened) return EXIT.usage;
	const options: PaneOptions = {
		intervalMs: settings.intervalMs,
		readOnly: settings.readOnly,
		...(settings.reportFile !== undefined ? {reportFile: settings.reportFile} : {}),
		...(opened.now ? {now: opened.now} : {}),
		operator: operatorText(),
		cwd: io.cwd,
	};
	const controller = new PaneController(opened.sources, options);
	let code: number;
	try {
		opened.paneOpen?.();
		const run = deps.run ?? (async (c: PaneController, env: NodeJS.ProcessEnv) => (await import('../../ui/pane/run.tsx')).runPane(c, env));
		code = await run(controller, io.env);
	} finally {
		await controller.close();
		await opened.close();
	}
	if (settings.reportFile !== undefined) io.stdout(`Drill report: ${settings.reportFile.replace(/\.(md|json)$/i, '')}.md and .json\n`);
	return code;
}
