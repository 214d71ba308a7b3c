/**
 * The standalone broker: started from its settings, registers with name servers in other processes and, in
 * DLedger mode, elects a leader with the other members of its group over the wire.
 */
import {crc32} from 'node:zlib';
import type {Frame} from '../rocketmq/codec.ts';
import {RequestCode, ResponseCode} from '../rocketmq/codes.ts';
import {brokerConfigText, brokerRuntimeTable} from './broker-config.ts';
import {ProcessTimers, type Random} from './clock.ts';
import {SIM_TIMINGS, type SimTimings} from './cluster.ts';
import type {DLedgerMember, Role} from './dledger.ts';
import {javaHashMap, toFastjson} from './fastjson-writer.ts';
import {BROKER_DEFAULT_LOG, BROKER_LOG} from './logs.ts';
import {DEFAULT_TOPICS, type TopicConfig} from './namesrv.ts';
import {dledgerUnsupported, encodeResponse, metadataBody} from './replies.ts';
import {ProcessServers, type Endpoint} from './server.ts';
import type {BrokerSettings} from './standalone-conf.ts';
import {listenOrFail, pick, safeLog, type NodeOptions} from './standalone-node.ts';
import {WireDLedgerGroup} from './wire-election.ts';
import {WireCode, WireLink} from './wire-link.ts';

/** DLedger 0.1 DLedgerResponseCode.EXPIRED_TERM (only sim nodes read it). */
const DLEDGER_EXPIRED_TERM = 403;

export class StandaloneBroker {
	readonly timers: ProcessTimers;
	readonly timings: SimTimings;
	readonly group: WireDLedgerGroup | undefined;
	readonly member: DLedgerMember | undefined;
	brokerId: number;
	storeRole: string;
	private readonly random: Random;
	private readonly servers: ProcessServers;
	private readonly namesrvs: WireLink[];
	private readonly log: ReturnType<typeof safeLog>;
	private bootTimestamp = 0;
	private readonly topics: ReadonlyMap<string, TopicConfig> = DEFAULT_TOPICS;
	private readonly dataVersion: {counter: number; timestamp: number};

	constructor(
		readonly settings: BrokerSettings,
		private readonly options: NodeOptions,
	) {
		const clock = options.clock;
		this.random = options.random ?? Math.random;
		this.timings = {...SIM_TIMINGS, ...options.timings};
		this.timers = new ProcessTimers(clock);
		this.log = safeLog(() => clock.now(), options.logDir);
		this.brokerId = settings.brokerId;
		this.storeRole = settings.brokerRole;
		this.dataVersion = {counter: 0, timestamp: clock.now()};
		this.namesrvs = settings.namesrvAddr.map(a => {
			const split = a.lastIndexOf(':');
			return new WireLink(a.slice(0, split), Number(a.slice(split + 1)));
		});
		const host = options.bindHost ?? '0.0.0.0';
		const broker = (f: Frame): Buffer | undefined => this.handleBroker(f);
		const endpoints: Endpoint[] = [
			{host, port: settings.listenPort, handler: broker},
			{host, port: settings.listenPort - 2, handler: broker},
		];
		const d = settings.dledger;
		if (d) {
			this.group = new WireDLedgerGroup(d.group, d.peers, clock, this.random, d.selfId, this.timings.dledger);
			this.member = this.group.add(d.selfId, {
				timers: this.timers,
				log: line => this.log(BROKER_DEFAULT_LOG, line.level, line.thread, line.message),
				roleChanged: (term, role) => this.roleChanged(term, role),
			});
			endpoints.push({host, port: d.port, handler: f => this.handleDledger(f)});
		}
		this.servers = new ProcessServers(endpoints);
	}

	get addr(): string {
		return `${this.settings.brokerIP1}:${this.settings.listenPort}`;
	}

	/** Bind the ports, then run: register now (plain broker) or start the election (DLedger). */
	async start(): Promise<void> {
		await listenOrFail(this.servers);
		this.bootTimestamp = this.options.clock.now();
		if (this.member) this.member.start();
		else this.registerAll();
		const periodic = (): void => {
			this.registerAll();
			this.timers.after(this.timings.registerPeriodMs, periodic);
		};
		this.timers.after(this.timings.registerInitialDelayMs, periodic);
	}

	/** The shutdown hook: unregister from every name server, then close the ports. */
	async close(): Promise<void> {
		this.timers.clearAll();
		this.member?.stop();
		await Promise.all(
			this.namesrvs.map(link =>
				link
					.request(WireCode.UNREGISTER_BROKER, {
						extFields: {brokerAddr: this.addr, brokerId: String(this.brokerId), brokerName: this.settings.brokerName, clusterName: this.settings.clusterName},
						timeoutMs: 1000,
					})
					.catch(() => undefined),
			),
		);
		for (const link of this.namesrvs) link.close();
		this.group?.close();
		await this.servers.close('graceful');
	}

	private brokerLog(message: string, thread = 'DLegerRoleChangeHandler_1'): void {
		this.log(BROKER_LOG, 'INFO', thread, message);
	}

	private roleChanged(term: number, role: Role): void {
		const d = this.settings.dledger!;
		const ROLE = role.toUpperCase();
		this.brokerLog(`Begin handling broker role change term=${term} role=${ROLE} currStoreRole=${this.storeRole}`);
		if (role === 'leader') {
			this.brokerLog(`Begin to change to master brokerName=${this.settings.brokerName}`);
			this.brokerId = 0;
			this.storeRole = 'SYNC_MASTER';
			this.timers.after(pick(this.random, this.timings.leaderRegisterMs), () => {
				this.registerAll();
				this.brokerLog(`Finish to change to master brokerName=${this.settings.brokerName}`);
			});
		} else if (role === 'follower' || this.storeRole !== 'SLAVE') {
			const brokerId = Number(/\d+$/.exec(d.selfId)?.[0] ?? '0') + 1;
			this.brokerLog(`Begin to change to slave brokerName=${this.settings.brokerName} brokerId=${brokerId}`);
			this.brokerId = brokerId;
			this.storeRole = 'SLAVE';
			this.timers.after(pick(this.random, this.timings.followerRegisterMs), () => {
				this.registerAll();
				this.brokerLog(`Finish to change to slave brokerName=${this.settings.brokerName} brokerId=${brokerId}`);
			});
		}
	}

	/** RegisterBrokerBody as 4.7.1 encodes it uncompressed (fastjson). */
	registrationBody(): Buffer {
		const topicConfigTable = new Map(
			[...this.topics].map(([name, t]) => [
				name,
				{order: false, perm: t.perm, readQueueNums: t.readQueueNums, topicFilterType: 'SINGLE_TAG', topicName: name, topicSysFlag: t.topicSynFlag, writeQueueNums: t.writeQueueNums},
			]),
		);
		return Buffer.from(toFastjson({filterServerList: [], topicConfigSerializeWrapper: {dataVersion: this.dataVersion, topicConfigTable}}), 'utf8');
	}

	/** registerBrokerAll: REGISTER_BROKER (103) to every name server, over one connection each. */
	registerAll(): void {
		const body = this.registrationBody();
		const extFields = {
			brokerAddr: this.addr,
			brokerId: String(this.brokerId),
			brokerName: this.settings.brokerName,
			clusterName: this.settings.clusterName,
			haServerAddr: `${this.settings.brokerIP2}:${this.settings.listenPort + 1}`,
			compressed: 'false',
			bodyCrc32: String(crc32(body) & 0x7fffffff),
		};
		for (const link of this.namesrvs) {
			link
				.request(WireCode.REGISTER_BROKER, {extFields, body, timeoutMs: 6000})
				.then(frame => {
					if (frame.header.code === ResponseCode.SUCCESS) this.brokerLog(`register broker[${this.brokerId}]to name server ${link.addr} OK`, 'brokerOutApi_thread_1');
					else this.log(BROKER_LOG, 'WARN', 'brokerOutApi_thread_1', `registerBroker Exception, ${link.addr}: code ${frame.header.code} ${frame.header.remark ?? ''}`);
				})
				.catch(() => this.log(BROKER_LOG, 'WARN', 'brokerOutApi_thread_1', `registerBroker Exception, ${link.addr}`));
		}
	}

	handleBroker(frame: Frame): Buffer | undefined {
		const {code, opaque} = frame.header;
		const s = this.settings;
		if (code === RequestCode.GET_BROKER_CONFIG) {
			const text = brokerConfigText({
				clusterName: s.clusterName,
				brokerName: s.brokerName,
				selfId: s.dledger?.selfId ?? 'n0',
				peers: s.dledger ? [...s.dledger.peers].map(([id, a]) => `${id}-${a}`).join(';') : '',
				ip: s.brokerIP1,
				listenPort: s.listenPort,
				namesrvAddr: s.namesrvAddr.join(';'),
				brokerId: this.brokerId,
				brokerRole: this.storeRole,
				storePathRootDir: s.storePathRootDir,
				extra: {...s.properties, brokerIP2: s.brokerIP2, enableDLegerCommitLog: String(s.dledger !== undefined), ...(s.dledger ? {} : {dLegerGroup: '', dLegerPeers: '', dLegerSelfId: 'n0'})},
			});
			return encodeResponse({code: ResponseCode.SUCCESS, opaque, extFields: {version: toFastjson(this.dataVersion)}, body: Buffer.from(text, 'utf8')});
		}
		if (code === RequestCode.GET_BROKER_RUNTIME_INFO) {
			const table = brokerRuntimeTable({bootTimestamp: this.bootTimestamp, now: this.options.clock.now()});
			return encodeResponse({code: ResponseCode.SUCCESS, opaque, body: Buffer.from(toFastjson({table}), 'utf8')});
		}
		return undefined;
	}

	handleDledger(frame: Frame): Buffer {
		const {code, opaque} = frame.header;
		const d = this.settings.dledger!;
		const member = this.member!;
		let request: {group?: unknown; remoteId?: unknown; leaderId?: unknown; term?: unknown} = {};
		try {
			const parsed: unknown = JSON.parse(frame.body.toString('utf8'));
			if (parsed && typeof parsed === 'object') request = parsed as typeof request;
		} catch {
			// answered as an unknown group
		}
		if (code === RequestCode.DLEDGER_METADATA) {
			const {body} = metadataBody({group: d.group, selfId: d.selfId, leaderId: member.leaderId, peers: javaHashMap(d.peers)}, request);
			return encodeResponse({code: ResponseCode.DLEDGER_SUCCESS, opaque, body});
		}
		if (code !== WireCode.DLEDGER_VOTE && code !== WireCode.DLEDGER_HEART_BEAT) return dledgerUnsupported(code, opaque);
		const reply = (body: Record<string, unknown>): Buffer => encodeResponse({code: ResponseCode.DLEDGER_SUCCESS, opaque, body: Buffer.from(toFastjson(body), 'utf8')});
		if (request.group !== d.group) return reply({code: ResponseCode.DLEDGER_UNKNOWN_GROUP, group: request.group, term: member.term});
		if (request.remoteId !== d.selfId) return reply({code: ResponseCode.DLEDGER_UNKNOWN_MEMBER, group: d.group, remoteId: request.remoteId, term: member.term});
		const leaderId = String(request.leaderId);
		const term = Number(request.term);
		if (!member.up || !Number.isInteger(term) || !d.peers.has(leaderId)) return reply({code: ResponseCode.DLEDGER_UNKNOWN_MEMBER, group: d.group, term: member.term});
		if (code === WireCode.DLEDGER_VOTE) {
			const r = member.handleVote(term, leaderId);
			return reply({code: ResponseCode.DLEDGER_SUCCESS, group: d.group, leaderId, remoteId: d.selfId, term: r.term, voteResult: r.result});
		}
		const r = member.handleHeartbeat(term, leaderId);
		return reply({code: r.ok ? ResponseCode.DLEDGER_SUCCESS : DLEDGER_EXPIRED_TERM, group: d.group, leaderId, remoteId: d.selfId, term: r.term});
	}
}
