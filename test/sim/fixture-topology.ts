/** The fixtures' cluster (test/fixtures/rocketmq-4.7.1/README.md), for the simulator tests. */
import {readFileSync} from 'node:fs';
import {decodeFrame, type Frame} from '../../source/rocketmq/codec.ts';
import type {SimTopology} from '../../source/sim/cluster.ts';

const FIXTURES = new URL('../fixtures/rocketmq-4.7.1/', import.meta.url);

export const fixtureBytes = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
export const fixtureFrame = (name: string): Frame => decodeFrame(fixtureBytes(name));

/** ports: namesrv 9876+i; group g replica k listen 10911 + 1000g + 10k, DLedger 40911 + 1000g + 10k. */
export function fixtureTopology(base = {namesrv: 9876, listen: 10911, dledger: 40911}, ip = '127.0.0.1'): SimTopology {
	return {
		clusterName: 'RaftCluster',
		namesrvs: [0, 1, 2].map(i => ({ip, port: base.namesrv + i})),
		groups: [0, 1].map(g => ({
			name: `RaftNode0${g}`,
			replicas: [0, 1, 2].map(k => ({
				selfId: `n${k}`,
				ip,
				listenPort: base.listen + 1000 * g + 10 * k,
				dledgerPort: base.dledger + 1000 * g + 10 * k,
			})),
		})),
	};
}
