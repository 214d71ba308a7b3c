/** The computed deployment: what runs where. Pure data, derived from a cluster file. */
import type {ClusterOptions, HostSpec, Placement} from '../inventory/schema.ts';

/** Paths inside the RocketMQ image (facts §4). */
export const IMAGE = {
	uid: 3000,
	gid: 3000,
	home: '/home/rocketmq',
	rocketmqHome: '/home/rocketmq/rocketmq-4.7.1',
	confDir: '/home/rocketmq/conf',
	logsDir: '/home/rocketmq/logs',
	storeDir: '/home/rocketmq/store',
	rocketmqLogs: '/home/rocketmq/logs/rocketmqlogs',
	/** mqnamesrv listens here inside the container; ports.namesrv is the host port it is published on. */
	namesrvPort: 9876,
} as const;

export interface BrokerPlan {
	group: string;
	groupIndex: number;
	/** dLegerSelfId, `n<k>`. */
	selfId: string;
	replicaIndex: number;
	host: string;
	ip: string;
	containerName: string;
	listenPort: number;
	/** listenPort − 2, the VIP channel, hard-coded in the broker. */
	fastPort: number;
	/** listenPort + 1, reserved for HA; not opened in DLedger mode, but kept free. */
	haPort: number;
	dledgerPort: number;
	/** `n0-IP:PORT;n1-IP:PORT;…`, identical on every replica of the group. */
	peers: string;
	/** Host paths. */
	storeDir: string;
	logsDir: string;
	/** The conf file on the host and where the container sees it. */
	confHostPath: string;
	confContainerPath: string;
	sendMessageThreadPoolNums: number;
}

export interface NamesrvPlan {
	host: string;
	ip: string;
	port: number;
	containerName: string;
	logsDir: string;
}

export interface ConsolePlan {
	host: string;
	ip: string;
	port: number;
	public: boolean;
	image: string;
	containerName: string;
}

export interface GroupPlan {
	name: string;
	index: number;
	replicas: BrokerPlan[];
}

export interface HostPlan {
	spec: HostSpec;
	namesrv?: NamesrvPlan;
	brokers: BrokerPlan[];
	console?: ConsolePlan;
	/** Every TCP port published on this host, with what owns it. */
	ports: Array<{port: number; owner: string}>;
	/** Host dirs the containers write to: must exist and belong to uid/gid 3000 before first start. */
	writableDirs: string[];
}

export interface Plan {
	options: ClusterOptions;
	hosts: HostPlan[];
	groups: GroupPlan[];
	namesrvs: NamesrvPlan[];
	/** All name servers, `;`-separated, as brokers and the console get them. */
	namesrvAddr: string;
	console?: ConsolePlan;
	/** The placement this plan realises (existing pins plus new ones). */
	placement: Placement;
	/** Paths on every host. */
	layout: {
		namesrvDir: string;
		brokerDir: string;
		brokerConfDir: string;
		consoleDir: string;
	};
}

export interface PlanError {
	path: string;
	message: string;
	fix: string;
}
