/** Reading what a host holds now (the imperative side of changes.ts): files, containers, images, networks. */
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import type {HostState} from './changes.ts';
import type {FactsRequest, Host} from './host.ts';
import {containerSpecs} from './spec.ts';

export async function readHostState(host: Host, files: readonly RenderedFile[]): Promise<HostState> {
	const mine = files.filter(f => f.host === host.name);
	const images = [...new Set(containerSpecs(mine).map(s => s.image))];
	const [contents, containers, ids, networks] = await Promise.all([
		Promise.all(mine.map(async f => [f.path, await host.readFile(f.path)] as const)),
		host.listContainers(),
		Promise.all(images.map(async image => [image, await host.imageId(image)] as const)),
		host.networks(),
	]);
	return {
		files: new Map(contents.filter((e): e is readonly [string, string] => e[1] !== undefined)),
		containers,
		imageIds: new Map(ids.filter((e): e is readonly [string, string] => e[1] !== undefined)),
		networks,
	};
}

/** What preflight asks a host: its own ports, dirs, and every other host's ports dialled from there. */
export function factsRequest(plan: Plan, hostName: string, images: string[], now: () => number = Date.now): FactsRequest {
	const host = plan.hosts.find(h => h.spec.name === hostName)!;
	const peers = plan.hosts
		.filter(h => h.spec.name !== hostName)
		.flatMap(h => h.ports.filter(p => !isLoopbackOnly(plan, h.spec.name, p.port)).map(p => ({to: h.spec.name, ip: h.spec.ip, port: p.port, owner: p.owner})));
	return {
		images,
		baseDir: plan.options.baseDir,
		dirs: host.writableDirs,
		ports: host.ports.map(p => p.port),
		peers,
		now,
	};
}

/** The console publishes on loopback unless public: nobody else dials it. */
const isLoopbackOnly = (plan: Plan, host: string, port: number): boolean =>
	plan.console !== undefined && plan.console.host === host && plan.console.port === port && !plan.console.public;
