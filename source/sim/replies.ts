/**
 * Response frames as 4.7.1 servers write them (pure): header keys in alphabetical order, null fields left out,
 * `"serializeTypeCurrentRPC":"JSON"`, flag 1, version 355.
 */
import {encodeFrame, FLAG_RESPONSE, VERSION_4_7_1} from '../rocketmq/codec.ts';
import {ResponseCode} from '../rocketmq/codes.ts';
import {toFastjson} from './fastjson-writer.ts';

export interface ResponseSpec {
	code: number;
	opaque: number;
	remark?: string;
	/** Entries in the order given (the real ones come in Java hash-map order). */
	extFields?: Record<string, string>;
	body?: Buffer;
}

export function encodeResponse(r: ResponseSpec): Buffer {
	const header: Record<string, unknown> = {code: r.code};
	if (r.extFields !== undefined) header.extFields = r.extFields;
	header.flag = FLAG_RESPONSE;
	header.language = 'JAVA';
	header.opaque = r.opaque;
	if (r.remark !== undefined) header.remark = r.remark;
	header.serializeTypeCurrentRPC = 'JSON';
	header.version = VERSION_4_7_1;
	return encodeFrame(header, r.body);
}

/** GET_ROUTEINFO_BY_TOPIC for a topic the name server does not know. */
export const topicNotExistRemark = (topic: string): string =>
	`No topic route info in name server for the topic: ${topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details.`;

/** The DLedger port's answer to a code it does not handle. */
export const dledgerUnsupported = (code: number, opaque: number): Buffer =>
	encodeResponse({code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, opaque, remark: ` request type ${code} not supported`});

export interface MetadataView {
	group: string;
	selfId: string;
	/** undefined while electing: the key is then absent. */
	leaderId: string | undefined;
	/** selfId → `ip:dledgerPort`, in Java HashMap order. */
	peers: ReadonlyMap<string, string>;
}

/** METADATA (50000): header code 200; body code 200 / 400 (unknown group) / 401 (unknown member). */
export function metadataBody(view: MetadataView, request: {group?: unknown; remoteId?: unknown}): {body: Buffer; code: number} {
	const group = typeof request.group === 'string' ? request.group : undefined;
	const remoteId = typeof request.remoteId === 'string' ? request.remoteId : undefined;
	let body: Record<string, unknown>;
	if (group !== view.group) {
		body = {code: ResponseCode.DLEDGER_UNKNOWN_GROUP, group, leaderId: view.leaderId, remoteId, term: -1};
	} else if (remoteId !== view.selfId) {
		body = {code: ResponseCode.DLEDGER_UNKNOWN_MEMBER, group, leaderId: view.leaderId, remoteId, term: -1};
	} else {
		body = {code: ResponseCode.DLEDGER_SUCCESS, group, leaderId: view.leaderId, peers: view.peers, term: -1};
	}
	return {body: Buffer.from(toFastjson(body), 'utf8'), code: body.code as number};
}
