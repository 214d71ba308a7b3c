/** Request and response codes of RocketMQ 4.7.1 and DLedger 0.1 that rmq-tui uses or must recognise. */
export const RequestCode = {
	GET_ROUTEINFO_BY_TOPIC: 105,
	GET_BROKER_CLUSTER_INFO: 106,
	GET_BROKER_CONFIG: 26,
	GET_BROKER_RUNTIME_INFO: 28,
	DLEDGER_METADATA: 50000,
} as const;

/** DLedger codes that change Raft state: never to be sent by rmq-tui. */
export const FORBIDDEN_CODES = {VOTE: 51001, HEART_BEAT: 51002, APPEND: 51003, PUSH: 51005} as const;

/**
 * The only codes the client may send: read-only queries, listed one by one (adding a code to RequestCode,
 * e.g. for a later send/pull path, does not make it sendable by itself).
 */
export const READ_ONLY_CODES: ReadonlySet<number> = new Set([
	RequestCode.GET_ROUTEINFO_BY_TOPIC,
	RequestCode.GET_BROKER_CLUSTER_INFO,
	RequestCode.GET_BROKER_CONFIG,
	RequestCode.GET_BROKER_RUNTIME_INFO,
	RequestCode.DLEDGER_METADATA,
]);

export const ResponseCode = {
	SUCCESS: 0,
	SYSTEM_ERROR: 1,
	REQUEST_CODE_NOT_SUPPORTED: 3,
	TOPIC_NOT_EXIST: 17,
	/** DLedger answers METADATA with header code 200; the body carries 200/400/401. */
	DLEDGER_SUCCESS: 200,
	DLEDGER_UNKNOWN_GROUP: 400,
	DLEDGER_UNKNOWN_MEMBER: 401,
} as const;
