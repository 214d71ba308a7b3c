/**
 * A broker.conf read as 4.7.1's BrokerStartup reads it, the address it falls back to, and the store writability
 * check; with the start-up failures (StartupError, exit statuses) these end in.
 */
import {closeSync, mkdirSync, openSync, statSync} from 'node:fs';
import os from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {BROKER_CONFIG_KEYS} from './broker-config.ts';
import {propertiesMap} from '../format/properties.ts';

/** The image's user (facts §4). */
export const ROCKETMQ_UID = 3000;
export const ROCKETMQ_GID = 3000;

/** A start-up failure the JVM would end with: message for the console, exit status. */
export class StartupError extends Error {
	constructor(
		message: string,
		readonly exitCode: number,
	) {
		super(message);
	}
}
/** System.exit(-3) → 253; System.exit(-1) → 255. */
export const EXIT_INIT_FAILED = 253;
export const EXIT_START_FAILED = 255;

// ---------------------------------------------------------------------------------------------------------------
// The conf, as BrokerStartup reads it

export interface BrokerSettings {
	clusterName: string;
	brokerName: string;
	/** After BrokerStartup's adjustments: 0 for a master, −1 in DLedger mode. */
	brokerId: number;
	brokerRole: 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';
	listenPort: number;
	namesrvAddr: string[];
	brokerIP1: string;
	brokerIP2: string;
	storePathRootDir: string;
	dledger?: {group: string; selfId: string; peers: Map<string, string>; port: number};
	/** Every other conf key the broker's config objects know (e.g. maxMessageSize), as GET_BROKER_CONFIG reports them. */
	properties: Record<string, string>;
}

/** Keys readBrokerConf models itself; the rest of the known keys pass through as `properties`. */
const MODELLED = new Set(['brokerClusterName', 'brokerName', 'brokerId', 'brokerRole', 'listenPort', 'namesrvAddr', 'brokerIP1', 'brokerIP2', 'storePathRootDir', 'enableDLegerCommitLog', 'dLegerGroup', 'dLegerPeers', 'dLegerSelfId']);

/** Integer.parseInt: optional sign, digits, int32; anything else (a trailing space) → undefined. */
function javaInt(value: string | undefined): number | undefined {
	if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
	const n = Number(value);
	return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** Boolean.parseBoolean. */
const javaBool = (value: string | undefined, fallback: boolean): boolean => (value === undefined ? fallback : value.toLowerCase() === 'true');

/**
 * RemotingUtil.getLocalAddress(): the first IPv4 not starting with 127.0 or 192.168, else the last IPv4 seen, else
 * the first IPv6, else 127.0.0.1.
 */
export function localAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string {
	const all = Object.values(interfaces).flatMap(list => list ?? []);
	const v4 = all.filter(a => a.family === 'IPv4').map(a => a.address);
	const preferred = v4.find(ip => !ip.startsWith('127.0') && !ip.startsWith('192.168'));
	if (preferred) return preferred;
	if (v4.length > 0) return v4[v4.length - 1]!;
	const v6 = all.find(a => a.family === 'IPv6');
	return v6 ? v6.address : '127.0.0.1';
}

/** RemotingUtil.string2SocketAddress on each `;` entry (what BrokerStartup checks before anything else). */
function namesrvList(text: string): string[] {
	const entries = text.split(';');
	for (const addr of entries) {
		const split = addr.lastIndexOf(':');
		const port = javaInt(addr.slice(split + 1));
		if (split < 0 || port === undefined || port < 0 || port > 65535) {
			throw new StartupError(`The Name Server Address[${text}] illegal, please set it as follows, "127.0.0.1:9876;192.168.0.1:9876"`, EXIT_INIT_FAILED);
		}
	}
	return entries;
}

export interface ConfContext {
	env: NodeJS.ProcessEnv;
	/** user.home (default store root and logs). */
	home: string;
	hostname?: string;
	localAddress?: string;
}

/** A broker.conf's bytes → the settings 4.7.1 would run with. Throws StartupError where BrokerStartup exits. */
export function readBrokerConf(bytes: Buffer | string, context: ConfContext): BrokerSettings {
	const props = propertiesMap(typeof bytes === 'string' ? bytes : bytes.toString('latin1'));
	const get = (key: string): string | undefined => props.get(key);
	const ip = context.localAddress ?? localAddress();
	const namesrvText = get('namesrvAddr') ?? context.env.NAMESRV_ADDR;
	const roleText = get('brokerRole');
	const brokerRole = roleText === 'ASYNC_MASTER' || roleText === 'SYNC_MASTER' || roleText === 'SLAVE' ? roleText : 'ASYNC_MASTER';
	let brokerId = javaInt(get('brokerId')) ?? 0;
	const dledgerOn = javaBool(get('enableDLegerCommitLog'), false);
	if (brokerRole === 'SLAVE' && brokerId <= 0 && !dledgerOn) throw new StartupError("Slave's brokerId must be > 0", EXIT_INIT_FAILED);
	if (brokerRole !== 'SLAVE') brokerId = 0;
	const settings: BrokerSettings = {
		clusterName: get('brokerClusterName') ?? 'DefaultCluster',
		brokerName: get('brokerName') ?? context.hostname ?? os.hostname(),
		brokerId,
		brokerRole,
		listenPort: javaInt(get('listenPort')) ?? 10911,
		namesrvAddr: namesrvText === undefined ? [] : namesrvList(namesrvText),
		brokerIP1: get('brokerIP1') ?? ip,
		brokerIP2: get('brokerIP2') ?? ip,
		storePathRootDir: get('storePathRootDir') ?? join(context.home, 'store'),
		properties: Object.fromEntries([...props].filter(([key]) => BROKER_CONFIG_KEYS.has(key) && !MODELLED.has(key))),
	};
	if (dledgerOn) {
		settings.brokerId = -1;
		const group = get('dLegerGroup');
		const peersText = get('dLegerPeers');
		const selfId = get('dLegerSelfId');
		if (!group || !peersText || !selfId) throw new StartupError(`DLedger needs dLegerGroup, dLegerPeers and dLegerSelfId (got group=${group} peers=${peersText} selfId=${selfId})`, EXIT_START_FAILED);
		const peers = new Map<string, string>();
		// DLedgerConfig: each `;` item split on "-": [0] id, [1] address (a host with "-" in it breaks here).
		for (const item of peersText.split(';')) {
			const [id, addr] = item.split('-');
			if (id && addr) peers.set(id, addr);
		}
		const self = peers.get(selfId);
		const port = self ? javaInt(self.slice(self.lastIndexOf(':') + 1)) : undefined;
		if (!self || port === undefined) throw new StartupError(`java.lang.NullPointerException: dLegerSelfId ${selfId} is not one of dLegerPeers ${peersText}`, EXIT_START_FAILED);
		settings.dledger = {group, selfId, peers, port};
	}
	return settings;
}

// ---------------------------------------------------------------------------------------------------------------
// The store

const PERM = {r: 4, w: 2, x: 1} as const;

function allowed(path: string, uid: number, gid: number, want: number): boolean {
	const st = statSync(path);
	const bits = st.uid === uid ? (st.mode >> 6) & 7 : st.gid === gid ? (st.mode >> 3) & 7 : st.mode & 7;
	return (bits & want) === want;
}

/** Why uid/gid could not create and write `dir` (mode bits only; no ACLs or extra groups), or undefined. */
export function unwritableAs(dir: string, uid: number, gid: number): string | undefined {
	const parts = resolve(dir).split('/').filter(Boolean);
	let path = '/';
	for (let i = 0; i <= parts.length; i++) {
		let st;
		try {
			st = statSync(path);
		} catch {
			// `path` does not exist: its parent must let us create it
			return allowed(dirname(path), uid, gid, PERM.w | PERM.x) ? undefined : 'No such file or directory';
		}
		if (!st.isDirectory()) return 'Not a directory';
		if (!allowed(path, uid, gid, PERM.x)) return 'Permission denied';
		if (i === parts.length) return allowed(path, uid, gid, PERM.w | PERM.x) ? undefined : 'Permission denied';
		path = join(path, parts[i]!);
	}
	return undefined;
}

/**
 * MappedFile.ensureDirOK(root) then `new RandomAccessFile(root/lock, "rw")`, the first write DefaultMessageStore
 * makes. Run as root, the check is made for uid 3000 first (what the image runs as). Throws StartupError (253).
 */
export function prepareStore(root: string, options: {uid?: number; checkAs?: {uid: number; gid: number}} = {}): void {
	const lock = join(root, 'lock');
	const fail = (reason: string): never => {
		throw new StartupError(`Failed to initialize\njava.io.FileNotFoundException: ${lock} (${reason})`, EXIT_INIT_FAILED);
	};
	const uid = options.uid ?? process.getuid?.() ?? -1;
	const checkAs = options.checkAs ?? (uid === 0 ? {uid: ROCKETMQ_UID, gid: ROCKETMQ_GID} : undefined);
	if (checkAs) {
		const reason = unwritableAs(root, checkAs.uid, checkAs.gid);
		if (reason) fail(reason);
	}
	try {
		mkdirSync(root, {recursive: true});
		closeSync(openSync(lock, 'a'));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		fail(code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : code === 'ENOENT' ? 'No such file or directory' : String(code));
	}
}
