/**
 * `down`: stop and remove this cluster's containers (console, then brokers, then name servers) and its network on
 * every host. Data stays: only `purge` (which the CLI grants after the cluster's name is typed) deletes the plan's
 * dirs — the name server, broker and console trees under the base dir; the audit log under .rmq-tui is kept.
 */
import type {Plan} from '../plan/types.ts';
import {LABEL} from '../render/render.ts';
import {HostStepError} from './apply-host.ts';
import type {DeployFailure, DeployListener} from './events.ts';
import {auditPath, lockPath, type Operator} from './execute.ts';
import type {Host} from './host.ts';
import type {ObservedContainer} from './observed.ts';

export interface TeardownRequest {
	plan: Plan;
	hosts: ReadonlyMap<string, Host>;
	operator: Operator;
	emit: DeployListener;
	purge?: boolean;
	breakLock?: boolean;
	now?: () => number;
}

export interface TeardownResult {
	ok: boolean;
	removed: Array<{host: string; container: string}>;
	purged: Array<{host: string; path: string}>;
	failures: DeployFailure[];
}

const ROLE_ORDER = ['console', 'broker', 'namesrv'] as const;

/** The dirs `--purge` deletes on a host: the plan's own trees, nothing above them. */
export const purgePaths = (plan: Plan): string[] => [plan.layout.consoleDir, plan.layout.brokerDir, plan.layout.namesrvDir];

export async function teardown(req: TeardownRequest): Promise<TeardownResult> {
	const {plan, emit} = req;
	const now = req.now ?? Date.now;
	const removed: TeardownResult['removed'] = [];
	const purged: TeardownResult['purged'] = [];
	const failures: DeployFailure[] = [];
	const names = plan.hosts.map(h => h.spec.name);
	const holder = {...req.operator, since: new Date(now()).toISOString(), operation: req.purge ? 'down --purge' : 'down'};
	const locked: string[] = [];
	const ours = new Map<string, ObservedContainer[]>();

	await Promise.all(
		names.map(async name => {
			const host = req.hosts.get(name)!;
			try {
				emit({type: 'host', host: name, step: 'lock', state: 'running'});
				await host.makeDirs([{path: `${plan.options.baseDir}/.rmq-tui`}]);
				if (req.breakLock) await host.unlock(lockPath(plan));
				const lock = await host.lock(lockPath(plan), holder);
				if (!lock.acquired) throw new Error(`${lockPath(plan)} is held${lock.holder ? ` by ${lock.holder.user}@${lock.holder.from} since ${lock.holder.since}` : ''}; break it with --break-lock if that run is gone`);
				locked.push(name);
				emit({type: 'host', host: name, step: 'lock', state: 'ok'});
				ours.set(name, (await host.listContainers()).filter(c => c.labels[LABEL.cluster] === plan.options.name));
			} catch (error) {
				emit({type: 'host', host: name, step: 'lock', state: 'failed', detail: (error as Error).message});
				failures.push({host: name, step: 'lock', message: `${name}: ${(error as Error).message}`});
			}
		}),
	);
	try {
		if (failures.length > 0) return {ok: false, removed, purged, failures};
		for (const role of ROLE_ORDER) {
			await Promise.all(
				names.map(async name => {
					const host = req.hosts.get(name)!;
					for (const c of ours.get(name)!.filter(x => x.labels[LABEL.role] === role)) {
						try {
							emit({type: 'host', host: name, step: 'containers', state: 'running', detail: `removing ${c.name}`});
							await host.stopContainer(c.name, c.stopTimeoutSeconds ?? 60);
							await host.removeContainer(c.name);
							removed.push({host: name, container: c.name});
						} catch (error) {
							failures.push({host: name, step: 'containers', message: new HostStepError(name, 'containers', error).message});
						}
					}
				}),
			);
		}
		await Promise.all(
			names.map(async name => {
				const host = req.hosts.get(name)!;
				if ((await host.networks()).includes(plan.options.network)) {
					await host.removeNetwork(plan.options.network).catch((error: Error) =>
						emit({type: 'note', level: 'warn', text: `${name}: network ${plan.options.network} kept (${error.message})`}),
					);
				}
				if (req.purge) {
					for (const path of purgePaths(plan)) {
						await host.removeTree(path);
						purged.push({host: name, path});
					}
				}
				emit({type: 'host', host: name, step: 'containers', state: 'ok'});
			}),
		);
		return {ok: failures.length === 0, removed, purged, failures};
	} finally {
		await Promise.allSettled(
			locked.map(async name => {
				const host = req.hosts.get(name)!;
				const line = {at: new Date(now()).toISOString(), user: req.operator.user, from: req.operator.from, cluster: plan.options.name, operation: holder.operation, removed: removed.filter(r => r.host === name).map(r => r.container), purged: purged.filter(p => p.host === name).map(p => p.path), result: failures.length === 0 ? 'ok' : failures.map(f => f.message).join(' | ')};
				await host.appendFile(auditPath(plan), `${JSON.stringify(line)}\n`).catch(() => undefined);
				await host.unlock(lockPath(plan));
			}),
		);
	}
}
