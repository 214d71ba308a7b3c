/** What the executor reports while it works: the deploy UI, the CLI's plain progress and tests all read these. */
import type {ImageProgress} from './host.ts';
import type {Check} from './preflight.ts';

export const HOST_STEPS = ['connect', 'preflight', 'lock', 'dirs', 'files', 'network', 'image', 'containers'] as const;
export type HostStep = (typeof HOST_STEPS)[number];

export type StepState = 'pending' | 'running' | 'ok' | 'warn' | 'failed' | 'skipped';

export type DeployEvent =
	| {type: 'host'; host: string; step: HostStep; state: StepState; detail?: string}
	| {type: 'checks'; host: string; checks: Check[]}
	| {type: 'image'; host: string; image: string; progress: ImageProgress}
	| {type: 'rollout'; index: number; total: number; title: string; state: StepState; detail?: string}
	| {type: 'note'; level: 'info' | 'warn'; text: string};

export type DeployListener = (event: DeployEvent) => void;

/** A failure the operator can act on: where, at which step, what happened and how to fix it. */
export interface DeployFailure {
	host?: string;
	step: HostStep | 'rollout' | 'verify';
	message: string;
	fix?: string;
}
