/**
 * RocketMQ 4.7.1 log lines (pure). The logback pattern is `%d{yyy-MM-dd HH:mm:ss,GMT+8} %p %t - %m%n`: the time is
 * written in GMT+8 whatever the host's zone, at 1 s resolution. Multi-line entries (stack traces) continue on lines
 * without a timestamp. Events that time a failover come from broker_default.log (DLedger's elector), broker.log
 * (the broker's role change) and namesrv.log (the name server dropping or registering a broker).
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogLine {
	/** Epoch ms of the line's second (the event happened within [at, at + 1000)). */
	at: number;
	level: LogLevel;
	thread: string;
	/** The message's first line. */
	message: string;
}

export type LogEventKind =
	/** `[n0][HeartBeatTimeOut] … lastLeader=n2`: a follower gave up on its leader. */
	| 'heartbeat-timeout'
	/** `[n0] [ChangeRoleToCandidate] from term: 0 …` */
	| 'candidate'
	/** `[n0] [VOTE_RESULT] has been elected to be the leader in term 1` */
	| 'elected'
	/** `[n0] [ChangeRoleToLeader] from term: 1 …` */
	| 'leader'
	/** `[n1][ChangeRoleToFollower] from term: 1 leaderId: n0 …` */
	| 'follower'
	/** broker.log: `Begin to change to master brokerName=RaftNode00` */
	| 'change-to-master'
	/** broker.log: `Begin to change to slave brokerName=RaftNode00 brokerId=2` */
	| 'change-to-slave'
	/** namesrv.log: `remove brokerAddr[0, 127.0.0.1:10931] from brokerAddrTable, because channel destroyed` */
	| 'broker-removed'
	/** namesrv.log: `new broker registered, 127.0.0.1:10931 HAServer: …` */
	| 'broker-registered';

export interface LogEvent {
	kind: LogEventKind;
	/** Epoch ms of the line's second. */
	at: number;
	/** DLedger self id the line is about (the writer for elector lines). */
	selfId?: string;
	term?: number;
	/** leaderId (follower) or lastLeader (heartbeat timeout). */
	leaderId?: string;
	/** brokerName. */
	group?: string;
	brokerId?: number;
	/** Broker address (name server lines). */
	addr?: string;
}

const HEAD = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) (TRACE|DEBUG|INFO|WARN|ERROR) (.+?) - (.*)$/;

/** GMT+8 wall time → epoch ms. */
export function gmt8ToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
	return Date.UTC(year, month - 1, day, hour, minute, second) - 8 * 3600_000;
}

/** A line with a logback head; undefined for continuation lines (stack traces) and anything else. */
export function parseLogLine(line: string): LogLine | undefined {
	const first = line.split('\n', 1)[0]!.replace(/\r$/, '');
	const m = HEAD.exec(first);
	if (!m) return undefined;
	const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
	return {at: gmt8ToEpoch(y, mo, d, h, mi, s), level: m[7] as LogLevel, thread: m[8]!, message: m[9]!};
}

type Matcher = (message: string) => Omit<LogEvent, 'at'> | undefined;

const MATCHERS: Matcher[] = [
	msg => {
		const m = /^\[(\w+)\]\[HeartBeatTimeOut\] .*lastLeader=(\w+)/.exec(msg);
		return m ? {kind: 'heartbeat-timeout', selfId: m[1]!, leaderId: m[2]!} : undefined;
	},
	msg => {
		const m = /^\[(\w+)\] ?\[VOTE_RESULT\] has been elected to be the leader in term (\d+)/.exec(msg);
		return m ? {kind: 'elected', selfId: m[1]!, term: Number(m[2])} : undefined;
	},
	msg => {
		const m = /^\[(\w+)\] ?\[ChangeRoleToCandidate\] from term: (-?\d+)/.exec(msg);
		return m ? {kind: 'candidate', selfId: m[1]!, term: Number(m[2])} : undefined;
	},
	msg => {
		const m = /^\[(\w+)\] ?\[ChangeRoleToLeader\] from term: (-?\d+)/.exec(msg);
		return m ? {kind: 'leader', selfId: m[1]!, term: Number(m[2])} : undefined;
	},
	msg => {
		const m = /^\[(\w+)\] ?\[ChangeRoleToFollower\] from term: (-?\d+) leaderId: (\w+)/.exec(msg);
		return m ? {kind: 'follower', selfId: m[1]!, term: Number(m[2]), leaderId: m[3]!} : undefined;
	},
	msg => {
		const m = /^Begin to change to master brokerName=(\S+)/.exec(msg);
		return m ? {kind: 'change-to-master', group: m[1]!} : undefined;
	},
	msg => {
		const m = /^Begin to change to slave brokerName=(\S+) brokerId=(\d+)/.exec(msg);
		return m ? {kind: 'change-to-slave', group: m[1]!, brokerId: Number(m[2])} : undefined;
	},
	msg => {
		const m = /^remove brokerAddr\[(\d+), ([^\]]+)\] from brokerAddrTable, because channel destroyed/.exec(msg);
		return m ? {kind: 'broker-removed', brokerId: Number(m[1]), addr: m[2]!} : undefined;
	},
	msg => {
		const m = /^new broker registered, (\S+) HAServer/.exec(msg);
		return m ? {kind: 'broker-registered', addr: m[1]!} : undefined;
	},
];

/** The failover event a line records, if any. */
export function parseLogEvent(line: string): LogEvent | undefined {
	const parsed = parseLogLine(line);
	if (!parsed) return undefined;
	for (const match of MATCHERS) {
		const e = match(parsed.message);
		if (e) return {...e, at: parsed.at};
	}
	return undefined;
}

/** Every event of a log text (or its lines). */
export function parseLogEvents(text: string | readonly string[]): LogEvent[] {
	const lines = typeof text === 'string' ? text.split('\n') : text;
	return lines.map(parseLogEvent).filter((e): e is LogEvent => e !== undefined);
}

/**
 * How the log pane colours a line: 'election' (HeartBeatTimeOut, VOTE_RESULT, DLedger role changes), 'role' (the
 * broker changing to master/slave, a name server dropping or registering a broker), 'error', 'warn', 'stack' (a
 * continuation line of a multi-line entry), 'plain'.
 */
export type LineClass = 'election' | 'role' | 'error' | 'warn' | 'stack' | 'plain';

export function highlight(line: string): LineClass {
	const parsed = parseLogLine(line);
	if (!parsed) return line.trim() === '' ? 'plain' : 'stack';
	const event = parseLogEvent(line);
	if (event) {
		if (event.kind === 'change-to-master' || event.kind === 'change-to-slave' || event.kind === 'broker-removed' || event.kind === 'broker-registered') return 'role';
		return 'election';
	}
	if (parsed.level === 'ERROR') return 'error';
	if (parsed.level === 'WARN') return 'warn';
	return 'plain';
}
