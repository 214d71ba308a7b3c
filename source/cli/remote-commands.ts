/**
 * The commands that reach hosts over SSH — `deploy`, `down`, `console` — from parsed arguments: the real fleet,
 * terminal questions (passphrases, unknown host keys) and the flag checks.
 */
import {BuildScriptsError, readBuildScripts} from '../deploy/build-scripts.ts';
import type {DeployOptions} from '../deploy/execute.ts';
import {buildImageArgs} from '../deploy/image-supply.ts';
import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {realFleet} from '../deploy/fleet.ts';
import {buildPlan} from '../plan/plan.ts';
import type {UnknownHost} from '../remote/connect.ts';
import {SshSession} from '../remote/session.ts';
import type {ParsedArgs} from './args.ts';
import {clusterFromFlags, InputErrors, sshResolverFor} from './cluster-input.ts';
import {consoleCommand} from './commands/console.ts';
import {deployCommand, downCommand, type CommandDeps} from './commands/deploy.ts';
import {untilSignal} from './commands/sim.ts';
import {UsageError, type CommandIO} from './io.ts';
import {only} from './only.ts';
import {terminalPrompter, type Prompter} from './prompt.ts';

const SSH_FLAGS = ['inventory', 'ssh-config', 'accept-new-host-keys', 'break-lock', 'yes'];

/** Unknown host keys: accepted with --accept-new-host-keys, asked on a terminal, refused (with the way out) otherwise. */
function hostKeyConfirmer(args: ParsedArgs, io: CommandIO, prompter: Prompter): (unknown: UnknownHost) => Promise<boolean> {
	return async unknown => {
		if (args.flags['accept-new-host-keys'] === true) {
			io.stdout(`${unknown.name}: recording new host key ${unknown.keyType} ${unknown.fingerprint} (--accept-new-host-keys)\n`);
			return true;
		}
		if (!prompter.interactive) {
			io.stderr(`${unknown.name}: unknown host key ${unknown.keyType} ${unknown.fingerprint}; check it with the host's admin, then run again on a terminal to accept it, or add it to ~/.ssh/known_hosts (ssh-keyscan), or pass --accept-new-host-keys\n`);
			return false;
		}
		io.stdout(`${unknown.text}\n`);
		return prompter.confirm('Trust this host key and record it in ~/.ssh/known_hosts?');
	};
}

/** The real fleet: SSH sessions whose questions (passphrases, unknown host keys) go to the terminal. */
export function realDeps(args: ParsedArgs, io: CommandIO, prompter: Prompter = terminalPrompter()): CommandDeps {
	return {
		prompter,
		fleet: plan =>
			realFleet(plan, {
				resolve: sshResolverFor(args.flags, io),
				ask: (question, options) => prompter.ask(question, options),
				confirmUnknownHost: hostKeyConfirmer(args, io, prompter),
			}),
	};
}

async function needInventory(args: ParsedArgs, io: CommandIO, command: string) {
	if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`, `write rmq-tui ${command} --inventory cluster.yaml`);
	if (args.flags.inventory === undefined) throw new UsageError(`${command} needs a cluster file`, `write rmq-tui ${command} --inventory cluster.yaml (rmq-tui --export DIR --hosts A,B,C writes one)`);
	return clusterFromFlags(args.flags, io);
}

/**
 * `--image-archive FILE` / `--build-image DIR`: how a deploy gets the images to hosts that lack them. With the
 * cluster's `image`, --build-image is refused at once when build-image.sh cannot make it (else at the build).
 */
export function imageOptions(args: ParsedArgs, io: CommandIO, image?: string): Pick<DeployOptions, 'imageArchive' | 'buildImage'> {
	const archive = args.flags['image-archive'] as string | undefined;
	if (archive !== undefined && !existsSync(resolve(io.cwd, archive))) throw new UsageError(`--image-archive ${archive}: no such file`, 'give a tarball written by `docker save IMAGE... -o FILE`');
	const build = args.flags['build-image'] as string | undefined;
	if (build !== undefined && archive !== undefined) throw new UsageError('--build-image and --image-archive both given', 'use one: the archive already carries the image');
	if (archive !== undefined) return {imageArchive: resolve(io.cwd, archive)};
	if (build === undefined) return {};
	const buildArgs = image === undefined ? undefined : buildImageArgs(image);
	if (buildArgs && !buildArgs.ok) throw new UsageError(buildArgs.error, buildArgs.fix);
	try {
		return {buildImage: readBuildScripts(resolve(io.cwd, build))};
	} catch (error) {
		if (error instanceof BuildScriptsError) throw new UsageError(error.message, error.fix);
		throw error;
	}
}

export async function deployCli(args: ParsedArgs, io: CommandIO): Promise<number> {
	only(args, [...SSH_FLAGS, 'dry-run', 'skip-preflight', 'image-archive', 'build-image', 'adopt'], 'rmq-tui deploy');
	imageOptions(args, io); // flag errors before any file is read
	const cluster = await needInventory(args, io, 'deploy');
	const images = imageOptions(args, io, cluster.image);
	return deployCommand(
		cluster,
		{
			yes: args.flags.yes === true,
			dryRun: args.flags['dry-run'] === true,
			skipPreflight: args.flags['skip-preflight'] === true,
			adopt: args.flags.adopt === true,
			breakLock: args.flags['break-lock'] === true,
			...images,
		},
		io,
		realDeps(args, io),
	);
}

export async function downCli(args: ParsedArgs, io: CommandIO): Promise<number> {
	only(args, [...SSH_FLAGS, 'purge'], 'rmq-tui down');
	const cluster = await needInventory(args, io, 'down');
	return downCommand(cluster, {yes: args.flags.yes === true, purge: args.flags.purge === true, breakLock: args.flags['break-lock'] === true}, io, realDeps(args, io));
}

export async function consoleCli(args: ParsedArgs, io: CommandIO): Promise<number> {
	only(args, ['inventory', 'ssh-config', 'accept-new-host-keys', 'local-port'], 'rmq-tui console');
	const cluster = await needInventory(args, io, 'console');
	const planned = buildPlan(cluster);
	if (!planned.ok) throw new InputErrors(args.flags.inventory as string, planned.errors);
	const plan = planned.plan;
	const text = args.flags['local-port'] as string | undefined;
	if (text !== undefined && !/^\d{1,5}$/.test(text)) throw new UsageError(`--local-port "${text}" is not a port`, 'write --local-port 18080');
	const host = plan.console && plan.hosts.find(h => h.spec.name === plan.console!.host);
	if (!host) throw new UsageError('this cluster has no console (console.enabled is false)', 'enable it in cluster.yaml and deploy again');
	const prompter = terminalPrompter();
	const session = new SshSession({
		target: host.spec.ssh,
		resolve: sshResolverFor(args.flags, io),
		ask: (q, o) => prompter.ask(q, o),
		confirmUnknownHost: hostKeyConfirmer(args, io, prompter),
	});
	await session.connect();
	return consoleCommand(plan, session, text === undefined ? undefined : Number(text), io, untilSignal());
}

