/**
 * How every image reaches every host (pure): already there, loaded from `--image-archive`, copied from a host that
 * has it (`docker save | docker load` through this machine), built on one host with apache/rocketmq-docker's
 * image-build scripts the way the guide does (`--build-image DIR`; then copied to the others), or pulled.
 * Preflight judges the result; the executor follows it.
 */
import type {Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import {containerSpecs} from './spec.ts';

export type ImageHow = 'present' | 'archive' | 'copy' | 'build' | 'pull';

/** Whether the host's registry serves the image (asked from the host, so its mirrors and proxy count). */
export type RegistryAnswer = {ok: true; detail: string} | {ok: false; error: string};

export interface ImageSupply {
	image: string;
	how: ImageHow;
	/** The image ID when present. */
	id?: string;
	/** `copy`: the host it comes from (for `build`-then-copy, the build host). */
	from?: string;
	/** `pull`: what the registry answered, once asked. */
	registry?: RegistryAnswer;
}

export interface SupplyOptions {
	archive: boolean;
	/** `--build-image`: the plan's RocketMQ image may be built when no host has it. */
	build: boolean;
}

/** The images a host's containers run, in a stable order. */
export function imagesOfHost(files: readonly RenderedFile[], host: string): string[] {
	return [...new Set(containerSpecs(files.filter(f => f.host === host)).map(s => s.image))].sort();
}

/**
 * Per host (plan order), per image it needs: how it gets there. `present` maps host → image → ID. The first host
 * (plan order) that has an image is every other host's source; with `build`, the first host that needs the RocketMQ
 * image builds it and is the source of the rest.
 */
export function planImageSupply(plan: Plan, files: readonly RenderedFile[], present: ReadonlyMap<string, ReadonlyMap<string, string>>, options: SupplyOptions): Map<string, ImageSupply[]> {
	const names = plan.hosts.map(h => h.spec.name);
	const holder = (image: string) => names.find(n => present.get(n)?.has(image));
	const builder = names.find(n => imagesOfHost(files, n).includes(plan.options.image));
	const out = new Map<string, ImageSupply[]>();
	for (const name of names) {
		out.set(
			name,
			imagesOfHost(files, name).map((image): ImageSupply => {
				const id = present.get(name)?.get(image);
				if (id !== undefined) return {image, how: 'present', id};
				if (options.archive) return {image, how: 'archive'};
				const from = holder(image);
				if (from !== undefined) return {image, how: 'copy', from};
				if (options.build && image === plan.options.image) return name === builder ? {image, how: 'build'} : {image, how: 'copy', from: builder!};
				return {image, how: 'pull'};
			}),
		);
	}
	return out;
}

/** The one host that builds, if any. */
export function buildHost(supply: ReadonlyMap<string, readonly ImageSupply[]>): {host: string; image: string} | undefined {
	for (const [host, list] of supply) {
		const built = list.find(s => s.how === 'build');
		if (built) return {host, image: built.image};
	}
	return undefined;
}

/**
 * The arguments of apache/rocketmq-docker's `image-build/build-image.sh VERSION BASE` that make `image`: it tags
 * `apacherocketmq/rocketmq:VERSION-alpine` (alpine) or `apacherocketmq/rocketmq:VERSION` (centos), nothing else.
 */
export function buildImageArgs(image: string): {ok: true; version: string; base: 'alpine' | 'centos'} | {ok: false; error: string; fix: string} {
	const match = /^(?:docker\.io\/)?apacherocketmq\/rocketmq:(\d+\.\d+\.\d+)(-alpine)?$/.exec(image);
	if (match) return {ok: true, version: match[1]!, base: match[2] ? 'alpine' : 'centos'};
	return {
		ok: false,
		error: `--build-image runs apache/rocketmq-docker's build-image.sh, which tags apacherocketmq/rocketmq:VERSION-alpine or apacherocketmq/rocketmq:VERSION; the cluster's image is ${image}`,
		fix: 'set image: apacherocketmq/rocketmq:4.7.1-alpine in cluster.yaml, or drop --build-image and provide the image with --image-archive FILE',
	};
}

/** One line per image for the preflight checklist and the dry run. */
export function supplyText(s: ImageSupply): string {
	switch (s.how) {
		case 'present':
			return `${s.image} present (${s.id!.slice(0, 19)})`;
		case 'archive':
			return `${s.image} absent; will be loaded from the image archive`;
		case 'copy':
			return `${s.image} absent; will be copied from ${s.from} (docker save | docker load)`;
		case 'build':
			return `${s.image} absent everywhere; will be built here with image-build/build-image.sh, then copied to the other hosts`;
		case 'pull':
			return s.registry === undefined ? `${s.image} absent; will be pulled` : s.registry.ok ? `${s.image} absent; will be pulled (${s.registry.detail})` : `${s.image} absent and not pullable from here: ${s.registry.error}`;
	}
}
