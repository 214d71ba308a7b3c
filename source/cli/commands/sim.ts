/**
 * `rmq-tui sim cluster | namesrv | broker`: the simulator in the foreground, until SIGINT/SIGTERM.
 *
 * - `sim cluster`: the whole planned cluster in this process (SimCluster on the real clock), every host on its own
 *   loopback address (host i → 127.0.0.(11+i)) with the plan's real ports; where those addresses cannot be bound
 *   (macOS has only 127.0.0.1), everything on 127.0.0.1 with host i's ports shifted by i × 1000.
 * - `sim namesrv` / `sim broker -c FILE`: ONE node, as a container would run it in place of the JVM
 *   (source/sim/standalone.ts).
 */
import {readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {propertiesMap} from '../../format/properties.ts';
import {formatErrors} from '../../inventory/errors.ts';
import {buildPlan} from '../../plan/plan.ts';
import type {Plan} from '../../plan/types.ts';
import {RealClock} from '../../sim/clock.ts';
import {SimCluster, type SimTopology} from '../../sim/cluster.ts';
import {EXIT_START_FAILED, prepareStore, readBrokerConf, StandaloneBroker, StandaloneNamesrv, StartupError} from '../../sim/standalone.ts';
import type {Flags} from '../args.ts';
import {clusterFromFlags, flagForPath} from '../cluster-input.ts';
import {EXIT, UsageError, type CommandIO} from '../io.ts';

/** The seed's three hosts, used when neither --hosts nor --inventory is given. */
export const SEED_HOSTS = '192.168.1.71,192.168.1.76,192.168.1.77';
/** Port shift per host when every host shares 127.0.0.1. */
export const FALLBACK_PORT_SHIFT = 1000;

export interface SimRunOptions {
	/** Resolves when the simulation should end (default: the first SIGINT or SIGTERM). */
	until?: Promise<unknown>;
}

export function untilSignal(): Promise<string> {
	return new Promise(resolveSignal => {
		const on = (signal: string): void => {
			process.off('SIGINT', on);
			process.off('SIGTERM', on);
			resolveSignal(signal);
		};
		process.on('SIGINT', on);
		process.on('SIGTERM', on);
	});
}

function timeScale(flags: Flags): number {
	const text = flags['time-scale'] as string | undefined;
	if (text === undefined) return 1;
	if (!/^\d+(\.\d+)?$/.test(text) || !(Number(text) > 0) || Number(text) > 1000) throw new UsageError(`--time-scale "${text}" is not a positive number up to 1000`, 'write --time-scale 10');
	return Number(text);
}

function portFlag(flags: Flags, name: string): number | undefined {
	const text = flags[name] as string | undefined;
	if (text === undefined) return undefined;
	if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UsageError(`--${name} "${text}" is not a port`, `write --${name} 9876`);
	return Number(text);
}

/** Can this (ip, port) be bound right now? ('EADDRNOTAVAIL' when the address does not exist here.) */
export function tryBind(host: string, port: number): Promise<string | undefined> {
	return new Promise(done => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
		server.listen({host, port, exclusive: true}, () => server.close(() => done(undefined)));
	});
}

export interface Placement {
	ip: string;
	shift: number;
}

/** host i → 127.0.0.(11+i) when those can be bound, else 127.0.0.1 with ports shifted by i × 1000. */
export async function loopbackPlacement(hostCount: number): Promise<Placement[]> {
	const ips = Array.from({length: hostCount}, (_, i) => `127.0.0.${11 + i}`);
	const ok = hostCount <= 244 && (await Promise.all(ips.map(ip => tryBind(ip, 0)))).every(e => e === undefined);
	return ok ? ips.map(ip => ({ip, shift: 0})) : ips.map((_, i) => ({ip: '127.0.0.1', shift: i * FALLBACK_PORT_SHIFT}));
}

/** SimCluster.fromPlan with each host placed on its loopback address (and port shift). */
export function loopbackTopology(plan: Plan, placement: readonly Placement[]): SimTopology {
	const at = (hostName: string): Placement => placement[plan.hosts.findIndex(h => h.spec.name === hostName)]!;
	return {
		clusterName: plan.options.name,
		namesrvs: plan.namesrvs.map(n => ({ip: at(n.host).ip, port: n.port + at(n.host).shift, host: n.host})),
		groups: plan.groups.map(g => ({
			name: g.name,
			replicas: g.replicas.map(r => {
				const {ip, shift} = at(r.host);
				return {
					selfId: r.selfId,
					ip,
					listenPort: r.listenPort + shift,
					fastPort: r.fastPort + shift,
					dledgerPort: r.dledgerPort + shift,
					storePathRootDir: '/home/rocketmq/store',
					config: {...plan.options.brokerProperties, sendMessageThreadPoolNums: String(r.sendMessageThreadPoolNums)},
				};
			}),
		})),
	};
}

function endpointsOf(topology: SimTopology): Array<{ip: string; port: number; owner: string}> {
	return [
		...topology.namesrvs.map(n => ({ip: n.ip, port: n.port, owner: `name server of ${n.host ?? n.ip}`})),
		...topology.groups.flatMap(g =>
			g.replicas.flatMap(r => [
				{ip: r.ip, port: r.listenPort, owner: `${g.name}/${r.selfId} listen`},
				{ip: r.ip, port: r.fastPort ?? r.listenPort - 2, owner: `${g.name}/${r.selfId} fast`},
				{ip: r.ip, port: r.dledgerPort, owner: `${g.name}/${r.selfId} DLedger`},
			]),
		),
	];
}

function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)));
	return rows.map(r => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join('').trimEnd()).join('\n');
}

async function simCluster(flags: Flags, io: CommandIO, options: SimRunOptions): Promise<number> {
	const scale = timeScale(flags);
	const withHosts = flags.hosts === undefined && flags.inventory === undefined ? {...flags, hosts: SEED_HOSTS} : flags;
	const cluster = await clusterFromFlags(withHosts, io);
	const planned = buildPlan(cluster);
	if (!planned.ok) {
		const label = flags.inventory === undefined ? flagForPath : (p: string) => p;
		io.stderr(`rmq-tui: the cluster cannot be planned:\n${formatErrors(planned.errors.map(e => ({...e, path: label(e.path)})))}\n`);
		return EXIT.usage;
	}
	const {plan} = planned;
	const placement = await loopbackPlacement(plan.hosts.length);
	const topology = loopbackTopology(plan, placement);
	const endpoints = endpointsOf(topology);
	const bad = endpoints.find(e => e.port > 65535);
	if (bad) throw new UsageError(`${bad.owner} would need port ${bad.port} on 127.0.0.1 (ports are shifted by ${FALLBACK_PORT_SHIFT} per host)`, 'use lower ports (--listen-port, --dledger-port) or fewer hosts');
	for (const e of endpoints) {
		const error = await tryBind(e.ip, e.port);
		if (error) {
			io.stderr(`rmq-tui: cannot bind ${e.ip}:${e.port} (${e.owner}): ${error === 'EADDRINUSE' ? 'in use' : error}\n  fix: stop what holds it, or move the cluster's ports (--namesrv-port, --listen-port, --dledger-port)\n`);
			return EXIT.findings;
		}
	}

	const sim = new SimCluster(topology, {clock: new RealClock({scale}), random: Math.random});
	let failure: unknown;
	const onRejection = (reason: unknown): void => void (failure ??= reason);
	process.on('unhandledRejection', onRejection);
	try {
		sim.startAll();
		await sim.listen();
		const all = [...sim.namesrvs, ...sim.brokers];
		const deadline = Date.now() + 10_000;
		while (!all.every(p => p.servers?.listening) && failure === undefined && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
		if (failure !== undefined || !all.every(p => p.servers?.listening)) {
			io.stderr(`rmq-tui: the simulated cluster did not open its ports: ${failure instanceof Error ? failure.message : String(failure ?? 'timed out')}\n`);
			return EXIT.findings;
		}
		const namesrvAddr = sim.namesrvs.map(n => n.addr).join(';');
		const rows = [['host', 'loopback', 'name server', 'brokers: listen (fast) / DLedger']];
		plan.hosts.forEach((h, i) => {
			const ns = topology.namesrvs.find(n => n.host === h.spec.name);
			const brokers = plan.groups.flatMap(g =>
				g.replicas
					.filter(r => r.host === h.spec.name)
					.map(r => topology.groups.find(tg => tg.name === g.name)!.replicas.find(tr => tr.selfId === r.selfId)!)
					.map(r => `${g.name}/${r.selfId} ${r.ip}:${r.listenPort} (${r.fastPort}) / ${r.ip}:${r.dledgerPort}`),
			);
			rows.push([h.spec.name, placement[i]!.ip, ns ? `${ns.ip}:${ns.port}` : '-', brokers.join(', ')]);
		});
		const shifted = placement.some(p => p.shift !== 0);
		io.stdout(
			[
				`Simulated RocketMQ 4.7.1 cluster ${plan.options.name}: ${plan.groups.length} DLedger group(s) × ${plan.options.replicas} replicas, ${plan.hosts.length} hosts${scale === 1 ? '' : `, timers ×${scale}`}`,
				shifted ? `127.0.0.11+ cannot be bound here: every host is on 127.0.0.1, host i's ports shifted by i × ${FALLBACK_PORT_SHIFT}` : 'Each host on its own loopback address, with the planned ports.',
				'',
				table(rows),
				'',
				`Name servers: ${namesrvAddr}`,
				`Next: rmq-tui status --namesrv '${namesrvAddr}'`,
				'Running; Ctrl-C (SIGINT) or SIGTERM stops it.',
				'',
			].join('\n'),
		);
		await (options.until ?? untilSignal());
		return EXIT.ok;
	} finally {
		await sim.close();
		process.off('unhandledRejection', onRejection);
	}
}

/** What a JVM that fails at start-up prints and exits with. */
function startupFailure(error: unknown, io: CommandIO): number {
	if (!(error instanceof StartupError)) throw error;
	io.stderr(`${error.message}\n`);
	return error.exitCode;
}

const logDirOf = (io: CommandIO): string => join(io.env.HOME ?? homedir(), 'logs', 'rocketmqlogs');

function readConf(flags: Flags, io: CommandIO): Buffer {
	const file = resolve(io.cwd, flags.config as string);
	try {
		return readFileSync(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new StartupError(`java.io.FileNotFoundException: ${file} (${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : 'Permission denied'})`, EXIT_START_FAILED);
	}
}

async function simNamesrv(flags: Flags, io: CommandIO, options: SimRunOptions): Promise<number> {
	const scale = timeScale(flags);
	try {
		let port = portFlag(flags, 'namesrv-port');
		if (port === undefined && flags.config !== undefined) {
			const listen = propertiesMap(readConf(flags, io).toString('latin1')).get('listenPort');
			if (listen !== undefined && /^\d+$/.test(listen)) port = Number(listen);
		}
		const namesrv = new StandaloneNamesrv(port ?? 9876, {clock: new RealClock({scale}), logDir: logDirOf(io)});
		await namesrv.start();
		io.stdout('The Name Server boot success. serializeType=JSON\n');
		try {
			await (options.until ?? untilSignal());
		} finally {
			await namesrv.close();
		}
		return EXIT.ok;
	} catch (error) {
		return startupFailure(error, io);
	}
}

async function simBroker(flags: Flags, io: CommandIO, options: SimRunOptions): Promise<number> {
	const scale = timeScale(flags);
	if (flags.config === undefined) throw new UsageError('sim broker needs a broker conf', 'add -c /path/to/broker.conf (as mqbroker -c)');
	try {
		const settings = readBrokerConf(readConf(flags, io), {env: io.env, home: io.env.HOME ?? homedir()});
		prepareStore(settings.storePathRootDir);
		const broker = new StandaloneBroker(settings, {clock: new RealClock({scale}), logDir: logDirOf(io)});
		await broker.start();
		const names = settings.namesrvAddr.join(';');
		io.stdout(`The broker[${settings.brokerName}, ${broker.addr}] boot success. serializeType=JSON${names ? ` and name server is ${names}` : ''}\n`);
		try {
			await (options.until ?? untilSignal());
		} finally {
			await broker.close();
		}
		return EXIT.ok;
	} catch (error) {
		return startupFailure(error, io);
	}
}

export const SIM_KINDS = ['cluster', 'namesrv', 'broker'] as const;

export async function simCommand(kind: string | undefined, flags: Flags, io: CommandIO, options: SimRunOptions = {}): Promise<number> {
	if (kind === 'cluster') return simCluster(flags, io, options);
	if (kind === 'namesrv') return simNamesrv(flags, io, options);
	if (kind === 'broker') return simBroker(flags, io, options);
	throw new UsageError(kind === undefined ? 'sim needs what to run' : `unknown sim target "${kind}"`, 'write rmq-tui sim cluster, sim namesrv or sim broker -c FILE');
}
