/**
 * One name server's routing tables, a port of 4.7.1's RouteInfoManager (the parts the simulator needs). Name
 * servers share nothing: each broker registers with each one. Pure apart from the injected log sink.
 */
import {javaHashMap, javaHashOrder, toFastjson} from './fastjson-writer.ts';

export const MASTER_ID = 0;
/** RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME. */
export const BROKER_CHANNEL_EXPIRED_MS = 120_000;

export interface TopicConfig {
	readQueueNums: number;
	writeQueueNums: number;
	perm: number;
	topicSynFlag: number;
}

/** TBW102 as an autoCreateTopicEnable=true broker holds it. */
export const DEFAULT_TOPICS: ReadonlyMap<string, TopicConfig> = new Map([
	['TBW102', {readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSynFlag: 0}],
]);

export interface Registration {
	clusterName: string;
	brokerAddr: string;
	brokerName: string;
	brokerId: number;
	haServerAddr: string;
	/** Only a master's (brokerId 0) topics are taken, as in 4.7.1. */
	topics: ReadonlyMap<string, TopicConfig>;
	/** Identity of the broker's connection to this name server. */
	channel: object;
}

interface BrokerData {
	cluster: string;
	brokerName: string;
	/** Insertion-ordered, like the Java table's buckets; serialised in Java order. */
	brokerAddrs: Map<number, string>;
}

interface QueueData extends TopicConfig {
	brokerName: string;
}

interface LiveInfo {
	lastUpdate: number;
	channel: object;
	haServerAddr: string;
}

export type LogSink = (level: 'INFO' | 'WARN' | 'ERROR', thread: string, message: string) => void;

export class NameServerModel {
	private readonly clusterAddrTable = new Map<string, Set<string>>();
	private readonly brokerAddrTable = new Map<string, BrokerData>();
	private readonly brokerLiveTable = new Map<string, LiveInfo>();
	private readonly topicQueueTable = new Map<string, QueueData[]>();

	constructor(private readonly log: LogSink = () => {}) {}

	/** Everything is lost when the process ends. */
	clear(): void {
		this.clusterAddrTable.clear();
		this.brokerAddrTable.clear();
		this.brokerLiveTable.clear();
		this.topicQueueTable.clear();
	}

	registerBroker(r: Registration, now: number): void {
		let names = this.clusterAddrTable.get(r.clusterName);
		if (!names) this.clusterAddrTable.set(r.clusterName, (names = new Set()));
		names.add(r.brokerName);

		let registerFirst = false;
		let data = this.brokerAddrTable.get(r.brokerName);
		if (!data) {
			registerFirst = true;
			data = {cluster: r.clusterName, brokerName: r.brokerName, brokerAddrs: new Map()};
			this.brokerAddrTable.set(r.brokerName, data);
		}
		// "Switch slave to master: first remove <1, IP:PORT> in namesrv, then add <0, IP:PORT>."
		for (const [id, addr] of [...data.brokerAddrs]) {
			if (addr === r.brokerAddr && id !== r.brokerId) data.brokerAddrs.delete(id);
		}
		const old = data.brokerAddrs.get(r.brokerId);
		data.brokerAddrs.set(r.brokerId, r.brokerAddr);
		registerFirst ||= old === undefined;

		if (r.brokerId === MASTER_ID) {
			for (const [topic, config] of r.topics) this.createAndUpdateQueueData(r.brokerName, topic, config);
		}
		const previous = this.brokerLiveTable.get(r.brokerAddr);
		this.brokerLiveTable.set(r.brokerAddr, {lastUpdate: now, channel: r.channel, haServerAddr: r.haServerAddr});
		if (!previous) this.log('INFO', 'RemotingExecutorThread_1', `new broker registered, ${r.brokerAddr} HAServer: ${r.haServerAddr}`);
	}

	private createAndUpdateQueueData(brokerName: string, topic: string, config: TopicConfig): void {
		const queueData: QueueData = {brokerName, ...config};
		const list = this.topicQueueTable.get(topic);
		if (!list) {
			this.topicQueueTable.set(topic, [queueData]);
			this.log('INFO', 'RemotingExecutorThread_1', `new topic registered, ${topic} ${queueDataText(queueData)}`);
			return;
		}
		let addNew = true;
		for (let i = 0; i < list.length; i++) {
			const qd = list[i]!;
			if (qd.brokerName !== brokerName) continue;
			if (sameQueueData(qd, queueData)) addNew = false;
			else {
				this.log('INFO', 'RemotingExecutorThread_1', `topic changed, ${topic} OLD: ${queueDataText(qd)} NEW: ${queueDataText(queueData)}`);
				list.splice(i--, 1);
			}
		}
		if (addNew) list.push(queueData);
	}

	/** The broker's connection closed (kill, stop, or expiry). */
	onChannelDestroy(channel: object): void {
		let addr: string | undefined;
		for (const [a, live] of this.brokerLiveTable) if (live.channel === channel) addr = a;
		if (addr === undefined) return;
		this.log('INFO', 'NettyEventExecutor', `the broker's channel destroyed, ${addr}, clean it's data structure at once`);
		this.removeAddr(addr);
	}

	/** UNREGISTER_BROKER, sent by a broker that shuts down cleanly. */
	unregisterBroker(r: {clusterName: string; brokerAddr: string; brokerName: string; brokerId: number}): void {
		this.brokerLiveTable.delete(r.brokerAddr);
		this.log('INFO', 'RemotingExecutorThread_1', `unregisterBroker, remove from brokerLiveTable OK, ${r.brokerAddr}`);
		const data = this.brokerAddrTable.get(r.brokerName);
		if (!data) return;
		if (data.brokerAddrs.get(r.brokerId) === r.brokerAddr) {
			data.brokerAddrs.delete(r.brokerId);
			this.log('INFO', 'RemotingExecutorThread_1', `unregisterBroker, remove addr from brokerAddrTable OK, ${r.brokerAddr}`);
		}
		if (data.brokerAddrs.size === 0) this.removeName(r.brokerName);
	}

	private removeName(name: string): void {
		this.brokerAddrTable.delete(name);
		for (const [cluster, names] of [...this.clusterAddrTable]) {
			if (names.delete(name) && names.size === 0) this.clusterAddrTable.delete(cluster);
		}
		for (const [topic, list] of [...this.topicQueueTable]) {
			const kept = list.filter(q => q.brokerName !== name);
			if (kept.length === 0) this.topicQueueTable.delete(topic);
			else this.topicQueueTable.set(topic, kept);
		}
	}

	private removeAddr(addr: string): void {
		this.brokerLiveTable.delete(addr);
		for (const [name, data] of [...this.brokerAddrTable]) {
			for (const [id, a] of [...data.brokerAddrs]) {
				if (a !== addr) continue;
				data.brokerAddrs.delete(id);
				this.log('INFO', 'NettyEventExecutor', `remove brokerAddr[${id}, ${a}] from brokerAddrTable, because channel destroyed`);
			}
			if (data.brokerAddrs.size === 0) {
				this.log('INFO', 'NettyEventExecutor', `remove brokerName[${name}] from brokerAddrTable, because channel destroyed`);
				this.removeName(name);
			}
		}
	}

	/** RouteInfoManager.scanNotActiveBroker (every 10 s in 4.7.1): drop brokers silent for 120 s. */
	scanNotActiveBrokers(now: number): void {
		for (const [addr, live] of [...this.brokerLiveTable]) {
			if (live.lastUpdate + BROKER_CHANNEL_EXPIRED_MS < now) {
				this.log('WARN', 'NSScheduledThread1', `The broker channel expired, ${addr} ${BROKER_CHANNEL_EXPIRED_MS}ms`);
				this.removeAddr(addr);
			}
		}
	}

	/** brokerName → {brokerId → addr}, for tests and the state snapshot. */
	brokerAddrs(): Map<string, Map<number, string>> {
		return new Map([...this.brokerAddrTable].map(([name, d]) => [name, new Map(d.brokerAddrs)]));
	}

	private brokerDataJava(data: BrokerData): Map<string, unknown> {
		return new Map<string, unknown>([
			['brokerAddrs', javaHashMap(data.brokerAddrs)],
			['brokerName', data.brokerName],
			['cluster', data.cluster],
		]);
	}

	/** GET_BROKER_CLUSTER_INFO body: ClusterInfo {brokerAddrTable (HashMap(128)), clusterAddrTable (HashMap(32) of HashSet)}. */
	clusterInfoBody(): Buffer {
		const brokerAddrTable = new Map(
			javaHashOrder([...this.brokerAddrTable.keys()], 128).map(name => [name, this.brokerDataJava(this.brokerAddrTable.get(name)!)] as const),
		);
		const clusterAddrTable = new Map(
			javaHashOrder([...this.clusterAddrTable.keys()], 32).map(c => [c, javaHashOrder([...this.clusterAddrTable.get(c)!])] as const),
		);
		return Buffer.from(toFastjson({brokerAddrTable, clusterAddrTable}), 'utf8');
	}

	/** GET_ROUTEINFO_BY_TOPIC body, or undefined when the topic has no route (code 17). */
	routeBody(topic: string): Buffer | undefined {
		const queueDatas = this.topicQueueTable.get(topic);
		if (!queueDatas || queueDatas.length === 0) return undefined;
		const names = javaHashOrder([...new Set(queueDatas.map(q => q.brokerName))]);
		const brokerDatas = names.flatMap(n => {
			const d = this.brokerAddrTable.get(n);
			return d ? [this.brokerDataJava(d)] : [];
		});
		if (brokerDatas.length === 0) return undefined;
		const body = {
			brokerDatas,
			filterServerTable: {},
			queueDatas: queueDatas.map(q => ({
				brokerName: q.brokerName,
				perm: q.perm,
				readQueueNums: q.readQueueNums,
				topicSynFlag: q.topicSynFlag,
				writeQueueNums: q.writeQueueNums,
			})),
		};
		return Buffer.from(toFastjson(body), 'utf8');
	}
}

const sameQueueData = (a: QueueData, b: QueueData): boolean =>
	a.brokerName === b.brokerName && a.perm === b.perm && a.readQueueNums === b.readQueueNums && a.writeQueueNums === b.writeQueueNums && a.topicSynFlag === b.topicSynFlag;

const queueDataText = (q: QueueData): string =>
	`QueueData [brokerName=${q.brokerName}, readQueueNums=${q.readQueueNums}, writeQueueNums=${q.writeQueueNums}, perm=${q.perm}, topicSynFlag=${q.topicSynFlag}]`;
