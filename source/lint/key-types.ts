/**
 * How RocketMQ 4.7.1 parses each broker key (MixAll.properties2Object): booleans with Boolean.parseBoolean
 * (anything but "true" is false), numbers with Integer/Long.parseLong (a failure is ignored silently and the
 * default stays), the two enums with valueOf, the rest as raw strings (never trimmed).
 * The partition follows the values of the captured GET_BROKER_CONFIG body; a test keeps them in step.
 */
import {IMAGE} from '../plan/types.ts';

const words = (text: string): ReadonlySet<string> => new Set(text.trim().split(/\s+/));

export const BOOLEAN_KEYS = words(`
	aclEnable autoCreateSubscriptionGroup autoCreateTopicEnable autoDeleteUnusedStats brokerFastFailureEnable
	brokerTopicEnable checkCRCOnRecover cleanFileForciblyEnable clientCloseSocketIfTimeout
	clientPooledByteBufAllocatorEnable clusterTopicEnable commercialEnable compressedRegister debugLockEnable
	disableConsumeIfConsumerReadSlowly diskFallRecorded duplicationEnable enableCalcFilterBitMap enableConsumeQueueExt
	enableDLegerCommitLog enablePropertyFilter fastFailIfNoBufferInStorePool fetchNamesrvAddrByAddressServer
	filterSupportRetry flushCommitLogTimed forceRegister highSpeedMode longPollingEnable messageIndexEnable
	messageIndexSafe notifyConsumerIdsChangedEnable offsetCheckInSlave rejectTransactionMessage
	serverPooledByteBufAllocatorEnable slaveReadEnable storeReplyMessageEnable traceOn traceTopicEnable transferMsgByHeap
	transientStorePoolEnable useEpollNativeSelector useReentrantLockWhenPutMessage useTLS warmMapedFileEnable
`);

/** Whole numbers (int or long). `deleteWhen` looks numeric ("04") but is a string of hours. */
export const NUMBER_KEYS = words(`
	accessMessageInMemoryMaxRatio adminBrokerThreadPoolNums bitMapLengthConsumeQueueExt brokerId brokerPermission
	channelNotActiveInterval cleanResourceInterval clientAsyncSemaphoreValue clientCallbackExecutorThreads
	clientChannelMaxIdleTimeSeconds clientManageThreadPoolNums clientManagerThreadPoolQueueCapacity
	clientOnewaySemaphoreValue clientSocketRcvBufSize clientSocketSndBufSize clientWorkerThreads commercialBaseCount
	commercialBigCount commercialTimerCount commercialTransCount commitCommitLogLeastPages
	commitCommitLogThoroughInterval commitIntervalCommitLog connectTimeoutMillis consumerFallbehindThreshold
	consumerManageThreadPoolNums consumerManagerThreadPoolQueueCapacity defaultQueryMaxNum defaultTopicQueueNums
	deleteCommitLogFilesInterval deleteConsumeQueueFilesInterval destroyMapedFileIntervalForcibly diskMaxUsedSpaceRatio
	endTransactionPoolQueueCapacity endTransactionThreadPoolNums expectConsumerNumUseFilter fileReservedTime
	filterDataCleanTimeSpan filterServerNums flushCommitLogLeastPages flushCommitLogThoroughInterval
	flushConsumeQueueLeastPages flushConsumeQueueThoroughInterval flushConsumerOffsetHistoryInterval
	flushConsumerOffsetInterval flushDelayOffsetInterval flushIntervalCommitLog flushIntervalConsumeQueue
	flushLeastPagesWhenWarmMapedFile haHousekeepingInterval haListenPort haSendHeartbeatInterval haSlaveFallbehindMax
	haTransferBatchSize heartbeatThreadPoolNums heartbeatThreadPoolQueueCapacity listenPort mappedFileSizeCommitLog
	mappedFileSizeConsumeQueue mappedFileSizeConsumeQueueExt maxDelayTime maxErrorRateOfBloomFilter maxHashSlotNum
	maxIndexNum maxMessageSize maxMsgsNumBatch maxTransferBytesOnMessageInDisk maxTransferBytesOnMessageInMemory
	maxTransferCountOnMessageInDisk maxTransferCountOnMessageInMemory osPageCacheBusyTimeOutMills
	processReplyMessageThreadPoolNums pullMessageThreadPoolNums pullThreadPoolQueueCapacity putMsgIndexHightWater
	queryMessageThreadPoolNums queryThreadPoolQueueCapacity redeleteHangedFileInterval registerBrokerTimeoutMills
	registerNameServerPeriod replyThreadPoolQueueCapacity sendMessageThreadPoolNums sendThreadPoolQueueCapacity
	serverAsyncSemaphoreValue serverCallbackExecutorThreads serverChannelMaxIdleTimeSeconds serverOnewaySemaphoreValue
	serverSelectorThreads serverSocketRcvBufSize serverSocketSndBufSize serverWorkerThreads shortPollingTimeMills
	startAcceptSendRequestTimeStamp syncFlushTimeout transactionCheckInterval transactionCheckMax transactionTimeOut
	transientStorePoolSize waitTimeMillsInHeartbeatQueue waitTimeMillsInPullQueue waitTimeMillsInSendQueue
	waitTimeMillsInTransactionQueue
`);

/** Keys set through `Enum.valueOf` (exact, case-sensitive names). */
export const ENUM_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
	['brokerRole', ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE']],
	['flushDiskType', ['ASYNC_FLUSH', 'SYNC_FLUSH']],
]);

/** Read from the conf by BrokerStartup.properties2SystemEnv, not by a config object (so absent from GET_BROKER_CONFIG). */
export const SYSTEM_ENV_KEYS = words('rmqAddressServerDomain rmqAddressServerSubGroup');

/** The four keys of DLedger mode, spelled "Leger" as 4.7.1 reads them. */
export const DLEDGER_KEYS = ['enableDLegerCommitLog', 'dLegerGroup', 'dLegerPeers', 'dLegerSelfId'] as const;

/** Ignored in DLedger mode: the role comes from the election, the id from dLegerSelfId. */
export const IGNORED_IN_DLEDGER_MODE = ['brokerRole', 'brokerId'] as const;

/** BrokerStartup's defaults for keys the rules reason about. */
export const BROKER_DEFAULTS = {
	listenPort: 10911,
	brokerClusterName: 'DefaultCluster',
	/** `${user.home}/store` for the image's user. */
	storePathRootDir: IMAGE.storeDir,
} as const;
