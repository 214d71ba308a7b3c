/**
 * ONE simulated RocketMQ 4.7.1 process on its own real ports: a name server, or a broker started from a real
 * broker.conf, as `mqnamesrv` / `mqbroker -c FILE` would run in a container. Separate processes find each other
 * only over TCP: a broker registers with name servers in other processes (REGISTER_BROKER 103, UNREGISTER 104),
 * and DLedger members of a group elect a leader with VOTE (51001) / HEART_BEAT (51002) frames between sim nodes.
 *
 * As unforgiving as 4.7.1 where it is cheap to be:
 * - the conf is read as BrokerStartup reads it (ISO-8859-1, java.util.Properties; MixAll.properties2Object:
 *   unknown keys and unparsable values are ignored silently, `true ` is false, `10911 ` keeps the default);
 * - no brokerIP1 → RemotingUtil.getLocalAddress() (the container's own IP);
 * - an illegal namesrvAddr, a SLAVE with brokerId ≤ 0, a store root it cannot write (checked as uid 3000 when run as
 *   root, since the image runs as uid 3000) → exit −3 (253), as the JVM does;
 * - ports bound as the real ones: listenPort, listenPort − 2 and the DLedger port, all on 0.0.0.0; a port in use →
 *   exit −1 (255).
 *
 * The election reuses the in-process DLedgerMember unchanged: WireDLedgerGroup turns its in-process deliveries to
 * other members into request/response frames (see there).
 */
import {closeSync, mkdirSync, openSync, statSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {crc32} from 'node:zlib';
import {encodeRequest, FrameDecoder, isResponse, type Frame} from '../rocketmq/codec.ts';
import {RequestCode, ResponseCode} from '../rocketmq/codes.ts';
import {parseFastjson} from '../rocketmq/fastjson.ts';
import {propertiesMap} from '../format/properties.ts';
import {brokerConfigText, brokerRuntimeTable} from './broker-config.ts';
import {between, ProcessTimers, type Clock, type Random} from './clock.ts';
import {SIM_TIMINGS, type SimTimings} from './cluster.ts';
import {DLedgerGroup, type DLedgerMember, type Role} from './dledger.ts';
import {javaHashMap, toFastjson} from './fastjson-writer.ts';
import {BROKER_DEFAULT_LOG, BROKER_LOG, NAMESRV_LOG, ProcessLog, type LogLevel} from './logs.ts';
import {DEFAULT_TOPICS, NameServerModel, type TopicConfig} from './namesrv.ts';
import {dledgerUnsupported, encodeResponse, metadataBody, topicNotExistRemark} from './replies.ts';
import {ProcessServers, type Connection, type Endpoint} from './server.ts';

/** Codes between sim processes only (rmq-tui's own client can never send 103/104/51001/51002). */
export const WireCode = {REGISTER_BROKER: 103, UNREGISTER_BROKER: 104, DLEDGER_VOTE: 51001, DLEDGER_HEART_BEAT: 51002} as const;
/** DLedger 0.1 DLedgerResponseCode.EXPIRED_TERM (only sim nodes read it). */
const DLEDGER_EXPIRED_TERM = 403;
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
}

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

// ---------------------------------------------------------------------------------------------------------------
// A connection from one sim process to another (any code allowed: this is the simulator, not rmq-tui's client)

export class WireLink {
	private socket: net.Socket | undefined;
	private connecting: Promise<net.Socket> | undefined;
	private readonly pending = new Map<number, {resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout}>();
	private nextOpaque = 1;
	private up = true;
	private lastTry = 0;
	private closed = false;
	private readonly sockets = new Set<net.Socket>();

	constructor(
		readonly host: string,
		readonly port: number,
		private readonly connectTimeoutMs = 1000,
	) {}

	get addr(): string {
		return `${this.host}:${this.port}`;
	}

	/** Whether the last connection attempt worked; when it did not, a new attempt is started (at most 1/s). */
	reachable(): boolean {
		if (!this.up && !this.closed && Date.now() - this.lastTry > 1000) this.connect().catch(() => {});
		return this.up;
	}

	private connect(): Promise<net.Socket> {
		if (this.socket) return Promise.resolve(this.socket);
		this.lastTry = Date.now();
		this.connecting ??= new Promise<net.Socket>((resolveSocket, reject) => {
			const socket = net.connect({host: this.host, port: this.port});
			this.sockets.add(socket);
			socket.setNoDelay(true);
			const timer = setTimeout(() => socket.destroy(new Error(`connect to ${this.addr} timed out`)), this.connectTimeoutMs);
			const decoder = new FrameDecoder();
			socket.on('data', chunk => {
				const {frames, error} = decoder.push(chunk);
				for (const frame of frames) {
					if (!isResponse(frame.header)) continue;
					const waiting = this.pending.get(frame.header.opaque);
					if (!waiting) continue;
					this.pending.delete(frame.header.opaque);
					clearTimeout(waiting.timer);
					waiting.resolve(frame);
				}
				if (error) socket.destroy(error);
			});
			socket.once('connect', () => {
				clearTimeout(timer);
				this.up = true;
				this.socket = socket;
				this.connecting = undefined;
				resolveSocket(socket);
			});
			socket.on('error', () => {});
			socket.once('close', () => {
				clearTimeout(timer);
				this.sockets.delete(socket);
				const wasConnected = this.socket === socket;
				if (wasConnected) this.socket = undefined;
				else {
					this.connecting = undefined;
					reject(new Error(`connect to ${this.addr} failed`));
				}
				this.up = false;
				for (const [opaque, p] of this.pending) {
					this.pending.delete(opaque);
					clearTimeout(p.timer);
					p.reject(new Error(`connection to ${this.addr} closed`));
				}
			});
		});
		return this.connecting;
	}

	async request(code: number, options: {extFields?: Record<string, string>; body?: Buffer; timeoutMs?: number} = {}): Promise<Frame> {
		if (this.closed) throw new Error('link closed');
		const socket = await this.connect();
		const opaque = this.nextOpaque++;
		return new Promise<Frame>((resolveFrame, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(opaque);
				reject(new Error(`no answer from ${this.addr} to code ${code}`));
			}, options.timeoutMs ?? 3000);
			this.pending.set(opaque, {resolve: resolveFrame, reject, timer});
			socket.write(encodeRequest({code, opaque, extFields: options.extFields, body: options.body}));
		});
	}

	/** End the connection: 'reset' as a killed JVM, 'graceful' otherwise. */
	close(mode: 'reset' | 'graceful' = 'graceful'): void {
		this.closed = true;
		for (const socket of this.sockets) {
			if (mode === 'reset' || socket !== this.socket) socket.resetAndDestroy();
			else socket.end(() => socket.destroy());
		}
		for (const [opaque, p] of this.pending) {
			this.pending.delete(opaque);
			clearTimeout(p.timer);
			p.reject(new Error('link closed'));
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// DLedger between processes

type Stub = Pick<DLedgerMember, 'handleVote' | 'handleHeartbeat'>;

/**
 * A DLedgerGroup with one local member whose peers are other processes. DLedgerMember talks to a peer as
 * `group.send(peer, target => { const reply = target.<handle>(…); group.send(self, me => …reply…) })`. For a
 * remote peer, the outer function runs here at once against a stub: the stub's handle call becomes a request
 * frame and returns a reply object, the inner send to self is held, and both are completed when the answer
 * arrives (fill the reply, deliver the inner function). No answer (peer down, frozen, closed) = message lost,
 * exactly what the in-process group does for a member that is down or paused.
 */
export class WireDLedgerGroup extends DLedgerGroup {
	private held: ((fn: (target: DLedgerMember) => void) => void) | undefined;
	readonly links = new Map<string, WireLink>();

	constructor(
		name: string,
		peers: ReadonlyMap<string, string>,
		clock: Clock,
		random: Random,
		readonly selfId: string,
		timings = SIM_TIMINGS.dledger,
	) {
		super(name, peers, clock, random, timings);
		for (const [id, addr] of peers) {
			if (id === selfId) continue;
			const split = addr.lastIndexOf(':');
			this.links.set(id, new WireLink(addr.slice(0, split), Number(addr.slice(split + 1))));
		}
	}

	override isUp(to: string): boolean {
		if (to === this.selfId) return super.isUp(to);
		return this.links.get(to)?.reachable() ?? false;
	}

	override send(to: string, fn: (target: DLedgerMember) => void): void {
		if (to === this.selfId) {
			if (this.held) this.held(fn);
			else super.send(to, fn);
			return;
		}
		const link = this.links.get(to);
		if (!link) return;
		const reply: Record<string, unknown> = {from: to};
		let request: {code: number; body: Record<string, unknown>; kind: 'vote' | 'heartbeat'} | undefined;
		const stub: Stub = {
			handleVote: (term: number, candidate: string) => {
				request = {kind: 'vote', code: WireCode.DLEDGER_VOTE, body: {group: this.name, remoteId: to, leaderId: candidate, term, ledgerEndIndex: -1, ledgerEndTerm: -1}};
				return reply as unknown as ReturnType<DLedgerMember['handleVote']>;
			},
			handleHeartbeat: (term: number, leaderId: string) => {
				request = {kind: 'heartbeat', code: WireCode.DLEDGER_HEART_BEAT, body: {group: this.name, remoteId: to, leaderId, term}};
				return reply as unknown as ReturnType<DLedgerMember['handleHeartbeat']>;
			},
		};
		let inner: ((target: DLedgerMember) => void) | undefined;
		this.held = f => (inner = f);
		try {
			fn(stub as unknown as DLedgerMember);
		} finally {
			this.held = undefined;
		}
		if (!request) return;
		const sent = request;
		link
			.request(sent.code, {body: Buffer.from(JSON.stringify(sent.body), 'utf8'), timeoutMs: this.timings.voteTimeoutMs})
			.then(frame => {
				const answer = parseFastjson(frame.body) as {code?: number; term?: number; voteResult?: string};
				if (typeof answer.term !== 'number') return;
				if (sent.kind === 'vote') {
					if (answer.code !== ResponseCode.DLEDGER_SUCCESS || typeof answer.voteResult !== 'string') return;
					Object.assign(reply, {term: answer.term, result: answer.voteResult});
				} else Object.assign(reply, {term: answer.term, ok: answer.code === ResponseCode.DLEDGER_SUCCESS});
				if (inner) super.send(this.selfId, inner);
			})
			.catch(() => {});
	}

	close(): void {
		for (const link of this.links.values()) link.close('reset');
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Logs

/** ProcessLog that never throws (logback carries on when it cannot write its files). */
function safeLog(now: () => number, dir: string | undefined): (file: string, level: LogLevel, thread: string, message: string) => void {
	let log = new ProcessLog(now, dir);
	return (file, level, thread, message) => {
		try {
			log.write(file, level, thread, message);
		} catch {
			log = new ProcessLog(now);
		}
	};
}

export interface NodeOptions {
	clock: Clock;
	random?: Random;
	timings?: Partial<SimTimings>;
	/** `~/logs/rocketmqlogs`; none → memory only. */
	logDir?: string;
	/** Bind address (4.7.1 binds every port on all interfaces). */
	bindHost?: string;
}

const pick = (random: Random, [lo, hi]: readonly [number, number]): number => between(random, lo, hi);

async function listenOrFail(servers: ProcessServers): Promise<void> {
	try {
		await servers.listen();
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		throw new StartupError(`java.net.BindException: ${e.code === 'EADDRINUSE' ? 'Address already in use' : e.message}`, EXIT_START_FAILED);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Name server

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

// ---------------------------------------------------------------------------------------------------------------
// Broker

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
				extra: {brokerIP2: s.brokerIP2, enableDLegerCommitLog: String(s.dledger !== undefined), ...(s.dledger ? {} : {dLegerGroup: '', dLegerPeers: '', dLegerSelfId: 'n0'})},
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
