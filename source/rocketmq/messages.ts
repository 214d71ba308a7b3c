/**
 * Typed decoders of the response bodies rmq-tui reads, and builders of the request parts it sends (pure).
 * Shapes follow real RocketMQ 4.7.1 / DLedger 0.1 frames (test/fixtures/rocketmq-4.7.1). Every decoder either
 * returns a fully type-checked value or throws a MessageError saying what was wrong: never a half-checked object.
 */
import {parseFastjson} from './fastjson.ts';
import {propertiesMap} from '../format/properties.ts';

export class MessageError extends Error {
	override readonly name = 'MessageError';
}

/** A name server's view of one broker group (`BrokerData`): brokerId → "ip:port"; 0 is the master/leader. */
export interface BrokerData {
	cluster: string;
	brokerName: string;
	brokerAddrs: Record<number, string>;
}

export interface ClusterInfo {
	/** brokerAddrTable, keyed by brokerName. */
	brokers: Record<string, BrokerData>;
	/** clusterAddrTable: cluster → brokerNames, in the server's (set) order. */
	clusters: Record<string, string[]>;
}

export interface QueueData {
	brokerName: string;
	readQueueNums: number;
	writeQueueNums: number;
	perm: number;
	topicSynFlag: number;
}

export interface TopicRoute {
	brokerDatas: BrokerData[];
	queueDatas: QueueData[];
}

export interface DledgerMetadata {
	/** 200 ok, 400 unknown group, 401 unknown member (the header code is 200 in every case). */
	code: number;
	group: string;
	/** Absent while the node is electing (a candidate): the key is missing, not null. */
	leaderId?: string;
	/** Present on success: peer id → DLedger "ip:port". */
	peers?: Record<string, string>;
	remoteId?: string;
	/** Always -1 in DLedger 0.1. */
	term: number;
}

type Json = Record<string, unknown>;

const describe = (value: unknown): string =>
	value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, where: string): Json {
	if (!isObject(value)) throw new MessageError(`${where} should be an object, got ${describe(value)}`);
	return value;
}

function string(value: unknown, where: string): string {
	if (typeof value !== 'string') throw new MessageError(`${where} should be a string, got ${describe(value)}`);
	return value;
}

function integer(value: unknown, where: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new MessageError(`${where} should be an integer, got ${describe(value)}`);
	return value;
}

function array(value: unknown, where: string): unknown[] {
	if (!Array.isArray(value)) throw new MessageError(`${where} should be an array, got ${describe(value)}`);
	return value;
}

/** A map of string values, built with Object.fromEntries so that a key such as "__proto__" stays an own key. */
function stringMap(value: unknown, where: string): Record<string, string> {
	return Object.fromEntries(Object.entries(object(value, where)).map(([k, v]) => [k, string(v, `${where}[${JSON.stringify(k)}]`)]));
}

/** Parse a fastjson body (bare integer keys allowed) into an object, or throw MessageError. */
function parseBody(body: Buffer, what: string): Json {
	if (body.length === 0) throw new MessageError(`${what}: empty body`);
	let parsed: unknown;
	try {
		parsed = parseFastjson(body);
	} catch (error) {
		throw new MessageError(`${what}: body is not JSON (${(error as Error).message})`, {cause: error});
	}
	return object(parsed, `${what} body`);
}

function brokerAddrs(value: unknown, where: string): Record<number, string> {
	const addrs = object(value, where);
	return Object.fromEntries(
		Object.entries(addrs).map(([k, v]) => {
			const id = Number(k);
			if (!/^-?\d+$/.test(k) || !Number.isSafeInteger(id) || String(id) !== k) throw new MessageError(`${where} key ${JSON.stringify(k)} is not a brokerId (an integer)`);
			return [id, string(v, `${where}[${k}]`)];
		}),
	);
}

function brokerData(value: unknown, where: string): BrokerData {
	const data = object(value, where);
	return {
		cluster: string(data['cluster'], `${where}.cluster`),
		brokerName: string(data['brokerName'], `${where}.brokerName`),
		brokerAddrs: brokerAddrs(data['brokerAddrs'], `${where}.brokerAddrs`),
	};
}

/** GET_BROKER_CLUSTER_INFO (106) response body. */
export function decodeClusterInfo(body: Buffer): ClusterInfo {
	const json = parseBody(body, 'cluster info');
	const table = object(json['brokerAddrTable'], 'cluster info brokerAddrTable');
	const clusters = object(json['clusterAddrTable'], 'cluster info clusterAddrTable');
	return {
		brokers: Object.fromEntries(Object.entries(table).map(([name, data]) => [name, brokerData(data, `brokerAddrTable[${JSON.stringify(name)}]`)])),
		clusters: Object.fromEntries(
			Object.entries(clusters).map(([cluster, names]) => {
				const where = `clusterAddrTable[${JSON.stringify(cluster)}]`;
				return [cluster, array(names, where).map((n, i) => string(n, `${where}[${i}]`))];
			}),
		),
	};
}

/** GET_ROUTEINFO_BY_TOPIC (105) response body (code 0 only; code 17 TOPIC_NOT_EXIST has no body). */
export function decodeTopicRoute(body: Buffer): TopicRoute {
	const json = parseBody(body, 'topic route');
	return {
		brokerDatas: array(json['brokerDatas'], 'topic route brokerDatas').map((d, i) => brokerData(d, `brokerDatas[${i}]`)),
		queueDatas: array(json['queueDatas'], 'topic route queueDatas').map((value, i) => {
			const where = `queueDatas[${i}]`;
			const q = object(value, where);
			return {
				brokerName: string(q['brokerName'], `${where}.brokerName`),
				readQueueNums: integer(q['readQueueNums'], `${where}.readQueueNums`),
				writeQueueNums: integer(q['writeQueueNums'], `${where}.writeQueueNums`),
				perm: integer(q['perm'], `${where}.perm`),
				topicSynFlag: integer(q['topicSynFlag'], `${where}.topicSynFlag`),
			};
		}),
	};
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

/**
 * GET_BROKER_CONFIG (26) response body: properties text (the broker writes it as UTF-8 and its own admin
 * client reads it with Properties.load), so Java semantics: later duplicates win, escapes are decoded.
 */
export function decodeBrokerConfig(body: Buffer): Map<string, string> {
	if (body.length === 0) throw new MessageError('broker config: empty body');
	let text: string;
	try {
		text = utf8.decode(body);
	} catch (error) {
		throw new MessageError('broker config: body is not UTF-8 text', {cause: error});
	}
	if (text.includes('\0')) throw new MessageError('broker config: body contains NUL bytes, not properties text');
	try {
		return propertiesMap(text);
	} catch (error) {
		throw new MessageError(`broker config: ${(error as Error).message}`, {cause: error});
	}
}

/** GET_BROKER_RUNTIME_INFO (28) response body `{"table":{...}}`: every value a string, kept verbatim. */
export function decodeRuntimeInfo(body: Buffer): Record<string, string> {
	const json = parseBody(body, 'runtime info');
	return stringMap(json['table'], 'runtime info table');
}

export interface RuntimeFigures {
	/** brokerVersion: the remoting version number (355 = V4_7_1). */
	version: number;
	/** brokerVersionDesc, e.g. "V4_7_1". */
	versionDesc: string;
	commitLogMaxOffset: number;
	commitLogMinOffset: number;
	/** -1 until computed. */
	commitLogDiskRatio: number;
	consumeQueueDiskRatio: number;
	dispatchBehindBytes: number;
	/** The first (10-second window) number of each TPS string "a b c". */
	putTps: number;
	getTotalTps: number;
	getFoundTps: number;
	getMissTps: number;
	getTransferedTps: number;
	msgPutTotalTodayNow: number;
	msgGetTotalTodayNow: number;
	/** Epoch milliseconds. */
	bootTimestamp: number;
	/** From "[ D days, H hours, M minutes, S seconds ]". */
	runtimeSeconds: number;
}

/** A Java `Double.toString` / `Long.toString` rendering. */
const JAVA_NUMBER = /^(?:-?\d+(?:\.\d+)?(?:E-?\d+)?|NaN|-?Infinity)$/;

function field(table: Record<string, string>, key: string): string {
	const value = table[key];
	if (value === undefined || !Object.hasOwn(table, key)) throw new MessageError(`runtime info has no ${key}`);
	return value;
}

function javaNumber(text: string, where: string): number {
	if (!JAVA_NUMBER.test(text)) throw new MessageError(`runtime info ${where} is not a number: ${JSON.stringify(text)}`);
	return Number(text);
}

function longField(table: Record<string, string>, key: string): number {
	const text = field(table, key);
	const n = Number(text);
	if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new MessageError(`runtime info ${key} is not an integer: ${JSON.stringify(text)}`);
	return n;
}

function tps(table: Record<string, string>, key: string): number {
	const first = field(table, key).split(' ')[0]!;
	return javaNumber(first, key);
}

/** Typed figures from a runtime-info table (keys as in 4.7.1; a missing or malformed one is a MessageError). */
export function runtimeFigures(table: Record<string, string>): RuntimeFigures {
	const runtime = field(table, 'runtime');
	const m = /^\[ (\d+) days, (\d+) hours, (\d+) minutes, (\d+) seconds \]$/.exec(runtime);
	if (!m) throw new MessageError(`runtime info runtime is not "[ D days, H hours, M minutes, S seconds ]": ${JSON.stringify(runtime)}`);
	const [days, hours, minutes, seconds] = m.slice(1).map(Number) as [number, number, number, number];
	return {
		version: longField(table, 'brokerVersion'),
		versionDesc: field(table, 'brokerVersionDesc'),
		commitLogMaxOffset: longField(table, 'commitLogMaxOffset'),
		commitLogMinOffset: longField(table, 'commitLogMinOffset'),
		commitLogDiskRatio: javaNumber(field(table, 'commitLogDiskRatio'), 'commitLogDiskRatio'),
		consumeQueueDiskRatio: javaNumber(field(table, 'consumeQueueDiskRatio'), 'consumeQueueDiskRatio'),
		dispatchBehindBytes: longField(table, 'dispatchBehindBytes'),
		putTps: tps(table, 'putTps'),
		getTotalTps: tps(table, 'getTotalTps'),
		getFoundTps: tps(table, 'getFoundTps'),
		getMissTps: tps(table, 'getMissTps'),
		getTransferedTps: tps(table, 'getTransferedTps'),
		msgPutTotalTodayNow: longField(table, 'msgPutTotalTodayNow'),
		msgGetTotalTodayNow: longField(table, 'msgGetTotalTodayNow'),
		bootTimestamp: longField(table, 'bootTimestamp'),
		runtimeSeconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds,
	};
}

/** Request extFields for GET_ROUTEINFO_BY_TOPIC (105). */
export function topicRouteRequest(topic: string): {extFields: {topic: string}} {
	return {extFields: {topic}};
}

/**
 * DLedger METADATA (50000) request, sent to a node's DLedger port: extFields `{}` and the JSON body
 * `{"group":…,"remoteId":…}` (remoteId = the TARGET node's own id), byte for byte as captured.
 */
export function dledgerMetadataRequest(group: string, remoteId: string): {extFields: Record<string, never>; body: Buffer} {
	return {extFields: {}, body: Buffer.from(JSON.stringify({group, remoteId}), 'utf8')};
}

/** DLedger METADATA response body. `leaderId: null` is treated like an absent key (no leader known). */
export function decodeDledgerMetadata(body: Buffer): DledgerMetadata {
	const json = parseBody(body, 'dledger metadata');
	const out: DledgerMetadata = {
		code: integer(json['code'], 'dledger metadata code'),
		group: string(json['group'], 'dledger metadata group'),
		term: integer(json['term'], 'dledger metadata term'),
	};
	if (json['leaderId'] !== undefined && json['leaderId'] !== null) out.leaderId = string(json['leaderId'], 'dledger metadata leaderId');
	if (json['peers'] !== undefined && json['peers'] !== null) out.peers = stringMap(json['peers'], 'dledger metadata peers');
	if (json['remoteId'] !== undefined && json['remoteId'] !== null) out.remoteId = string(json['remoteId'], 'dledger metadata remoteId');
	return out;
}
