/**
 * The per-host preparation of a deploy, each step reported: dirs, files, network, images. Safe to repeat: what is
 * already right is left alone. The first failing step stops this host only; the error names the step.
 */
import type {Plan} from '../plan/types.ts';
import type {BuildScripts} from './build-scripts.ts';
import type {HostChanges} from './changes.ts';
import type {DeployListener, HostStep} from './events.ts';
import type {Host} from './host.ts';
import {buildImageArgs} from './image-supply.ts';

export class HostStepError extends Error {
	constructor(
		readonly host: string,
		readonly step: HostStep,
		override readonly cause: unknown,
	) {
		super(`${host}, step ${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
		this.name = 'HostStepError';
	}
}

/** Runs one named step of one host, reporting running → ok/failed; rethrows as a HostStepError. */
export async function hostStep<T>(host: string, step: HostStep, emit: DeployListener, run: () => Promise<{value: T; detail?: string}>): Promise<T> {
	emit({type: 'host', host, step, state: 'running'});
	try {
		const {value, detail} = await run();
		emit({type: 'host', host, step, state: 'ok', ...(detail ? {detail} : {})});
		return value;
	} catch (error) {
		emit({type: 'host', host, step, state: 'failed', detail: error instanceof Error ? error.message : String(error)});
		throw error instanceof HostStepError ? error : new HostStepError(host, step, error);
	}
}

export interface PrepareOptions {
	imageArchive?: string;
	/** image → a host that has it (copied from there with docker save | docker load when there is no archive). */
	imageSources?: ReadonlyMap<string, Host>;
	/** Images this host built itself just before (`--build-image`). */
	built?: ReadonlySet<string>;
}

export async function prepareHost(host: Host, changes: HostChanges, emit: DeployListener, options: PrepareOptions): Promise<void> {
	const name = host.name;
	await hostStep(name, 'dirs', emit, async () => {
		await host.makeDirs(changes.dirs);
		return {value: undefined, detail: `${changes.dirs.length} dirs`};
	});
	await hostStep(name, 'files', emit, async () => {
		let written = 0;
		for (const f of changes.files) {
			if (f.kind === 'unchanged') continue;
			await host.writeFile(f.file.path, f.file.content, {mode: 0o644, ...(f.kind === 'update' ? {backupTo: f.backupPath} : {})});
			written++;
		}
		return {value: undefined, detail: `${written} written, ${changes.files.length - written} unchanged`};
	});
	await hostStep(name, 'network', emit, async () => {
		if (!changes.createNetwork) return {value: undefined, detail: 'exists'};
		const network = changes.containers[0]?.spec.network;
		if (network) await host.ensureNetwork(network);
		return {value: undefined, detail: `created ${network}`};
	});
	await hostStep(name, 'image', emit, async () => {
		if (changes.missingImages.length === 0) return {value: undefined, detail: 'present'};
		const how: string[] = [];
		for (const image of changes.missingImages) {
			const source = options.imageSources?.get(image);
			if (options.built?.has(image)) how.push(`${image} built here`);
			else if (options.imageArchive) how.push(`${image} loaded from the archive`);
			else if (source) how.push(`${image} copied from ${source.name}`);
			else how.push(`${image} pulled`);
			if (await host.imageId(image)) continue; // built here, or an earlier archive carried it too
			const progress = (p: {text: string; fraction?: number}) => emit({type: 'image', host: name, image, progress: p});
			if (options.imageArchive) await host.loadImageArchive(options.imageArchive, progress);
			else if (source) await host.loadImageStream(await source.exportImage(image), p => progress({...p, text: `${p.text} from ${source.name}`}));
			else await host.pullImage(image, progress);
			if (!(await host.imageId(image))) {
				throw new Error(options.imageArchive ? `the image archive has no ${image}: add it (\`docker save ${image} … -o FILE\`)` : `${source ? `copying ${image} from ${source.name}` : `pulling ${image}`} did not leave it on the host`);
			}
		}
		return {value: undefined, detail: how.join(', ')};
	});
}

/** Where the image-build scripts go on the build host. */
export const buildDir = (plan: Plan): string => `${plan.options.baseDir}/.rmq-tui/image-build`;

/**
 * `--build-image`: the guide's image build on one host — the scripts uploaded (as its `git clone` would leave them),
 * `sh build-image.sh VERSION BASE` run there — reported as that host's image step. The others copy from it.
 */
export async function buildImageOn(host: Host, plan: Plan, image: string, scripts: BuildScripts, emit: DeployListener): Promise<void> {
	await hostStep(host.name, 'image', emit, async () => {
		const args = buildImageArgs(image);
		if (!args.ok) throw new Error(`${args.error} — fix: ${args.fix}`);
		const dir = buildDir(plan);
		const dirs = [...new Set(scripts.files.map(f => f.path.split('/').slice(0, -1).join('/')))].map(d => ({path: d ? `${dir}/${d}` : dir}));
		await host.makeDirs(dirs);
		for (const f of scripts.files) await host.writeFile(`${dir}/${f.path}`, f.content, {mode: f.mode});
		const progress = (p: {text: string; fraction?: number}) => emit({type: 'image', host: host.name, image, progress: p});
		progress({text: `build: sh build-image.sh ${args.version} ${args.base} (in ${dir})`});
		await host.buildImage(dir, args, progress);
		if (!(await host.imageId(image))) throw new Error(`build-image.sh ${args.version} ${args.base} finished but ${image} is not on the host: the scripts tagged another name (see \`docker images\` there)`);
		return {value: undefined, detail: `${image} built (build-image.sh ${args.version} ${args.base})`};
	});
}
