/** The cluster a command works on: from --inventory FILE, or built from --hosts and option flags. */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {resolve} from 'node:path';
import type {InventoryError} from '../inventory/errors.ts';
import {clusterFromHostsChecked, splitHostList, type HostInput} from '../inventory/from-flags.ts';
import {parseClusterText, parseSshShorthand, type SshResolver} from '../inventory/parse.ts';
import type {ClusterFile} from '../inventory/schema.ts';
import {readSshConfig} from '../inventory/ssh-config.ts';
import type {Flags} from './args.ts';
import {FLAGS} from './flags.ts';
import {UsageError, type CommandIO} from './io.ts';

export class InputErrors extends Error {
	constructor(readonly source: string, readonly errors: InventoryError[]) {
		super(`${source}: ${errors.length} problem(s)`);
	}
}

const optionFlags = FLAGS.filter(f => f.option);

/** Turn a cluster-file path such as `ports.listen` into the flag that sets it (`--listen-port`). */
export function flagForPath(path: string): string {
	const exact = optionFlags.find(f => f.option === path);
	if (exact) return `--${exact.name}`;
	const prop = /^brokerProperties\.(.+)$/.exec(path);
	if (prop) return `--broker-property ${prop[1]}`;
	return path;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const keys = path.split('.');
	let node = target;
	for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
	node[keys[keys.length - 1]!] = value;
}

function intOrText(text: string): number | string {
	return /^\d+$/.test(text) ? Number(text) : text;
}

/** Option flags → the option part of a cluster file, as raw values the parser validates. */
export function optionsFromFlags(flags: Flags): Record<string, unknown> {
	const options: Record<string, unknown> = {};
	for (const spec of optionFlags) {
		const value = flags[spec.name];
		if (value === undefined) continue;
		if (spec.name === 'broker-property') {
			const props: Record<string, string> = {};
			for (const pair of value as string[]) {
				const eq = pair.indexOf('=');
				if (eq <= 0) throw new UsageError(`--broker-property "${pair}" is not KEY=VALUE`, 'write --broker-property maxMessageSize=4194304');
				props[pair.slice(0, eq)] = pair.slice(eq + 1);
			}
			setPath(options, spec.option!, props);
		} else if (spec.kind === 'int') setPath(options, spec.option!, intOrText(value as string));
		else if (spec.kind === 'list') setPath(options, spec.option!, splitHostList(value as string));
		else setPath(options, spec.option!, value);
	}
	return options;
}

function hostEntries(flags: Flags): HostInput[] {
	const list = splitHostList(flags.hosts as string);
	const user = flags['ssh-user'] as string | undefined;
	const port = flags['ssh-port'] as string | undefined;
	const identity = flags.identity as string | undefined;
	const cpus = flags.cpus as string | undefined;
	if (!user && !port && !identity && !cpus) return list;
	return list.map(text => {
		const ssh = parseSshShorthand(text);
		return {
			ssh: {...ssh, ...(user && !ssh.user ? {user} : {}), ...(port && !ssh.port ? {port: intOrText(port)} : {}), ...(identity ? {identity} : {})},
			...(cpus ? {cpus: intOrText(cpus)} : {}),
		};
	});
}

export function sshResolverFor(flags: Flags, io: CommandIO): SshResolver {
	const explicit = flags['ssh-config'] as string | undefined;
	const path = explicit ? resolve(io.cwd, explicit) : resolve(io.env.HOME ?? homedir(), '.ssh/config');
	if (explicit !== undefined && !existsSync(path)) {
		throw new UsageError(`--ssh-config ${path}: no such file`, 'give the path of an OpenSSH client config, or leave the flag out for ~/.ssh/config');
	}
	try {
		return readSshConfig(path);
	} catch (error) {
		throw new UsageError((error as Error).message, `fix ${path} or point --ssh-config at another file`);
	}
}

export async function clusterFromFlags(flags: Flags, io: CommandIO): Promise<ClusterFile> {
	if (flags.hosts !== undefined && flags.inventory !== undefined) {
		throw new UsageError('--hosts and --inventory both given', 'use one: --inventory FILE already lists the hosts');
	}
	const resolveSsh = sshResolverFor(flags, io);
	if (flags.inventory !== undefined) {
		const given = optionFlags.filter(f => flags[f.name] !== undefined).map(f => `--${f.name}`);
		const hostFlags = ['ssh-user', 'ssh-port', 'identity', 'cpus'].filter(f => flags[f] !== undefined).map(f => `--${f}`);
		if (given.length + hostFlags.length > 0) {
			throw new UsageError(`${[...given, ...hostFlags].join(', ')} cannot be combined with --inventory`, 'edit the cluster file instead (every option has a key there, see README)');
		}
		const file = resolve(io.cwd, flags.inventory as string);
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new UsageError(
				`cannot read --inventory ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`,
				'give the path of a cluster.yaml (rmq-tui --export DIR --hosts … writes one)',
			);
		}
		const parsed = parseClusterText(text, resolveSsh);
		if (!parsed.ok) throw new InputErrors(file, parsed.errors);
		return parsed.value;
	}
	if (flags.hosts === undefined) {
		throw new UsageError('no hosts given', 'add --hosts 192.168.1.71,192.168.1.76,192.168.1.77 or --inventory cluster.yaml');
	}
	const options = optionsFromFlags(flags);
	const built = clusterFromHostsChecked(hostEntries(flags), options, resolveSsh);
	if (!built.ok) throw new InputErrors('flags', built.errors.map(e => ({...e, path: flagForPath(e.path)})));
	return built.value;
}
