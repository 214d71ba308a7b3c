/**
 * The standalone name server: one process on its own real port, brokers in other processes register with it.
 */
import {crc32} from 'node:zlib';
import type {Frame} from '../rocketmq/codec.ts';
import {RequestCode, ResponseCode} from '../rocketmq/codes.ts';
import {parseFastjson} from '../rocketmq/fastjson.ts';
import {ProcessTimers} from './clock.ts';
import {SIM_TIMINGS} from './cluster.ts';
import {NAMESRV_LOG} from './logs.ts';
import {NameServerModel, type TopicConfig} from './namesrv.ts';
import {encodeResponse, topicNotExistRemark} from './replies.ts';
import {ProcessServers, type Connection} from './server.ts';
import {listenOrFail, safeLog, type NodeOptions} from './standalone-node.ts';
import {WireCode} from './wire-link.ts';

export class StandaloneNamesrv {
	readonly model: NameServerModel;
	readonly timers: ProcessTimers;
	private readonly servers: ProcessServers;
	private readonly log: ReturnType<typeof safeLog>;

	constructor(
		readonly port: number,
		private readonly options: NodeOptions,
	) {
		this.timers = new ProcessTimers(options.clock);
		this.log = safeLog(() => options.clock.now(), options.logDir);
		this.model = new NameServerModel((level, thread, message) => this.log(NAMESRV_LOG, level, thread, message));
		this.servers = new ProcessServers([
			{host: options.bindHost ?? '0.0.0.0', port, handler: (f, c) => this.handle(f, c), onClose: c => this.model.onChannelDestroy(c)},
		]);
	}

	handle(frame: Frame, connection: Connection): Buffer | undefined {
		const {code, opaque} = frame.header;
		const ext = frame.header.extFields ?? {};
		if (code === RequestCode.GET_BROKER_CLUSTER_INFO) return encodeResponse({code: ResponseCode.SUCCESS, opaque, body: this.model.clusterInfoBody()});
		if (code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
			const topic = ext.topic ?? '';
			const body = this.model.routeBody(topic);
			return body ? encodeResponse({code: ResponseCode.SUCCESS, opaque, body}) : encodeResponse({code: ResponseCode.TOPIC_NOT_EXIST, opaque, remark: topicNotExistRemark(topic)});
		}
		if (code === WireCode.REGISTER_BROKER) return this.register(frame, connection);
		if (code === WireCode.UNREGISTER_BROKER) {
			this.model.unregisterBroker({clusterName: ext.clusterName ?? '', brokerAddr: ext.brokerAddr ?? '', brokerName: ext.brokerName ?? '', brokerId: Number(ext.brokerId)});
			return encodeResponse({code: ResponseCode.SUCCESS, opaque});
		}
		return undefined;
	}

	/** DefaultRequestProcessor.registerBrokerWithFilterServer (body checked against bodyCrc32 when it is not 0). */
	private register(frame: Frame, connection: Connection): Buffer {
		const {opaque} = frame.header;
		const ext = frame.header.extFields ?? {};
		const crc = Number(ext.bodyCrc32 ?? 0);
		if (crc !== 0 && crc !== (crc32(frame.body) & 0x7fffffff)) return encodeResponse({code: ResponseCode.SYSTEM_ERROR, opaque, remark: 'crc32 not match'});
		const topics = new Map<string, TopicConfig>();
		try {
			const body = parseFastjson(frame.body) as {topicConfigSerializeWrapper?: {topicConfigTable?: Record<string, Record<string, unknown>>}};
			for (const [name, t] of Object.entries(body.topicConfigSerializeWrapper?.topicConfigTable ?? {})) {
				topics.set(name, {readQueueNums: Number(t.readQueueNums ?? 16), writeQueueNums: Number(t.writeQueueNums ?? 16), perm: Number(t.perm ?? 6), topicSynFlag: Number(t.topicSysFlag ?? 0)});
			}
		} catch {
			// an empty or unreadable body registers the broker with no topics
		}
		const brokerId = Number(ext.brokerId);
		const brokerName = ext.brokerName ?? '';
		this.model.registerBroker(
			{clusterName: ext.clusterName ?? '', brokerAddr: ext.brokerAddr ?? '', brokerName, brokerId, haServerAddr: ext.haServerAddr ?? '', topics, channel: connection},
			this.options.clock.now(),
		);
		const master = brokerId !== 0 ? this.model.brokerAddrs().get(brokerName)?.get(0) : undefined;
		return encodeResponse({code: ResponseCode.SUCCESS, opaque, extFields: master ? {masterAddr: master} : {}, body: Buffer.from('{"table":{}}', 'utf8')});
	}

	async start(): Promise<void> {
		await listenOrFail(this.servers);
		this.log(NAMESRV_LOG, 'INFO', 'main', 'The Name Server boot success. serializeType=JSON');
		const scan = (): void => {
			this.model.scanNotActiveBrokers(this.options.clock.now());
			this.timers.after(this.options.timings?.namesrvScanMs ?? SIM_TIMINGS.namesrvScanMs, scan);
		};
		this.timers.after(5000, scan);
	}

	async close(): Promise<void> {
		this.timers.clearAll();
		await this.servers.close('graceful');
	}
}
