/**
 * The simulated cluster: name servers and brokers (each with its DLedger member) as in-process actors on one
 * Clock. Controls per process: stop, kill, pause, resume, start. With listen(), every running process also
 * serves its real TCP ports (name server; broker listen + fast (listen−2); DLedger), answering from live state.
 */
import {ResponseCode, RequestCode} from '../rocketmq/codes.ts';
import type {Frame} from '../rocketmq/codec.ts';
import type {Plan} from '../plan/types.ts';
import {between, ProcessTimers, RealClock, type Clock, type Random} from './clock.ts';
import {brokerConfigText, brokerRuntimeTable} from './broker-config.ts';
import {DLEDGER_TIMINGS, DLedgerGroup, type DLedgerMember, type DLedgerTimings, type LogLine, type Role} from './dledger.ts';
import {javaHashMap, toFastjson} from './fastjson-writer.ts';
import {BROKER_DEFAULT_LOG, BROKER_LOG, NAMESRV_LOG, ProcessLog} from './logs.ts';
import {DEFAULT_TOPICS, NameServerModel, type TopicConfig} from './namesrv.ts';
import {dledgerUnsupported, encodeResponse, metadataBody, topicNotExistRemark} from './replies.ts';
import {ProcessServers, type Endpoint} from './server.ts';
import {join} from 'node:path';

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
}

const pick = (random: Random, [lo, hi]: Range): number => between(random, lo, hi);
const selfIdNumber = (selfId: string): number => Number(/\d+$/.exec(selfId)?.[0] ?? '0');

abstract class SimProcess {
	status: ProcessStatus = 'stopped';
	readonly timers: ProcessTimers;
	servers: ProcessServers | undefined;

	constructor(
		readonly cluster: SimCluster,
		readonly id: string,
	) {
		this.timers = new ProcessTimers(cluster.clock);
	}

	abstract endpoints(): Endpoint[];
	protected abstract boot(): void;
	protected abstract halt(mode: 'kill' | 'stop'): void;

	get up(): boolean {
		return this.status === 'running' || this.status === 'paused';
	}

	start(): void {
		if (this.status !== 'stopped' && this.status !== 'killed') return;
		this.status = 'booting';
		this.timers.after(this.bootDelay(), () => {
			this.status = 'running';
			this.boot();
			if (this.cluster.listening) void this.openPorts();
		});
	}

	protected bootDelay(): number {
		return pick(this.cluster.random, this.cluster.timings.bootMs);
	}

	async openPorts(): Promise<void> {
		this.servers ??= new ProcessServers(this.endpoints());
		await this.servers.listen();
		if (this.status === 'paused') this.servers.pause();
	}

	kill(): Promise<void> {
		return this.end('kill');
	}

	stop(): Promise<void> {
		return this.end('stop');
	}

	private async end(mode: 'kill' | 'stop'): Promise<void> {
		if (this.status === 'stopped' || this.status === 'killed') return;
		const wasUp = this.up;
		this.status = mode === 'kill' ? 'killed' : 'stopped';
		this.timers.clearAll();
		if (wasUp) this.halt(mode);
		await this.servers?.close(mode === 'kill' ? 'reset' : 'graceful');
	}

	pause(): void {
		if (this.status !== 'running') return;
		this.status = 'paused';
		this.timers.pause();
		this.servers?.pause();
	}

	resume(): void {
		if (this.status !== 'paused') return;
		this.status = 'running';
		this.servers?.resume();
		this.timers.resume();
	}
}

export class NamesrvProcess extends SimProcess {
	readonly model: NameServerModel;
	readonly log: ProcessLog;

	constructor(
		cluster: SimCluster,
		readonly ip: string,
		readonly port: number,
		host?: string,
	) {
		super(cluster, `namesrv@${host ?? `${ip}:${port}`}`);
		this.log = new ProcessLog(() => cluster.clock.now(), cluster.logDir && join(cluster.logDir, `namesrv-${ip}-${port}`));
		this.model = new NameServerModel((level, thread, message) => this.log.write(NAMESRV_LOG, level, thread, message));
	}

	get addr(): string {
		return `${this.ip}:${this.port}`;
	}

	endpoints(): Endpoint[] {
		return [{host: this.ip, port: this.port, handler: f => this.handle(f)}];
	}

	handle(frame: Frame): Buffer | undefined {
		const {code, opaque, extFields} = frame.header;
		if (code === RequestCode.GET_BROKER_CLUSTER_INFO) return encodeResponse({code: ResponseCode.SUCCESS, opaque, body: this.model.clusterInfoBody()});
		if (code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
			const topic = extFields?.topic ?? '';
			const body = this.model.routeBody(topic);
			return body
				? encodeResponse({code: ResponseCode.SUCCESS, opaque, body})
				: encodeResponse({code: ResponseCode.TOPIC_NOT_EXIST, opaque, remark: topicNotExistRemark(topic)});
		}
		return undefined;
	}

	protected boot(): void {
		this.log.write(NAMESRV_LOG, 'INFO', 'main', 'The Name Server boot success. serializeType=JSON');
		const scan = (): void => {
			this.model.scanNotActiveBrokers(this.cluster.clock.now());
			this.timers.after(this.cluster.timings.namesrvScanMs, scan);
		};
		this.timers.after(5000, scan);
	}

	protected halt(): void {
		this.model.clear();
	}
}

export class BrokerProcess extends SimProcess {
	readonly member: DLedgerMember;
	readonly log: ProcessLog;
	brokerId = -1;
	storeRole = 'ASYNC_MASTER';
	launchedAt = 0;
	bootTimestamp = 0;
	readonly topics = new Map<string, TopicConfig>(DEFAULT_TOPICS);
	/** One connection per name server, per process life. */
	private channels = new Map<string, object>();
	private registerThread = 0;

	constructor(
		cluster: SimCluster,
		readonly group: DLedgerGroup,
		readonly selfId: string,
		readonly ip: string,
		readonly listenPort: number,
		readonly fastPort: number,
		readonly dledgerPort: number,
		readonly storePathRootDir: string,
		readonly config: Record<string, string>,
	) {
		super(cluster, `${group.name}/${selfId}`);
		this.log = new ProcessLog(() => cluster.clock.now(), cluster.logDir && join(cluster.logDir, `${group.name}-${selfId}`));
		this.member = group.add(selfId, {
			timers: this.timers,
			log: (line: LogLine) => this.log.write(BROKER_DEFAULT_LOG, line.level, line.thread, line.message),
			roleChanged: (term, role, leaderId) => this.roleChanged(term, role, leaderId),
		});
	}

	get addr(): string {
		return `${this.ip}:${this.listenPort}`;
	}

	override start(): void {
		if (this.status === 'stopped' || this.status === 'killed') this.launchedAt = this.cluster.clock.now();
		super.start();
	}

	endpoints(): Endpoint[] {
		const broker = (f: Frame): Buffer | undefined => this.handleBroker(f);
		return [
			{host: this.ip, port: this.listenPort, handler: broker},
			{host: this.ip, port: this.fastPort, handler: broker},
			{host: this.ip, port: this.dledgerPort, handler: f => this.handleDledger(f)},
		];
	}

	configText(): string {
		return brokerConfigText({
			clusterName: this.cluster.topology.clusterName,
			brokerName: this.group.name,
			selfId: this.selfId,
			peers: [...this.group.peers].map(([id, a]) => `${id}-${a}`).join(';'),
			ip: this.ip,
			listenPort: this.listenPort,
			namesrvAddr: this.cluster.namesrvs.map(n => n.addr).join(';'),
			brokerId: this.brokerId,
			brokerRole: this.storeRole,
			storePathRootDir: this.storePathRootDir,
			extra: this.config,
		});
	}

	handleBroker(frame: Frame): Buffer | undefined {
		const {code, opaque} = frame.header;
		if (code === RequestCode.GET_BROKER_CONFIG) {
			return encodeResponse({
				code: ResponseCode.SUCCESS,
				opaque,
				extFields: {version: toFastjson({counter: 0, timestamp: this.launchedAt})},
				body: Buffer.from(this.configText(), 'utf8'),
			});
		}
		if (code === RequestCode.GET_BROKER_RUNTIME_INFO) {
			const table = brokerRuntimeTable({bootTimestamp: this.bootTimestamp, now: this.cluster.clock.now()});
			return encodeResponse({code: ResponseCode.SUCCESS, opaque, body: Buffer.from(toFastjson({table}), 'utf8')});
		}
		return undefined;
	}

	handleDledger(frame: Frame): Buffer {
		const {code, opaque} = frame.header;
		if (code !== RequestCode.DLEDGER_METADATA) return dledgerUnsupported(code, opaque);
		let request: {group?: unknown; remoteId?: unknown} = {};
		try {
			const parsed: unknown = JSON.parse(frame.body.toString('utf8'));
			if (parsed && typeof parsed === 'object') request = parsed as typeof request;
		} catch {
			// an unreadable body is answered as an unknown group
		}
		const {body, code: bodyCode} = metadataBody(this.metadataView(), request);
		if (bodyCode === ResponseCode.DLEDGER_UNKNOWN_MEMBER) {
			this.log.write(
				BROKER_DEFAULT_LOG,
				'ERROR',
				'NettyServerPublicExecutor_1',
				`[${this.selfId}][HandleMetadata] failed\nio.openmessaging.storage.dledger.exception.DLedgerException: [code=401,name=UNKNOWN_MEMBER,desc=] ${String(request.remoteId)} != ${this.selfId}`,
			);
		}
		return encodeResponse({code: ResponseCode.DLEDGER_SUCCESS, opaque, body});
	}

	metadataView(): {group: string; selfId: string; leaderId: string | undefined; peers: Map<string, string>} {
		return {group: this.group.name, selfId: this.selfId, leaderId: this.member.leaderId, peers: javaHashMap(this.group.peers)};
	}

	protected boot(): void {
		this.bootTimestamp = this.cluster.clock.now();
		this.brokerId = -1;
		this.storeRole = 'ASYNC_MASTER';
		this.channels = new Map();
		this.member.start();
		const periodic = (): void => {
			this.registerAll();
			this.timers.after(this.cluster.timings.registerPeriodMs, periodic);
		};
		this.timers.after(this.cluster.timings.registerInitialDelayMs, periodic);
	}

	protected halt(mode: 'kill' | 'stop'): void {
		this.member.stop();
		const channels = this.channels;
		for (const ns of this.cluster.namesrvs) {
			const channel = channels.get(ns.id);
			if (!channel || !ns.up) continue;
			if (mode === 'stop') {
				ns.timers.run(() =>
					ns.model.unregisterBroker({clusterName: this.cluster.topology.clusterName, brokerAddr: this.addr, brokerName: this.group.name, brokerId: this.brokerId}),
				);
			}
			ns.timers.after(pick(this.cluster.random, this.cluster.timings.channelCloseMs), () => ns.model.onChannelDestroy(channel));
		}
	}

	private brokerLog(message: string, thread = 'DLegerRoleChangeHandler_1'): void {
		this.log.write(BROKER_LOG, 'INFO', thread, message);
	}

	private roleChanged(term: number, role: Role, _leaderId: string | undefined): void {
		const ROLE = role.toUpperCase();
		this.brokerLog(`Begin handling broker role change term=${term} role=${ROLE} currStoreRole=${this.storeRole}`);
		const finish = (): void => this.brokerLog(`Finish handling broker role change succ=true term=${term} role=${ROLE} currStoreRole=${this.storeRole} cost=0`);
		if (role === 'leader') {
			this.brokerLog(`Begin to change to master brokerName=${this.group.name}`);
			this.brokerId = 0;
			this.storeRole = 'SYNC_MASTER';
			this.timers.after(pick(this.cluster.random, this.cluster.timings.leaderRegisterMs), () => {
				this.registerAll();
				this.brokerLog(`Finish to change to master brokerName=${this.group.name}`);
				finish();
			});
		} else if (role === 'follower' || this.storeRole !== 'SLAVE') {
			const brokerId = selfIdNumber(this.selfId) + 1;
			this.brokerLog(`Begin to change to slave brokerName=${this.group.name} brokerId=${brokerId}`);
			this.brokerId = brokerId;
			this.storeRole = 'SLAVE';
			this.timers.after(pick(this.cluster.random, this.cluster.timings.followerRegisterMs), () => {
				this.registerAll();
				this.brokerLog(`Finish to change to slave brokerName=${this.group.name} brokerId=${brokerId}`);
				finish();
			});
		} else {
			finish();
		}
	}

	/** registerBrokerAll: the current id to every name server that is up. */
	registerAll(): void {
		const thread = `brokerOutApi_thread_${(this.registerThread++ % 4) + 1}`;
		for (const ns of this.cluster.namesrvs) {
			if (!ns.up) {
				this.log.write(BROKER_LOG, 'WARN', thread, `registerBroker Exception, ${ns.addr}`);
				continue;
			}
			let channel = this.channels.get(ns.id);
			if (!channel) this.channels.set(ns.id, (channel = {broker: this.id, ns: ns.id}));
			const registration = {
				clusterName: this.cluster.topology.clusterName,
				brokerAddr: this.addr,
				brokerName: this.group.name,
				brokerId: this.brokerId,
				haServerAddr: `${this.ip}:${this.listenPort + 1}`,
				topics: this.topics,
				channel,
			};
			ns.timers.run(() => ns.model.registerBroker(registration, this.cluster.clock.now()));
			this.brokerLog(`register broker[${this.brokerId}]to name server ${ns.addr} OK`, thread);
		}
	}
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
