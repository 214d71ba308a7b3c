/**
 * One probe round (the imperative shell around snapshot.ts): ask every name server, then every DLedger node and
 * broker of every group, all in parallel, and collect what each said — or why it did not answer.
 */
import type {RemotingClient} from '../rocketmq/client.ts';
import {runtimeFigures} from '../rocketmq/messages.ts';
import {discoverGroups, type LiveBrokerConfig} from './targets.ts';
import type {BrokerObservation, DledgerObservation, GroupTarget, NamesrvObservation, ProbeRound} from './types.ts';

export type ProbeClient = Pick<RemotingClient, 'clusterInfo' | 'brokerConfig' | 'brokerRuntimeInfo' | 'dledgerMetadata'>;

export interface ProbeSource {
	/** "ip:port" of every name server. */
	namesrvs: readonly string[];
	/** From a plan; absent for a cluster rmq-tui did not deploy (found through the brokers' live configs). */
	groups?: readonly GroupTarget[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function askNamesrv(client: ProbeClient, addr: string, now: () => number): Promise<NamesrvObservation> {
	try {
		const info = await client.clusterInfo(addr);
		const brokers = Object.fromEntries(Object.entries(info.brokers).map(([name, data]) => [name, data.brokerAddrs]));
		return {addr, at: now(), ok: true, brokers};
	} catch (error) {
		return {addr, at: now(), ok: false, error: message(error)};
	}
}

/** Groups of a cluster rmq-tui did not deploy: names and addresses from the name servers, DLedger peers from each broker's config. */
export async function discover(client: ProbeClient, namesrvs: readonly NamesrvObservation[]): Promise<{groups: GroupTarget[]; problems: string[]}> {
	const tables: Record<string, Record<number, string>> = {};
	for (const ns of namesrvs) {
		if (!ns.ok) continue;
		for (const [name, addrs] of Object.entries(ns.brokers)) tables[name] = {...addrs, ...tables[name]};
	}
	const addrs = [...new Set(Object.values(tables).flatMap(t => Object.values(t)))];
	const configs = (
		await Promise.all(addrs.map(async (addr): Promise<LiveBrokerConfig | undefined> => {
			try {
				return {addr, config: await client.brokerConfig(addr)};
			} catch {
				return undefined;
			}
		}))
	).filter((c): c is LiveBrokerConfig => c !== undefined);
	return discoverGroups(Object.keys(tables).sort(), configs, tables);
}

export interface RoundOptions {
	/**
	 * Nodes ("ip:port") that did not answer the previous round (a paused JVM, a dead link): their answer is waited
	 * for only `quickMs`, so one frozen node does not stretch every round to the client's full timeout. A node that
	 * answers again is back at full patience the next round.
	 */
	suspects?: ReadonlySet<string>;
	quickMs?: number;
}

/** `ask` for a suspect node, raced against the short wait; its late answer (if any) is dropped. */
function patient<T>(addr: string, options: RoundOptions, ask: () => Promise<T>, gaveUp: (error: string) => T): Promise<T> {
	if (!options.suspects?.has(addr) || options.quickMs === undefined) return ask();
	const ms = options.quickMs;
	let timer: NodeJS.Timeout | undefined;
	const wait = new Promise<T>(resolve => (timer = setTimeout(() => resolve(gaveUp(`still no answer after ${ms} ms (none last round either)`)), ms)));
	return Promise.race([ask(), wait]).finally(() => clearTimeout(timer));
}

export async function probeRound(client: ProbeClient, source: ProbeSource, now: () => number = Date.now, options: RoundOptions = {}): Promise<ProbeRound & {problems: string[]}> {
	const at = now();
	const namesrvs = await Promise.all(source.namesrvs.map(addr => askNamesrv(client, addr, now)));
	const {groups, problems} = source.groups ? {groups: [...source.groups], problems: []} : await discover(client, namesrvs);
	const replicas = groups.flatMap(g => g.replicas.map(r => ({group: g.name, r})));
	const dledger = Promise.all(replicas.map(({group, r}) => patient(`${r.ip}:${r.dledgerPort}`, options, async (): Promise<DledgerObservation> => {
		try {
			const meta = await client.dledgerMetadata(`${r.ip}:${r.dledgerPort}`, group, r.selfId);
			if (meta.code !== 200) return {group, selfId: r.selfId, at: now(), ok: false, error: `DLedger METADATA answered code ${meta.code}`};
			return {group, selfId: r.selfId, at: now(), ok: true, ...(meta.leaderId ? {leaderId: meta.leaderId} : {})};
		} catch (error) {
			return {group, selfId: r.selfId, at: now(), ok: false, error: message(error)};
		}
	}, error => ({group, selfId: r.selfId, at: now(), ok: false, error}))));
	const brokers = Promise.all(replicas.filter(({r}) => r.listenPort > 0).map(({group, r}) => patient(`${r.ip}:${r.listenPort}`, options, async (): Promise<BrokerObservation> => {
		try {
			const figures = runtimeFigures(await client.brokerRuntimeInfo(`${r.ip}:${r.listenPort}`));
			return {
				group, selfId: r.selfId, at: now(), ok: true,
				runtime: {version: figures.versionDesc, commitLogMaxOffset: figures.commitLogMaxOffset, diskRatio: figures.commitLogDiskRatio, putTps: figures.putTps},
			};
		} catch (error) {
			return {group, selfId: r.selfId, at: now(), ok: false, error: message(error)};
		}
	}, error => ({group, selfId: r.selfId, at: now(), ok: false, error}))));
	return {at, groups, namesrvs, dledger: await dledger, brokers: await brokers, problems};
}
