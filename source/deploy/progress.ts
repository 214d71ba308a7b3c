/**
 * Deploy progress as state (pure): a reducer over DeployEvents that the deploy screen renders and the CLI's plain
 * output summarises. One row per host with the state of each step, the preflight checklist, the rollout steps.
 */
import {HOST_STEPS, type DeployEvent, type HostStep, type StepState} from './events.ts';
import type {Check} from './preflight.ts';

export interface HostProgress {
	host: string;
	steps: Record<HostStep, StepState>;
	/** The latest detail of the step that last changed (error text when failed). */
	detail?: string;
	current?: HostStep;
	checks: Check[];
	image?: {image: string; text: string; fraction?: number};
}

export interface RolloutProgress {
	index: number;
	title: string;
	state: StepState;
	detail?: string;
	startedAt?: number;
	endedAt?: number;
}

export interface DeployProgress {
	hosts: HostProgress[];
	rollout: RolloutProgress[];
	notes: Array<{level: 'info' | 'warn'; text: string}>;
}

const pendingSteps = (): Record<HostStep, StepState> => Object.fromEntries(HOST_STEPS.map(s => [s, 'pending'])) as Record<HostStep, StepState>;

export const initialProgress = (hosts: readonly string[]): DeployProgress => ({
	hosts: hosts.map(host => ({host, steps: pendingSteps(), checks: []})),
	rollout: [],
	notes: [],
});

export function progressReducer(state: DeployProgress, event: DeployEvent, at: number = Date.now()): DeployProgress {
	const updateHost = (host: string, change: (h: HostProgress) => HostProgress): DeployProgress => ({
		...state,
		hosts: state.hosts.some(h => h.host === host)
			? state.hosts.map(h => (h.host === host ? change(h) : h))
			: [...state.hosts, change({host, steps: pendingSteps(), checks: []})],
	});
	switch (event.type) {
		case 'host':
			return updateHost(event.host, h => {
				const next: HostProgress = {...h, steps: {...h.steps, [event.step]: event.state}, current: event.step};
				if (event.detail !== undefined) next.detail = event.detail;
				else delete next.detail;
				if (event.step === 'image' && event.state !== 'running') delete next.image;
				return next;
			});
		case 'checks':
			return updateHost(event.host, h => ({...h, checks: event.checks}));
		case 'image':
			return updateHost(event.host, h => ({...h, image: {image: event.image, text: event.progress.text, ...(event.progress.fraction !== undefined ? {fraction: event.progress.fraction} : {})}}));
		case 'rollout': {
			const existing = state.rollout.find(r => r.index === event.index);
			const row: RolloutProgress = {
				...existing,
				index: event.index,
				title: event.title,
				state: event.state,
				...(event.detail !== undefined ? {detail: event.detail} : {}),
				...(event.state === 'running' ? {startedAt: at} : {endedAt: at}),
			};
			const rollout = existing ? state.rollout.map(r => (r.index === event.index ? row : r)) : [...state.rollout, row];
			return {...state, rollout};
		}
		case 'note':
			return {...state, notes: [...state.notes, {level: event.level, text: event.text}]};
	}
}

/** One line per event for plain (non-TTY) output; undefined for events too chatty to print (image progress). */
export function eventLine(event: DeployEvent): string | undefined {
	switch (event.type) {
		case 'host':
			if (event.state === 'running' || event.state === 'pending') return undefined;
			return `${event.host}  ${event.step.padEnd(10)} ${event.state}${event.detail ? `  ${event.detail}` : ''}`;
		case 'checks':
			return event.checks
				.filter(c => c.status !== 'ok')
				.map(c => `${event.host}  preflight  ${c.status}  ${c.title}: ${c.detail}${c.fix ? `\n${' '.repeat(event.host.length + 2)}fix: ${c.fix}` : ''}`)
				.join('\n') || undefined;
		case 'image':
			return event.progress.fraction === 1 ? `${event.host}  image      ${event.progress.text}` : undefined;
		case 'rollout':
			return `rollout ${event.index + 1}/${event.total}  ${event.title}: ${event.state}${event.detail ? `  ${event.detail}` : ''}`;
		case 'note':
			return `${event.level === 'warn' ? 'warning: ' : ''}${event.text}`;
	}
}
