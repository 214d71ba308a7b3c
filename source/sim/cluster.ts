/**
 * The simulated cluster: name servers and brokers (each with its DLedger member) as in-process actors on one
 * Clock. Controls per process: stop, kill, pause, resume, start. With listen(), every running process also
 * serves its real TCP ports (name server; broker listen + fast (listen−2); DLedger), answering from live state.
 */
import type {Plan} from '../plan/types.ts';
import {RealClock, type Clock, type Random} from './clock.ts';
import {DLEDGER_TIMINGS, DLedgerGroup, type DLedgerTimings, type Role} from './dledger.ts';
import {BrokerProcess} from './broker-process.ts';
import {NamesrvProcess} from './namesrv-process.ts';
import type {SimProcess} from './sim-process.ts';

export {BrokerProcess} from './broker-process.ts';
export {NamesrvProcess} from './namesrv-process.ts';

export interface SimTopology {
	clusterName: string;
	namesrvs: Array<{ip: string; port: number; host?: string}>;
	groups: Array<{
		name: string;
		replicas: Array<{selfId: string; ip: string; listenPort: number; fastPort?: number; dledgerPort: number; storePathRootDir?: string; config?: Record<string, string>}>;
	}>;
}

export type Range = readonly [number, number];

export interface SimTimings {
	/** Process launch → ports open and DLedger running. */
	bootMs: Range;
	/** A dead broker's connection is noticed by a name server after this (measured ~0.1 s). */
	channelCloseMs: Range;
	/**
	 * Role change to LEADER → registration as brokerId 0 at every name server. Calibrated so that kill → new
	 * brokerId 0 lands in the measured 4.2–6.4 s (timeout 4–6 s after the kill + vote + this).
	 */
	leaderRegisterMs: Range;
	followerRegisterMs: Range;
	/** registerNameServerPeriod, and the first periodic registration after boot. */
	registerPeriodMs: number;
	registerInitialDelayMs: number;
	/** The name server's scan for brokers silent for 120 s. */
	namesrvScanMs: number;
	dledger: DLedgerTimings;
}

export const SIM_TIMINGS: SimTimings = {
	bootMs: [900, 1300],
	channelCloseMs: [100, 125],
	leaderRegisterMs: [200, 290],
	followerRegisterMs: [20, 60],
	registerPeriodMs: 30_000,
	registerInitialDelayMs: 10_000,
	namesrvScanMs: 10_000,
	dledger: DLEDGER_TIMINGS,
};

export type ProcessStatus = 'booting' | 'running' | 'paused' | 'stopped' | 'killed';

export interface SimOptions {
	clock: Clock;
	random: Random;
	timings?: Partial<SimTimings>;
	/** Append log files under this directory (`<dir>/<group>-<selfId>/broker.log`, `<dir>/namesrv-<port>/namesrv.log`). */
	logDir?: string;
	/**
	 * Where a process's (ip, port) is really bound: processes keep advertising their planned addresses (name
	 * servers list those, as real brokers advertise brokerIP1) while listening somewhere this machine has, e.g.
	 * 192.168.1.71:10911 → 127.0.0.11:10911. Clients dial through the same mapping. Default: as planned.
	 */
	bind?: (endpoint: {host: string; port: number}) => {host: string; port: number};
}

export interface SimState {
	at: number;
	namesrvs: Array<{id: string; addr: string; status: ProcessStatus; brokerAddrs: Record<string, Record<number, string>>}>;
	brokers: Array<{id: string; addr: string; status: ProcessStatus; role: Role | undefined; term: number; leaderId: string | undefined; brokerId: number; storeRole: string}>;
}

export class SimCluster {
	readonly clock: Clock;
	readonly random: Random;
	readonly timings: SimTimings;
	readonly logDir: string | undefined;
	readonly bind: (endpoint: {host: string; port: number}) => {host: string; port: number};
	readonly namesrvs: NamesrvProcess[];
	readonly brokers: BrokerProcess[];
	readonly groups: DLedgerGroup[];
	listening = false;

	constructor(
		readonly topology: SimTopology,
		options: SimOptions,
	) {
		this.clock = options.clock;
		this.random = options.random;
		this.timings = {...SIM_TIMINGS, ...options.timings};
		this.logDir = options.logDir;
		this.bind = options.bind ?? (endpoint => endpoint);
		this.namesrvs = topology.namesrvs.map(n => new NamesrvProcess(this, n.ip, n.port, n.host));
		this.groups = [];
		this.brokers = [];
		for (const g of topology.groups) {
			const peers = new Map(g.replicas.map(r => [r.selfId, `${r.ip}:${r.dledgerPort}`] as const));
			const group = new DLedgerGroup(g.name, peers, this.clock, this.random, this.timings.dledger);
			this.groups.push(group);
			for (const r of g.replicas) {
				this.brokers.push(
					new BrokerProcess(this, group, r.selfId, r.ip, r.listenPort, r.fastPort ?? r.listenPort - 2, r.dledgerPort, r.storePathRootDir ?? '/home/rocketmq/store', r.config ?? {}),
				);
			}
		}
	}

	/** From a plan; bindHost maps a host's index in plan.hosts to the IP the simulator uses for it (default: its IP). */
	static fromPlan(plan: Plan, options: SimOptions & {bindHost?: (hostIndex: number) => string}): SimCluster {
		const ipOf = (hostName: string): string => {
			const index = plan.hosts.findIndex(h => h.spec.name === hostName);
			return options.bindHost ? options.bindHost(index) : plan.hosts[index]!.spec.ip;
		};
		const topology: SimTopology = {
			clusterName: plan.options.name,
			namesrvs: plan.namesrvs.map(n => ({ip: ipOf(n.host), port: n.port, host: n.host})),
			groups: plan.groups.map(g => ({
				name: g.name,
				replicas: g.replicas.map(r => ({
					selfId: r.selfId,
					ip: ipOf(r.host),
					listenPort: r.listenPort,
					fastPort: r.fastPort,
					dledgerPort: r.dledgerPort,
					storePathRootDir: `/home/rocketmq/store`,
					config: {...plan.options.brokerProperties, sendMessageThreadPoolNums: String(r.sendMessageThreadPoolNums)},
				})),
			})),
		};
		return new SimCluster(topology, options);
	}

	private get processes(): SimProcess[] {
		return [...this.namesrvs, ...this.brokers];
	}

	/** `RaftNode00/n1`, `namesrv@<host>` or `namesrv@<ip>:<port>`. */
	process(id: string): NamesrvProcess | BrokerProcess {
		const found = this.processes.find(p => p.id === id) ?? this.namesrvs.find(n => id === `namesrv@${n.addr}`);
		if (!found) throw new Error(`no simulated process ${id}`);
		return found as NamesrvProcess | BrokerProcess;
	}

	broker(id: string): BrokerProcess {
		const p = this.process(id);
		if (!(p instanceof BrokerProcess)) throw new Error(`${id} is not a broker`);
		return p;
	}

	namesrv(id: string): NamesrvProcess {
		const p = this.process(id);
		if (!(p instanceof NamesrvProcess)) throw new Error(`${id} is not a name server`);
		return p;
	}

	/** Launch every process (name servers first, as a deployment does). */
	startAll(): void {
		for (const p of this.processes) p.start();
	}

	start(id: string): void {
		this.process(id).start();
	}

	stop(id: string): Promise<void> {
		return this.process(id).stop();
	}

	kill(id: string): Promise<void> {
		return this.process(id).kill();
	}

	pause(id: string): void {
		this.process(id).pause();
	}

	resume(id: string): void {
		this.process(id).resume();
	}

	/** Open the real ports of every process that is up (and of those that come up later). */
	async listen(): Promise<void> {
		this.listening = true;
		await Promise.all(this.processes.filter(p => p.up).map(p => p.openPorts()));
	}

	/** Close every port and end every process. */
	async close(): Promise<void> {
		this.listening = false;
		await Promise.all(this.processes.map(p => p.kill()));
		if (this.clock instanceof RealClock) this.clock.clearAll();
	}

	/** Addresses with brokerId 0 for `group` at each name server that is up (undefined: none). */
	leaderAtNamesrvs(group: string): Array<string | undefined> {
		return this.namesrvs.filter(n => n.up).map(n => n.model.brokerAddrs().get(group)?.get(0));
	}

	state(): SimState {
		return {
			at: this.clock.now(),
			namesrvs: this.namesrvs.map(n => ({
				id: n.id,
				addr: n.addr,
				status: n.status,
				brokerAddrs: Object.fromEntries([...n.model.brokerAddrs()].map(([name, addrs]) => [name, Object.fromEntries(addrs)])),
			})),
			brokers: this.brokers.map(b => ({
				id: b.id,
				addr: b.addr,
				status: b.status,
				role: b.member.up ? b.member.role : undefined,
				term: b.member.term,
				leaderId: b.member.up ? b.member.leaderId : undefined,
				brokerId: b.brokerId,
				storeRole: b.storeRole,
			})),
		};
	}
}
