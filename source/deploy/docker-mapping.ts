/**
 * Docker Engine API shapes ↔ the deploy model (pure): a ContainerSpec → the body of POST /containers/create, and
 * an inspect result → an ObservedContainer. The two are inverse for everything a spec sets, which is what makes
 * a second deploy find nothing to change.
 */
import type {ContainerState, ObservedContainer} from './observed.ts';
import {envOf} from './observed.ts';
import type {ContainerSpec, Mount, PortBinding} from './spec.ts';

export interface CreateBody {
	name: string;
	Image: string;
	Cmd: string[];
	Env: string[];
	Labels: Record<string, string>;
	ExposedPorts: Record<string, object>;
	StopTimeout?: number;
	HostConfig: {
		Binds: string[];
		PortBindings: Record<string, Array<{HostIp: string; HostPort: string}>>;
		RestartPolicy: {Name: string};
		Init: boolean;
		NetworkMode: string;
	};
}

const bindText = (m: Mount, relabel: boolean): string => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}${relabel ? `${m.readOnly ? ',' : ':'}z` : ''}`;

/** `relabel`: SELinux enforcing on the host — bind mounts get `:z`. */
export function createBody(spec: ContainerSpec, options: {relabel?: boolean} = {}): CreateBody {
	const portBindings: CreateBody['HostConfig']['PortBindings'] = {};
	const exposed: Record<string, object> = {};
	for (const p of spec.ports) {
		const key = `${p.containerPort}/tcp`;
		exposed[key] = {};
		(portBindings[key] ??= []).push({HostIp: p.hostIp ?? '', HostPort: String(p.hostPort)});
	}
	return {
		name: spec.name,
		Image: spec.image,
		Cmd: spec.command,
		Env: spec.env.map(([k, v]) => `${k}=${v}`),
		Labels: spec.labels,
		ExposedPorts: exposed,
		...(spec.stopTimeoutSeconds !== undefined ? {StopTimeout: spec.stopTimeoutSeconds} : {}),
		HostConfig: {
			Binds: spec.mounts.map(m => bindText(m, options.relabel ?? false)),
			PortBindings: portBindings,
			RestartPolicy: {Name: spec.restart},
			Init: spec.init,
			NetworkMode: spec.network,
		},
	};
}

/** The parts of GET /containers/{id}/json that deploy reads. */
export interface InspectShape {
	Id: string;
	Name: string;
	Image: string;
	Config: {Image: string; Cmd?: string[] | null; Env?: string[] | null; Labels?: Record<string, string> | null; StopTimeout?: number};
	HostConfig: {
		Binds?: string[] | null;
		PortBindings?: Record<string, Array<{HostIp?: string; HostPort?: string}> | null> | null;
		RestartPolicy?: {Name?: string};
		Init?: boolean | null;
	};
	NetworkSettings?: {Networks?: Record<string, unknown> | null};
	State: {Status: string; StartedAt?: string};
	RestartCount?: number;
}

export function parseBind(bind: string): Mount {
	const [source = '', target = '', options = ''] = bind.split(':');
	return {source, target, readOnly: options.split(',').includes('ro')};
}

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function observedFrom(inspect: InspectShape): ObservedContainer {
	const ports: PortBinding[] = [];
	for (const [key, bindings] of Object.entries(inspect.HostConfig.PortBindings ?? {})) {
		const containerPort = Number(key.split('/')[0]);
		for (const b of bindings ?? []) ports.push({containerPort, hostPort: Number(b.HostPort), ...(b.HostIp ? {hostIp: b.HostIp} : {})});
	}
	const status = inspect.State.Status as ContainerState;
	const started = inspect.State.StartedAt ?? '';
	return {
		id: inspect.Id,
		name: inspect.Name.replace(/^\//, ''),
		image: inspect.Config.Image,
		imageId: inspect.Image,
		command: inspect.Config.Cmd ?? [],
		env: envOf(inspect.Config.Env ?? []),
		ports,
		mounts: (inspect.HostConfig.Binds ?? []).map(parseBind),
		init: inspect.HostConfig.Init === true,
		restart: inspect.HostConfig.RestartPolicy?.Name ?? '',
		...(inspect.Config.StopTimeout !== undefined ? {stopTimeoutSeconds: inspect.Config.StopTimeout} : {}),
		labels: inspect.Config.Labels ?? {},
		networks: Object.keys(inspect.NetworkSettings?.Networks ?? {}),
		state: STATES.includes(status) ? status : 'dead',
		startedAt: started.startsWith('0001-') ? '' : started,
		restartCount: inspect.RestartCount ?? 0,
	};
}
