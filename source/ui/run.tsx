/** Opens the wizard on the real terminal; resolves to the exit code when it closes. */
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink';
import {writeTreeAtomically} from '../export/write-tree.ts';
import type {SshResolver} from '../inventory/parse.ts';
import {ClusterStore} from '../store/clusters.ts';
import {realFleet} from '../deploy/fleet.ts';
import {defaultOperator} from '../deploy/operator.ts';
import {App} from './App.tsx';
import type {Deployer, Handover} from './deploy/run.ts';
import {PaneController} from '../live/controller.ts';
import {liveHosts} from '../live/live-host.ts';
import {runPane} from './pane/run.tsx';

/** The wizard's last step: the live pane on the cluster just deployed, over the deploy's own SSH sessions. */
async function openPaneOn({plan, fleet}: Handover, env: NodeJS.ProcessEnv): Promise<void> {
	const operator = defaultOperator();
	const controller = new PaneController(
		{plan, hosts: liveHosts(fleet.hosts), observe: fleet.observe, source: 'SSH', clusterName: plan.options.name},
		{operator: `${operator.user}@${operator.from} (pid ${operator.pid})`},
	);
	try {
		await runPane(controller, env);
	} finally {
		await fleet.close();
	}
}

/** Deploys to the real hosts; passphrases, passwords and unknown host keys are asked on the deploy screen. */
export function realDeployer(resolveSsh?: SshResolver): Deployer {
	return {
		operator: defaultOperator(),
		fleet: (plan, questions) =>
			realFleet(plan, {
				...(resolveSsh ? {resolve: resolveSsh} : {}),
				ask: questions.ask,
				confirmUnknownHost: unknown => questions.confirm('Trust this host key and record it in ~/.ssh/known_hosts?', unknown.text),
			}),
	};
}

/** A key file path as typed (`~` and `~/…` allowed) exists on this machine. */
export function keyFileExists(path: string, home = homedir()): boolean {
	const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
	return existsSync(expanded);
}

/** `resolveSsh` gives ~/.ssh/config defaults (HostName → ip, User, Port, IdentityFile, ProxyJump) for aliases. */
export async function runWizard(env: NodeJS.ProcessEnv, resolveSsh?: SshResolver): Promise<number> {
	let handover: Handover | undefined;
	const instance = render(
		<App
			env={env}
			store={ClusterStore.open()}
			{...(resolveSsh ? {resolveSsh} : {})}
			fileExists={path => keyFileExists(path)}
			rows={process.stdout.rows || 24}
			columns={process.stdout.columns || 80}
			exportTo={(dir, tree) => writeTreeAtomically(dir, tree, {force: false})}
			deployer={realDeployer(resolveSsh)}
			onDeployed={h => (handover = h)}
		/>,
		{exitOnCtrlC: false},
	);
	await instance.waitUntilExit();
	if (handover) await openPaneOn(handover, env);
	return 0;
}
