/** Opens the wizard on the real terminal; resolves to the exit code when it closes. */
import type {DeployOptions} from '../deploy/execute.ts';
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink';
import {writeTreeAtomically} from '../export/write-tree.ts';
import type {SshResolver} from '../inventory/parse.ts';
import {ClusterStore} from '../store/clusters.ts';
import {realFleet} from '../deploy/fleet.ts';
import {defaultOperator, operatorLabel} from '../deploy/operator.ts';
import {App, type AppProps} from './App.tsx';
import type {Deployer, Handover} from './deploy/run.ts';
import {PaneController} from '../live/controller.ts';
import {liveHosts} from '../live/live-host.ts';
import {runPane} from './pane/run.tsx';

/** The wizard's last step: the live pane on the cluster just deployed, over the deploy's own SSH sessions. */
async function openPaneOn({plan, fleet}: Handover, env: NodeJS.ProcessEnv): Promise<number> {
	const controller = new PaneController(
		{plan, hosts: liveHosts(fleet.hosts), observe: fleet.observe, source: 'SSH', clusterName: plan.options.name},
		{operator: operatorLabel(defaultOperator())},
	);
	try {
		return await runPane(controller, env);
	} finally {
		await fleet.close();
	}
}

/** Deploys to the real hosts; passphrases, passwords and unknown host keys are asked on the deploy screen. */
export function realDeployer(resolveSsh?: SshResolver, options?: DeployOptions): Deployer {
	return {
		operator: defaultOperator(),
		...(options ? {options} : {}),
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

/** How the wizard ended: a finished deploy handed on, or the demo picked on the start screen. */
export interface WizardOutcome {
	handover?: Handover;
	demo: boolean;
}

export type WizardProps = Omit<AppProps, 'rows' | 'columns' | 'onDeployed' | 'onDemo'> & {offerDemo?: boolean};

/**
 * The wizard on the real terminal until it exits. `holdScreen` is told how to give the terminal back while the
 * wizard is up (the demo's crash guard), and returns its release.
 */
export async function wizardOnTerminal({offerDemo, ...props}: WizardProps, holdScreen?: (restore: () => void) => () => void): Promise<WizardOutcome> {
	const outcome: WizardOutcome = {demo: false};
	const instance = render(
		<App
			{...props}
			rows={process.stdout.rows || 24}
			columns={process.stdout.columns || 80}
			onDeployed={h => (outcome.handover = h)}
			{...(offerDemo ? {onDemo: () => (outcome.demo = true)} : {})}
		/>,
		{exitOnCtrlC: false},
	);
	const release = holdScreen?.(() => instance.unmount());
	try {
		await instance.waitUntilExit();
	} finally {
		release?.();
	}
	return outcome;
}

/** `resolveSsh` gives ~/.ssh/config defaults (HostName → ip, User, Port, IdentityFile, ProxyJump) for aliases. */
export async function runWizard(env: NodeJS.ProcessEnv, resolveSsh?: SshResolver, deployOptions?: DeployOptions): Promise<number> {
	const outcome = await wizardOnTerminal({
		env,
		store: ClusterStore.open(),
		...(resolveSsh ? {resolveSsh} : {}),
		fileExists: path => keyFileExists(path),
		exportTo: (dir, tree) => writeTreeAtomically(dir, tree, {force: false}),
		deployer: realDeployer(resolveSsh, deployOptions),
		offerDemo: true,
	});
	if (outcome.demo) return (await import('../demo/run.tsx')).runDemo(env);
	return outcome.handover ? openPaneOn(outcome.handover, env) : 0;
}
