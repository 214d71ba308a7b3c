/**
 * A broker of the in-process simulated cluster, with its DLedger member; registers with the cluster's name servers.
 */
import {join} from 'node:path';
import type {Frame} from '../rocketmq/codec.ts';
import {RequestCode, ResponseCode} from '../rocketmq/codes.ts';
import {brokerConfigText, brokerRuntimeTable} from './broker-config.ts';
import type {SimCluster} from './cluster.ts';
import type {DLedgerGroup, DLedgerMember, LogLine, Role} from './dledger.ts';
import {javaHashMap, toFastjson} from './fastjson-writer.ts';
import {BROKER_DEFAULT_LOG, BROKER_LOG, ProcessLog} from './logs.ts';
import {DEFAULT_TOPICS, type TopicConfig} from './namesrv.ts';
import {dledgerUnsupported, encodeResponse, metadataBody} from './replies.ts';
import type {Endpoint} from './server.ts';
import {pick, SimProcess} from './sim-process.ts';

const selfIdNumber = (selfId: string): number => Number(/\d+$/.exec(selfId)?.[0] ?? '0');

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
