/** `rmq-tui status`: one probe round, a report, and an exit code scripts can use (0 only when all is healthy). */
import {buildPlan} from '../../plan/plan.ts';
import type {ClusterFile} from '../../inventory/schema.ts';
import {formatErrors} from '../../inventory/errors.ts';
import {probeRound, type ProbeSource} from '../../probe/probe.ts';
import {statusText} from '../../probe/report.ts';
import {clusterSnapshot, worstVerdict} from '../../probe/snapshot.ts';
import {targetsFromPlan} from '../../probe/targets.ts';
import {RemotingClient} from '../../rocketmq/client.ts';
import {directTcp, type SocketFactory} from '../../rocketmq/transport.ts';
import {splitHostList} from '../../inventory/from-flags.ts';
import {EXIT, UsageError, type CommandIO} from '../io.ts';

/** `A;B` or `A,B`: every name server, as ip:port (port 9876 when left out). */
export function namesrvList(value: string): string[] {
	const list = splitHostList(value).map(a => (/:\d+$/.test(a) ? a : `${a}:9876`));
	if (list.length === 0 || list.some(a => a === ':9876')) throw new UsageError(`--namesrv "${value}" lists no name server`, "write --namesrv '10.0.0.1:9876;10.0.0.2:9876'");
	return list;
}

export function sourceFromCluster(cluster: ClusterFile, io: CommandIO): ProbeSource | undefined {
	const planned = buildPlan(cluster);
	if (!planned.ok) {
		io.stderr(`rmq-tui: the cluster cannot be planned:\n${formatErrors(planned.errors)}\n`);
		return undefined;
	}
	return {namesrvs: planned.plan.namesrvs.map(n => `${n.ip}:${n.port}`), groups: targetsFromPlan(planned.plan)};
}

export async function statusCommand(
	source: ProbeSource,
	flags: {json: boolean; timeoutMs?: number},
	io: CommandIO,
	socketFactory: SocketFactory = directTcp({connectTimeoutMs: flags.timeoutMs}),
): Promise<number> {
	const client = new RemotingClient({socketFactory, ...(flags.timeoutMs ? {timeoutMs: flags.timeoutMs, connectTimeoutMs: flags.timeoutMs} : {})});
	try {
		const round = await probeRound(client, source);
		const snapshot = clusterSnapshot(round);
		io.stdout(flags.json ? `${JSON.stringify({...snapshot, problems: round.problems}, null, 2)}\n` : `${statusText(snapshot, round.problems)}\n`);
		if (snapshot.namesrvs.every(n => !n.reachable) && snapshot.groups.every(g => g.verdict === 'unreachable')) return EXIT.unreachable;
		return snapshot.groups.length > 0 && worstVerdict(snapshot) === 'healthy' && round.problems.length === 0 ? EXIT.ok : EXIT.findings;
	} finally {
		await client.close();
	}
}
