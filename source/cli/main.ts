/** The command line: argv → one command function. No logic of its own beyond dispatch and error funnel. */
import {formatErrors} from '../inventory/errors.ts';
import {packageVersion} from '../util/package-root.ts';
import {parseArgs, type ParsedArgs} from './args.ts';
import {clusterFromFlags, flagForPath, InputErrors, sshResolverFor} from './cluster-input.ts';
import {only} from './only.ts';
import {consoleCli, deployCli, downCli, imageOptions} from './remote-commands.ts';
import {FLAGS} from './flags.ts';
import {exportCommand} from './commands/export.ts';
import {lintCommand} from './commands/lint.ts';
import {monitorCli} from './commands/monitor.ts';
import {simCommand} from './commands/sim.ts';
import {namesrvList, sourceFromCluster, statusCommand} from './commands/status.ts';
import {helpText} from './help.ts';
import {EXIT, UsageError, type CommandIO} from './io.ts';

/** What the wizard takes from the command line: its SSH config and how its deploys get the images. */
const WIZARD_FLAGS = ['ssh-config', 'image-archive', 'build-image'];

const COMMANDS = ['console', 'deploy', 'down', 'lint', 'monitor', 'sim', 'status'] as const;


async function status(args: ParsedArgs, io: CommandIO): Promise<number> {
	only(args, ['namesrv', 'inventory', 'json', 'timeout', 'ssh-config'], 'rmq-tui status');
	if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`, "write rmq-tui status --namesrv 'A;B' or --inventory FILE");
	const timeout = args.flags.timeout as string | undefined;
	if (timeout !== undefined && !/^[1-9]\d{0,5}$/.test(timeout)) throw new UsageError(`--timeout "${timeout}" is not a number of milliseconds`, 'write --timeout 3000');
	const flags = {json: args.flags.json === true, ...(timeout ? {timeoutMs: Number(timeout)} : {})};
	if (args.flags.namesrv !== undefined && args.flags.inventory !== undefined) {
		throw new UsageError('--namesrv and --inventory both given', 'use one: the cluster file already lists the name servers');
	}
	if (args.flags.namesrv !== undefined) return statusCommand({namesrvs: namesrvList(args.flags.namesrv as string)}, flags, io);
	if (args.flags.inventory === undefined) throw new UsageError('status needs a cluster', "add --namesrv '10.0.0.1:9876;10.0.0.2:9876' or --inventory cluster.yaml");
	const source = sourceFromCluster(await clusterFromFlags(args.flags, io), io);
	return source ? statusCommand(source, flags, io) : EXIT.usage;
}

const SIM_FLAGS: Record<string, readonly string[]> = {
	cluster: ['hosts', 'inventory', 'ssh-config', 'ssh-user', 'ssh-port', 'identity', 'cpus', 'time-scale', ...FLAGS.filter(f => f.option).map(f => f.name)],
	namesrv: ['namesrv-port', 'config', 'time-scale'],
	broker: ['config', 'time-scale'],
};

async function sim(args: ParsedArgs, io: CommandIO): Promise<number> {
	const [kind, ...rest] = args.positionals;
	const allowed = kind === undefined ? undefined : SIM_FLAGS[kind];
	if (allowed) only(args, allowed, `rmq-tui sim ${kind}`);
	if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'write rmq-tui sim cluster, sim namesrv or sim broker -c FILE');
	return simCommand(kind, args.flags, io);
}

/** `rmq-tui --demo`: the whole journey on simulated hosts (source/demo/). */
async function demo(args: ParsedArgs, io: CommandIO): Promise<number> {
	only(args, ['demo', 'time-scale'], 'rmq-tui --demo');
	const scale = args.flags['time-scale'] as string | undefined;
	if (scale !== undefined && (!/^\d+(\.\d+)?$/.test(scale) || !(Number(scale) > 0) || Number(scale) > 100)) {
		throw new UsageError(`--time-scale "${scale}" is not a positive number up to 100`, 'write --time-scale 5, or leave it out for the real DLedger timers');
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('--demo needs a terminal (stdin and stdout)', 'run rmq-tui --demo in a terminal, not through a pipe');
	const {runDemo} = await import('../demo/run.tsx');
	return runDemo(io.env, scale === undefined ? {} : {scale: Number(scale)});
}

async function dispatch(args: ParsedArgs, io: CommandIO): Promise<number> {
	if (args.flags.help) {
		io.stdout(helpText(packageVersion()));
		return EXIT.ok;
	}
	if (args.flags.version) {
		io.stdout(`${packageVersion()}\n`);
		return EXIT.ok;
	}
	if (args.command === 'lint') {
		only(args, ['json', 'quiet'], 'rmq-tui lint');
		return lintCommand(args.positionals, {json: args.flags.json === true, quiet: args.flags.quiet === true}, io);
	}
	if (args.command === 'status') return status(args, io);
	if (args.command === 'sim') return sim(args, io);
	if (args.command === 'deploy') return deployCli(args, io);
	if (args.command === 'down') return downCli(args, io);
	if (args.command === 'console') return consoleCli(args, io);
	if (args.command === 'monitor') return monitorCli(args, io);
	if (args.command !== undefined) {
		throw new UsageError(`unknown command "${args.command}"`, `commands: ${COMMANDS.join(', ')}; or --export DIR --hosts A,B,C (see --help)`);
	}
	if (args.flags.demo === true) return demo(args, io);
	if (args.flags.export === undefined && args.flags.hosts === undefined && args.flags.inventory === undefined) {
		if ([...args.given].every(f => WIZARD_FLAGS.includes(f))) {
			const deployOptions = imageOptions(args, io);
			if (process.stdin.isTTY && process.stdout.isTTY) {
				const {runWizard} = await import('../ui/run.tsx');
				return runWizard(io.env, sshResolverFor(args.flags, io), deployOptions);
			}
			if (args.given.size > 0) throw new UsageError('the wizard needs a terminal (stdin and stdout)', 'run it in a terminal, or deploy without one: rmq-tui deploy --inventory cluster.yaml --yes');
		}
		io.stderr(helpText(packageVersion()));
		return EXIT.usage;
	}
	if (args.flags.export === undefined && args.flags.json !== true) {
		throw new UsageError('nothing to do with these hosts', 'add --export DIR to write the files, or --json to print the plan');
	}
	if (args.flags.force && args.flags.export === undefined) throw new UsageError('--force only applies to --export', 'add --export DIR');
	const cluster = await clusterFromFlags(args.flags, io);
	return exportCommand(
		cluster,
		args.flags.export as string | undefined,
		{force: args.flags.force === true, json: args.flags.json === true, ...(args.flags.inventory === undefined ? {label: flagForPath} : {})},
		io,
	);
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
	try {
		return await dispatch(parseArgs(argv), io);
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr(`rmq-tui: ${error.message}\n${error.hint ? `  fix: ${error.hint}\n` : ''}`);
			return EXIT.usage;
		}
		if (error instanceof InputErrors) {
			io.stderr(`rmq-tui: ${error.source === 'flags' ? 'bad input' : `${error.source} is not a valid cluster file`}:\n${formatErrors(error.errors)}\n`);
			return EXIT.usage;
		}
		throw error;
	}
}
