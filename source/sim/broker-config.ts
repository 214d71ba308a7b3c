/**
 * GET_BROKER_CONFIG and GET_BROKER_RUNTIME_INFO bodies of a 4.7.1 broker (pure). The key ORDER is the one the
 * real broker prints (a java.util.Properties / HashMap iteration order over a fixed key set, copied from the
 * captured frames); the VALUES come from the simulated broker's live state.
 */
import {javaHashMap} from './fastjson-writer.ts';

/** Every key of a 4.7.1 DLedger broker's configuration, in the order the broker prints them, with defaults. */
const CONFIG_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
	["shortPollingTimeMills", "1000"],
	["clientWorkerThreads", "4"],
	["clientAsyncSemaphoreValue", "65535"],
	["channelNotActiveInterval", "60000"],
	["enableConsumeQueueExt", "false"],
	["clientSocketSndBufSize", "131072"],
	["haHousekeepingInterval", "20000"],
	["consumerManageThreadPoolNums", "32"],
	["transactionCheckInterval", "60000"],
	["storePathRootDir", "/home/rocketmq/store"],
	["autoCreateTopicEnable", "true"],
	["syncFlushTimeout", "5000"],
	["clientChannelMaxIdleTimeSeconds", "120"],
	["autoDeleteUnusedStats", "false"],
	["maxIndexNum", "20000000"],
	["defaultTopicQueueNums", "8"],
	["clientSocketRcvBufSize", "131072"],
	["clientManagerThreadPoolQueueCapacity", "1000000"],
	["dLegerSelfId", "n2"],
	["debugLockEnable", "false"],
	["notifyConsumerIdsChangedEnable", "true"],
	["brokerFastFailureEnable", "true"],
	["transientStorePoolEnable", "false"],
	["queryMessageThreadPoolNums", "10"],
	["maxMessageSize", "4194304"],
	["useReentrantLockWhenPutMessage", "false"],
	["waitTimeMillsInTransactionQueue", "3000"],
	["messageIndexEnable", "true"],
	["commercialBaseCount", "1"],
	["diskFallRecorded", "true"],
	["endTransactionThreadPoolNums", "12"],
	["filterSupportRetry", "false"],
	["brokerTopicEnable", "true"],
	["destroyMapedFileIntervalForcibly", "120000"],
	["messageDelayLevel", "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"],
	["offsetCheckInSlave", "false"],
	["deleteConsumeQueueFilesInterval", "100"],
	["flushCommitLogTimed", "false"],
	["haSlaveFallbehindMax", "268435456"],
	["waitTimeMillsInSendQueue", "200"],
	["defaultQueryMaxNum", "32"],
	["namesrvAddr", "127.0.0.1:9876;127.0.0.1:9877;127.0.0.1:9878"],
	["clientCloseSocketIfTimeout", "false"],
	["haSendHeartbeatInterval", "5000"],
	["serverCallbackExecutorThreads", "0"],
	["brokerName", "RaftNode00"],
	["fetchNamesrvAddrByAddressServer", "false"],
	["longPollingEnable", "true"],
	["enableCalcFilterBitMap", "false"],
	["redeleteHangedFileInterval", "120000"],
	["diskMaxUsedSpaceRatio", "75"],
	["transactionCheckMax", "15"],
	["maxTransferBytesOnMessageInMemory", "262144"],
	["flushCommitLogLeastPages", "4"],
	["maxHashSlotNum", "5000000"],
	["sendMessageThreadPoolNums", "4"],
	["serverSocketRcvBufSize", "131072"],
	["putMsgIndexHightWater", "600000"],
	["accessMessageInMemoryMaxRatio", "40"],
	["slaveReadEnable", "false"],
	["fileReservedTime", "72"],
	["enableDLegerCommitLog", "true"],
	["commercialTransCount", "1"],
	["replyThreadPoolQueueCapacity", "10000"],
	["consumerFallbehindThreshold", "17179869184"],
	["maxErrorRateOfBloomFilter", "20"],
	["storeReplyMessageEnable", "true"],
	["heartbeatThreadPoolNums", "2"],
	["startAcceptSendRequestTimeStamp", "0"],
	["traceOn", "true"],
	["flushDiskType", "ASYNC_FLUSH"],
	["rejectTransactionMessage", "false"],
	["flushIntervalConsumeQueue", "1000"],
	["clientOnewaySemaphoreValue", "65535"],
	["highSpeedMode", "false"],
	["adminBrokerThreadPoolNums", "16"],
	["flushConsumeQueueThoroughInterval", "60000"],
	["sendThreadPoolQueueCapacity", "10000"],
	["commercialTimerCount", "1"],
	["pullThreadPoolQueueCapacity", "100000"],
	["haListenPort", "10932"],
	["commitIntervalCommitLog", "200"],
	["serverSocketSndBufSize", "131072"],
	["flushConsumeQueueLeastPages", "2"],
	["mappedFileSizeConsumeQueue", "6000000"],
	["transientStorePoolSize", "5"],
	["registerNameServerPeriod", "30000"],
	["serverChannelMaxIdleTimeSeconds", "120"],
	["disableConsumeIfConsumerReadSlowly", "false"],
	["commercialBigCount", "1"],
	["mappedFileSizeCommitLog", "67108864"],
	["maxTransferBytesOnMessageInDisk", "65536"],
	["serverOnewaySemaphoreValue", "256"],
	["checkCRCOnRecover", "true"],
	["forceRegister", "true"],
	["transferMsgByHeap", "true"],
	["flushConsumerOffsetInterval", "5000"],
	["flushDelayOffsetInterval", "10000"],
	["endTransactionPoolQueueCapacity", "100000"],
	["flushIntervalCommitLog", "500"],
	["waitTimeMillsInPullQueue", "5000"],
	["deleteWhen", "04"],
	["flushCommitLogThoroughInterval", "10000"],
	["aclEnable", "false"],
	["dLegerGroup", "RaftNode00"],
	["cleanResourceInterval", "10000"],
	["serverAsyncSemaphoreValue", "64"],
	["connectTimeoutMillis", "3000"],
	["storePathCommitLog", "/home/rocketmq/store/commitlog"],
	["clientPooledByteBufAllocatorEnable", "false"],
	["commitCommitLogThoroughInterval", "200"],
	["rocketmqHome", "/home/rocketmq/rocketmq-all-4.7.1-bin-release"],
	["useEpollNativeSelector", "false"],
	["maxTransferCountOnMessageInMemory", "32"],
	["serverPooledByteBufAllocatorEnable", "true"],
	["autoCreateSubscriptionGroup", "true"],
	["flushLeastPagesWhenWarmMapedFile", "4096"],
	["filterDataCleanTimeSpan", "86400000"],
	["warmMapedFileEnable", "false"],
	["traceTopicEnable", "false"],
	["clientManageThreadPoolNums", "32"],
	["consumerManagerThreadPoolQueueCapacity", "1000000"],
	["cleanFileForciblyEnable", "true"],
	["serverSelectorThreads", "3"],
	["compressedRegister", "false"],
	["brokerIP2", "10.99.0.1"],
	["commitCommitLogLeastPages", "4"],
	["brokerRole", "SYNC_MASTER"],
	["brokerIP1", "127.0.0.1"],
	["brokerPermission", "6"],
	["maxDelayTime", "40"],
	["transactionTimeOut", "6000"],
	["maxTransferCountOnMessageInDisk", "8"],
	["clientCallbackExecutorThreads", "2"],
	["filterServerNums", "0"],
	["fastFailIfNoBufferInStorePool", "false"],
	["useTLS", "false"],
	["duplicationEnable", "false"],
	["pullMessageThreadPoolNums", "20"],
	["brokerId", "0"],
	["registerBrokerTimeoutMills", "6000"],
	["mappedFileSizeConsumeQueueExt", "50331648"],
	["msgTraceTopicName", "RMQ_SYS_TRACE_TOPIC"],
	["osPageCacheBusyTimeOutMills", "1000"],
	["expectConsumerNumUseFilter", "32"],
	["dLegerPeers", "n0-127.0.0.1:40911;n1-127.0.0.1:40921;n2-127.0.0.1:40931"],
	["serverWorkerThreads", "8"],
	["queryThreadPoolQueueCapacity", "20000"],
	["maxMsgsNumBatch", "64"],
	["flushConsumerOffsetHistoryInterval", "60000"],
	["bitMapLengthConsumeQueueExt", "112"],
	["processReplyMessageThreadPoolNums", "20"],
	["clusterTopicEnable", "true"],
	["regionId", "DefaultRegion"],
	["brokerClusterName", "RaftCluster"],
	["commercialEnable", "true"],
	["haTransferBatchSize", "32768"],
	["messageStorePlugIn", ""],
	["listenPort", "10931"],
	["waitTimeMillsInHeartbeatQueue", "31000"],
	["messageIndexSafe", "false"],
	["heartbeatThreadPoolQueueCapacity", "50000"],
	["enablePropertyFilter", "false"],
	["deleteCommitLogFilesInterval", "100"],
];

export interface BrokerConfigState {
	clusterName: string;
	brokerName: string;
	selfId: string;
	/** `n0-IP:PORT;…` */
	peers: string;
	ip: string;
	listenPort: number;
	namesrvAddr: string;
	/** -1 before the first role change, 0 on the leader, selfId number + 1 on a follower. */
	brokerId: number;
	/** ASYNC_MASTER (the default, before any role change), SYNC_MASTER on the leader, SLAVE otherwise. */
	brokerRole: string;
	storePathRootDir: string;
	/** Any other key (e.g. from the plan's brokerProperties); unknown keys are appended, as Properties would hold them. */
	extra?: Readonly<Record<string, string>>;
}

/** Keys a 4.7.1 broker's config objects have: properties2Object sets these from a conf and ignores the rest. */
export const BROKER_CONFIG_KEYS: ReadonlySet<string> = new Set(CONFIG_DEFAULTS.map(([k]) => k));

/** The properties text: `key=value\n` per key, no escaping (4.7.1's MixAll.properties2String). */
export function brokerConfigText(state: BrokerConfigState): string {
	const live: Record<string, string> = {
		brokerClusterName: state.clusterName,
		brokerName: state.brokerName,
		dLegerGroup: state.brokerName,
		dLegerSelfId: state.selfId,
		dLegerPeers: state.peers,
		brokerIP1: state.ip,
		brokerIP2: state.ip,
		listenPort: String(state.listenPort),
		haListenPort: String(state.listenPort + 1),
		namesrvAddr: state.namesrvAddr,
		brokerId: String(state.brokerId),
		brokerRole: state.brokerRole,
		storePathRootDir: state.storePathRootDir,
		storePathCommitLog: `${state.storePathRootDir}/commitlog`,
		rocketmqHome: '/home/rocketmq/rocketmq-4.7.1',
		...state.extra,
	};
	const known = new Set(CONFIG_DEFAULTS.map(([k]) => k));
	let text = '';
	for (const [key, value] of CONFIG_DEFAULTS) text += `${key}=${live[key] ?? value}\n`;
	for (const [key, value] of Object.entries(live)) if (!known.has(key)) text += `${key}=${value}\n`;
	return text;
}

/** Runtime-info keys in the broker's HashMap insertion order, with the values of an idle broker. */
const RUNTIME_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
	["msgPutTotalTodayNow", "0"],
	["commitLogDiskRatio", "-1.0"],
	["getFoundTps", "0.0  "],
	["EndTransactionThreadPoolQueueCapacity", "100000"],
	["sendThreadPoolQueueHeadWaitTimeMills", "0"],
	["putMessageDistributeTime", "[<=0ms]:0 [0~10ms]:0 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 [500ms~1s]:0 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 "],
	["queryThreadPoolQueueHeadWaitTimeMills", "0"],
	["remainHowManyDataToFlush", "0 B"],
	["msgGetTotalTodayNow", "0"],
	["commitLogMaxOffset", "0"],
	["queryThreadPoolQueueSize", "0"],
	["getMessageEntireTimeMax", "0"],
	["msgPutTotalTodayMorning", "0"],
	["putMessageTimesTotal", "1"],
	["bootTimestamp", "1795577755895"],
	["msgGetTotalTodayMorning", "0"],
	["msgPutTotalYesterdayMorning", "0"],
	["msgGetTotalYesterdayMorning", "0"],
	["pullThreadPoolQueueSize", "0"],
	["brokerVersionDesc", "V4_7_1"],
	["sendThreadPoolQueueSize", "0"],
	["startAcceptSendRequestTimeStamp", "0"],
	["commitLogMinOffset", "0"],
	["putMessageEntireTimeMax", "0"],
	["pullThreadPoolQueueHeadWaitTimeMills", "0"],
	["runtime", "[ 0 days, 0 hours, 0 minutes, 19 seconds ]"],
	["earliestMessageTimeStamp", "-1"],
	["commitLogDirCapacity", "Total : 252.0 GiB, Free : 226.6 GiB."],
	["dispatchMaxBuffer", "0"],
	["brokerVersion", "355"],
	["putTps", "0.0  "],
	["remainTransientStoreBufferNumbs", "2147483647"],
	["getMissTps", "0.0  "],
	["queryThreadPoolQueueCapacity", "20000"],
	["putMessageAverageSize", "0.0"],
	["getTransferedTps", "0.0  "],
	["dispatchBehindBytes", "0"],
	["putMessageSizeTotal", "0"],
	["sendThreadPoolQueueCapacity", "10000"],
	["EndTransactionQueueSize", "0"],
	["getTotalTps", "0.0 0.0 0.0"],
	["pullThreadPoolQueueCapacity", "100000"],
	["consumeQueueDiskRatio", "-1.0"],
	["pageCacheLockTimeMills", "0"],
];

export interface BrokerRuntimeState {
	bootTimestamp: number;
	now: number;
	/** Live counters; a message store will fill these in later. */
	stats?: Readonly<Record<string, string>>;
}

/** `[ 0 days, 0 hours, 0 minutes, 19 seconds ]` */
export function runtimeText(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	return `[ ${Math.floor(s / 86400)} days, ${Math.floor((s % 86400) / 3600)} hours, ${Math.floor((s % 3600) / 60)} minutes, ${s % 60} seconds ]`;
}

/** The `table` map of GET_BROKER_RUNTIME_INFO, in Java HashMap order; every value a string. */
export function brokerRuntimeTable(state: BrokerRuntimeState): Map<string, string> {
	const live: Record<string, string> = {
		bootTimestamp: String(state.bootTimestamp),
		runtime: runtimeText(state.now - state.bootTimestamp),
		...state.stats,
	};
	return javaHashMap(RUNTIME_DEFAULTS.map(([k, v]) => [k, live[k] ?? v] as const));
}
