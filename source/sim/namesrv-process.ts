/**
 * A name server of the in-process simulated cluster.
 */
import {join} from 'node:path';
import type {Frame} from '../rocketmq/codec.ts';
import {RequestCode, ResponseCode} from '../rocketmq/codes.ts';
import type {SimCluster} from './cluster.ts';
import {NAMESRV_LOG, ProcessLog} from './logs.ts';
import {NameServerModel} from './namesrv.ts';
import {encodeResponse, topicNotExistRemark} from './replies.ts';
import type {Endpoint} from './server.ts';
import {SimProcess} from './sim-process.ts';

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
