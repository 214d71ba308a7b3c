/**
 * `rmq-tui deploy --inventory FILE` and `rmq-tui down --inventory FILE`: the executor with plain progress lines,
 * for terminals and automation alike. Deploy always shows what it will change first (a dry run), then asks —
 * or goes ahead with --yes. The placement actually deployed is recorded on every host (.rmq-tui/cluster.yaml) and
 * reused when the cluster file has none, so a replica never moves to another host's store.
 */
import type {BuildScripts} from '../../deploy/build-scripts.ts';
import {isNoop} from '../../deploy/changes.ts';
import {eventLine} from '../../deploy/progress.ts';
import type {DeployFailure, DeployListener} from '../../deploy/events.ts';
import {deploy, type Operator} from '../../deploy/execute.ts';
import type {Fleet} from '../../deploy/fleet.ts';
import {defaultOperator} from '../../deploy/operator.ts';
import {recordedPlacement, recordPath, withRecord} from '../../deploy/record.ts';
import {teardown} from '../../deploy/teardown.ts';
import {formatErrors} from '../../inventory/errors.ts';
import type {ClusterFile} from '../../inventory/schema.ts';
import {buildPlan} from '../../plan/plan.ts';
import type {Plan} from '../../plan/types.ts';
import {renderCluster, type RenderedFile} from '../../render/render.ts';
import {EXIT, type CommandIO} from '../io.ts';
import type {Prompter} from '../prompt.ts';

export interface DeployFlags {
	yes: boolean;
	dryRun: boolean;
	skipPreflight: boolean;
	imageArchive?: string;
	buildImage?: BuildScripts;
	adopt: boolean;
	breakLock: boolean;
}

export interface DownFlags {
	yes: boolean;
	purge: boolean;
	breakLock: boolean;
}

export interface CommandDeps {
	fleet: (plan: Plan) => Fleet;
	prompter: Prompter;
	operator?: Operator;
	/** Per wait of the rollout (default 120 s). */
	timeoutMs?: number;
	pollMs?: number;
}




const printer = (io: CommandIO): DeployListener => event => {
	const line = eventLine(event);
	if (line) io.stdout(`${line}\n`);
};

function failureText(failures: readonly DeployFailure[]): string {
	return failures.map(f => `  ✗ ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ''}`).join('\n');
}

interface Prepared {
	plan: Plan;
	files: RenderedFile[];
	fleet: Fleet;
}

async function prepare(cluster: ClusterFile, io: CommandIO, deps: CommandDeps): Promise<Prepared | undefined> {
	const planned = buildPlan(cluster);
	if (!planned.ok) {
		io.stderr(`rmq-tui: the cluster cannot be planned:\n${formatErrors(planned.errors)}\n`);
		return undefined;
	}
	let plan = planned.plan;
	let fleet = deps.fleet(plan);
	if (Object.keys(cluster.placement).length === 0) {
		const recorded = await recordedPlacement(fleet.hosts.values(), plan);
		if (recorded) {
			const again = buildPlan({...cluster, placement: recorded});
			if (!again.ok) {
				await fleet.close();
				io.stderr(`rmq-tui: the placement recorded on the hosts (${recordPath(plan)}) no longer fits the cluster file:\n${formatErrors(again.errors)}\n`);
				return undefined;
			}
			io.stdout(`Using the placement recorded on the hosts by the last deploy (${recordPath(plan)}).\n`);
			await fleet.close();
			plan = again.plan;
			fleet = deps.fleet(plan);
			cluster = {...cluster, placement: recorded};
		}
	}
	return {plan, files: withRecord(cluster, plan, renderCluster(plan)), fleet};
}

export async function deployCommand(cluster: ClusterFile, flags: DeployFlags, io: CommandIO, deps: CommandDeps): Promise<number> {
	const prepared = await prepare(cluster, io, deps);
	if (!prepared) return EXIT.usage;
	const {plan, files, fleet} = prepared;
	const base = {
		plan,
		files,
		hosts: fleet.hosts,
		observe: fleet.observe,
		operator: deps.operator ?? defaultOperator(),
		emit: printer(io),
	};
	const options = {
		skipPreflight: flags.skipPreflight,
		adopt: flags.adopt,
		breakLock: flags.breakLock,
		...(flags.imageArchive ? {imageArchive: flags.imageArchive} : {}),
		...(flags.buildImage ? {buildImage: flags.buildImage} : {}),
		...(deps.timeoutMs ? {timeoutMs: deps.timeoutMs} : {}),
		...(deps.pollMs ? {pollMs: deps.pollMs} : {}),
	};
	try {
		const preview = await deploy({...base, options: {...options, dryRun: true}});
		if (!preview.ok || !preview.changes) {
			io.stderr(`\nNothing was changed. Deploy stopped before any change:\n${failureText(preview.failures)}\n`);
			return preview.failures.some(f => f.step === 'connect') ? EXIT.unreachable : EXIT.findings;
		}
		io.stdout(`\n${preview.dryRun}\n\n`);
		if (flags.dryRun) return EXIT.ok;
		if (isNoop(preview.changes)) {
			io.stdout('Nothing to change: every host already runs this plan.\n');
			return EXIT.ok;
		}
		if (!flags.yes) {
			if (!deps.prompter.interactive) {
				io.stderr('rmq-tui: not a terminal, so nobody can confirm these changes; add --yes to apply them (or --dry-run to only look)\n');
				return EXIT.usage;
			}
			if (!(await deps.prompter.confirm(`Apply these changes to ${plan.hosts.length} hosts?`))) {
				io.stdout('Nothing was changed.\n');
				return EXIT.ok;
			}
		}
		const result = await deploy({...base, options});
		if (!result.ok) {
			io.stderr(`\nDeploy did not finish:\n${failureText(result.failures)}\nWhat succeeded stays; run the same command again to continue.\n`);
			return EXIT.findings;
		}
		const snapshot = await fleet.observe().catch(() => undefined);
		const leaders = snapshot?.groups.map(g => `${g.group}: leader ${g.leader ?? 'none'}`).join(', ');
		io.stdout(`\nDeployed ${plan.options.name} to ${plan.hosts.length} hosts${leaders ? ` (${leaders})` : ''}.\n`);
		return EXIT.ok;
	} finally {
		await fleet.close();
	}
}

export async function downCommand(cluster: ClusterFile, flags: DownFlags, io: CommandIO, deps: CommandDeps): Promise<number> {
	const prepared = await prepare(cluster, io, deps);
	if (!prepared) return EXIT.usage;
	const {plan, fleet} = prepared;
	try {
		const what = `stop and remove every container of ${plan.options.name} and its network on ${plan.hosts.map(h => h.spec.name).join(', ')}`;
		if (flags.purge) {
			if (!deps.prompter.interactive) {
				io.stderr(`rmq-tui: --purge deletes every store, log and conf of ${plan.options.name} and needs its name typed on a terminal; it cannot be confirmed here (--yes does not cover it)\n`);
				return EXIT.usage;
			}
			io.stdout(`This will ${what}, and DELETE its data: ${[plan.layout.brokerDir, plan.layout.namesrvDir, plan.layout.consoleDir].join(', ')} on every host.\n`);
			const typed = await deps.prompter.ask(`Type the cluster name (${plan.options.name}) to confirm:`, {secret: false});
			if (typed?.trim() !== plan.options.name) {
				io.stdout('The name did not match. Nothing was changed.\n');
				return EXIT.ok;
			}
		} else if (!flags.yes) {
			io.stdout(`This will ${what}. Data dirs stay.\n`);
			if (!deps.prompter.interactive) {
				io.stderr('rmq-tui: not a terminal, so nobody can confirm; add --yes\n');
				return EXIT.usage;
			}
			if (!(await deps.prompter.confirm('Go ahead?'))) {
				io.stdout('Nothing was changed.\n');
				return EXIT.ok;
			}
		}
		const result = await teardown({plan, hosts: fleet.hosts, operator: deps.operator ?? defaultOperator(), emit: printer(io), purge: flags.purge, breakLock: flags.breakLock});
		if (!result.ok) {
			io.stderr(`\nDown did not finish:\n${failureText(result.failures)}\n`);
			return EXIT.findings;
		}
		io.stdout(`\nRemoved ${result.removed.length} containers${result.purged.length ? ` and deleted ${result.purged.length} data dirs` : '; data dirs kept'}.\n`);
		return EXIT.ok;
	} finally {
		await fleet.close();
	}
}
