/** The failover figures the confirmations quote (rocketmq-facts §6: measured on real 4.7.1 groups). */
export const EXPECT = {
	/** kill/stop of a leader → a new brokerId 0 at every name server (4.2–6.4 s measured). */
	newLeader: '~4–6 s',
	/** A frozen leader stays brokerId 0 at the name servers until the new leader overwrites it (11–13 s measured). */
	staleLeader: '~11–13 s',
	/** A restarted node shows up as follower at every name server (1.1–1.7 s after launch measured). */
	rejoin: '~1–2 s',
	/** Brokers register with every name server every 30 s (registerNameServerPeriod). */
	reregister: '30 s',
} as const;

/** A majority of n replicas. */
export const majority = (n: number): number => Math.floor(n / 2) + 1;
