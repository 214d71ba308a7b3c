/**
 * The cluster file (`cluster.yaml`), schema version 1.
 * Everything rmq-tui does starts from one of these: read from a file (`--inventory`),
 * built from flags (`--hosts`), or written by the wizard.
 */

export const CLUSTER_FILE_VERSION = 1;

/**
 * `agent`: the keys of the running ssh-agent (`identity` is then not used). `ask`: prompt for the password, or the
 * passphrase of `identity`, at connect time. A password or passphrase is never written to any file.
 */
export type SshAuth = 'agent' | 'ask';
export const SSH_AUTH_MODES: readonly SshAuth[] = ['agent', 'ask'];

export interface SshTarget {
	/** IP, DNS name or `~/.ssh/config` alias. */
	host: string;
	user?: string;
	port?: number;
	/** Path to a private key; absent means ~/.ssh/config's IdentityFile or ssh's defaults (see `auth`). */
	identity?: string;
	/** How to authenticate beyond `identity`: see SshAuth. Absent: the key in `identity`, else ssh's defaults. */
	auth?: SshAuth;
	/** `user@bastion:port`, as OpenSSH's ProxyJump. */
	proxyJump?: string;
}

export interface HostSpec {
	/** Stable name of the host: the folder of its files and what placement refers to. */
	name: string;
	ssh: SshTarget;
	/** IPv4 the brokers on this host advertise and peers dial. */
	ip: string;
	/** CPU cores; sizes `sendMessageThreadPoolNums`. */
	cpus?: number;
}

export interface PortOptions {
	namesrv: number;
	/** listenPort of the first group; fast port is listen − 2. */
	listen: number;
	/** DLedger port of the first group. */
	dledger: number;
	/** Added to listen and DLedger ports for each further group. */
	groupStride: number;
}

export interface HeapOptions {
	/** -Xms/-Xmx per broker, e.g. `1g`; -Xmn is half of it. */
	broker: string;
	namesrv: string;
}

export interface ConsoleOptions {
	enabled: boolean;
	/** Host name; defaults to the first host. */
	host?: string;
	image: string;
	port: number;
	/** Publish on all interfaces; default loopback only (reach it through SSH). */
	public: boolean;
}

export interface ReplicaPin {
	host: string;
	storeDir: string;
}

/** group name → selfId → where that replica lives. Written once a plan is exported or deployed. */
export type Placement = Record<string, Record<string, ReplicaPin>>;

export interface ClusterOptions {
	/** brokerClusterName. */
	name: string;
	groups: number;
	replicas: number;
	groupPrefix: string;
	image: string;
	baseDir: string;
	network: string;
	timezone: string;
	heap: HeapOptions;
	ports: PortOptions;
	/** Host names that run a name server; default every host. */
	namesrvHosts?: string[];
	console: ConsoleOptions;
	/** Extra broker.conf properties added to every broker. */
	brokerProperties: Record<string, string>;
}

export interface ClusterFile extends ClusterOptions {
	version: typeof CLUSTER_FILE_VERSION;
	hosts: HostSpec[];
	placement: Placement;
}

export const DEFAULT_OPTIONS: ClusterOptions = {
	name: 'RaftCluster',
	groups: 2,
	replicas: 3,
	groupPrefix: 'RaftNode',
	image: 'apacherocketmq/rocketmq:4.7.1-alpine',
	baseDir: '/data/docker-services/rocketmq',
	network: 'bridge_network',
	timezone: 'Asia/Shanghai',
	heap: {broker: '1g', namesrv: '512m'},
	ports: {namesrv: 9876, listen: 10911, dledger: 20911, groupStride: 10},
	console: {
		enabled: true,
		image: 'apacherocketmq/rocketmq-console:2.0.0',
		port: 19876,
		public: false,
	},
	brokerProperties: {},
};

/** Deep-ish merge of options: nested option objects are merged key by key. */
export function withDefaults(partial: Partial<ClusterOptions> = {}): ClusterOptions {
	return {
		...DEFAULT_OPTIONS,
		...partial,
		heap: {...DEFAULT_OPTIONS.heap, ...partial.heap},
		ports: {...DEFAULT_OPTIONS.ports, ...partial.ports},
		console: {...DEFAULT_OPTIONS.console, ...partial.console},
		brokerProperties: {...DEFAULT_OPTIONS.brokerProperties, ...partial.brokerProperties},
	};
}
