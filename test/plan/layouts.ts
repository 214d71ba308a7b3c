/** The three cluster layouts the render tests check, and what each broker's conf must say. */
import type {ClusterFile} from '../../source/inventory/schema.ts';
import type {BrokerPlan, Plan} from '../../source/plan/types.ts';
import {clusterOn, namedHosts, seedCluster} from './fixtures.ts';

export const LAYOUTS: ReadonlyArray<{name: string; cluster: () => ClusterFile}> = [
	{name: 'seed: 3 hosts × 2 groups × 3 replicas', cluster: () => seedCluster()},
	{
		name: '5 hosts × 3 groups × 3 replicas, cores known, extra properties',
		cluster: () => clusterOn(namedHosts(5).map((h, i) => (i % 2 === 0 ? {...h, cpus: 4 * (i + 1)} : h)), 3, 3, {
			brokerProperties: {maxMessageSize: '4194304', autoCreateTopicEnable: 'false'},
		}),
	},
	{
		name: '7 hosts × 2 groups × 5 replicas, 3 name servers, public console on the last host, own baseDir and ports',
		cluster: () => {
			const base = clusterOn(7, 2, 5);
			return {
				...base,
				name: 'Orders',
				groupPrefix: 'Orders',
				baseDir: '/srv/rmq',
				heap: {broker: '768m', namesrv: '256m'},
				ports: {namesrv: 9877, listen: 30911, dledger: 40911, groupStride: 20},
				namesrvHosts: ['h0', 'h2', 'h4'],
				console: {...base.console, host: 'h6', public: true, port: 18080},
			};
		},
	},
];

/** Every key and value a broker's conf must hold, from the plan alone. */
export function expectedBrokerConf(plan: Plan, broker: BrokerPlan): Record<string, string> {
	return {
		brokerClusterName: plan.options.name,
		brokerName: broker.group,
		brokerIP1: broker.ip,
		brokerIP2: broker.ip,
		namesrvAddr: plan.namesrvAddr,
		listenPort: String(broker.listenPort),
		enableDLegerCommitLog: 'true',
		dLegerGroup: broker.group,
		dLegerPeers: broker.peers,
		dLegerSelfId: broker.selfId,
		storePathRootDir: '/home/rocketmq/store',
		storePathCommitLog: '/home/rocketmq/store/commitlog',
		deleteWhen: '04',
		fileReservedTime: '72',
		flushDiskType: 'ASYNC_FLUSH',
		sendMessageThreadPoolNums: String(broker.sendMessageThreadPoolNums),
		...plan.options.brokerProperties,
	};
}
