/**
 * `deploy`: read every host, check it, decide what changes, then (unless a dry run) lock, prepare every host in
 * parallel, roll the containers out in Raft-aware order, verify, write the audit log and unlock.
 *
 * Nothing changes anywhere before every host has been read and has passed preflight. A host failing during
 * preparation leaves the others prepared and stops before any container changes; the next run finds the finished
 * work already right and continues from there.
 */
import {createHash} from 'node:crypto';
import type {Plan} from '../plan/types.ts';
import type {ClusterSnapshot} from '../probe/types.ts';
import type {RenderedFile} from '../render/render.ts';
import {buildImageOn, HostStepError, hostStep, prepareHost} from './apply-host.ts';
import type {BuildScripts} from './build-scripts.ts';
import {runRollout} from './apply-containers.ts';
import {computeChanges, type Changes, type HostState} from './changes.ts';
import {dryRunText} from './dry-run.ts';
import type {DeployFailure, DeployListener, HostStep} from './events.ts';
import {HostError, type Host, type LockHolder} from './host.ts';
import {buildHost, imagesOfHost, planImageSupply, type ImageSupply, type RegistryAnswer} from './image-supply.ts';
import {blocking, preflightChecks, type Check, type HostFacts} from './preflight.ts';
import {factsRequest, readHostState} from './read-state.ts';
import {groupsSettled, realSleep, waitUntil, type Sleep} from './waits.ts';

export interface Operator {
	user: string;
	/** The machine rmq-tui runs on. */
	from: string;
	pid: number;
}

export interface DeployOptions {
	dryRun?: boolean;
	skipPreflight?: boolean;
	imageArchive?: string;
	/** apache/rocketmq-docker's image-build scripts: build the RocketMQ image on one host when none has it. */
	buildImage?: BuildScripts;
	adopt?: boolean;
	breakLock?: boolean;
	/** Per wait (containers answering, a group electing). */
	timeoutMs?: number;
	/** Hosts prepared at once (dirs, files, network, image); default all. 1 = one after another. */
	hostConcurrency?: number;
	/** How containers are created: with the host's Compose when it has one (`auto`, the default), or always through the Docker API. */
	engine?: 'auto' | 'api';
	pollMs?: number;
}

export interface DeployRequest {
	plan: Plan;
	files: readonly RenderedFile[];
	hosts: ReadonlyMap<string, Host>;
	observe: () => Promise<ClusterSnapshot>;
	operator: Operator;
	emit: DeployListener;
	options?: DeployOptions;
	now?: () => number;
	sleep?: Sleep;
}

export interface DeployResult {
	ok: boolean;
	/** What was (or, in a dry run, would be) changed. */
	changes?: Changes;
	dryRun?: string;
	checks: Map<string, Check[]>;
	failures: DeployFailure[];
}

export const lockPath = (plan: Plan): string => `${plan.options.baseDir}/.rmq-tui/deploy.lock`;
export const auditPath = (plan: Plan): string => `${plan.options.baseDir}/.rmq-tui/audit.log`;

/** One digest of everything rendered: the audit log names it, two deploys of one plan share it. */
export function planDigest(files: readonly RenderedFile[]): string {
	const hash = createHash('sha256');
	for (const f of [...files].sort((a, b) => `${a.host}\0${a.path}`.localeCompare(`${b.host}\0${b.path}`))) hash.update(`${f.host}\0${f.path}\0${f.content}\0`);
	return hash.digest('hex');
}

/** A host error's own fix (e.g. sudo advice, the build's way out) travels with the failure. */
function failureOf(error: unknown, fallback: DeployFailure['step']): DeployFailure {
	if (!(error instanceof HostStepError)) return {step: fallback, message: (error as Error).message};
	const fix = error.cause instanceof HostError ? error.cause.fix : undefined;
	return {host: error.host, step: error.step, message: error.message, ...(fix ? {fix} : {})};
}

/** Runs `run` for every name, at most `limit` at a time, collecting values and failures. */
async function settledAll<T>(names: readonly string[], run: (name: string) => Promise<T>, limit = names.length): Promise<{values: Map<string, T>; failures: DeployFailure[]}> {
	const results: PromiseSettledResult<T>[] = new Array(names.length);
	let next = 0;
	const worker = async () => {
		while (next < names.length) {
			const i = next++;
			results[i] = await run(names[i]!).then(
				value => ({status: 'fulfilled', value}) as const,
				(reason: unknown) => ({status: 'rejected', reason}) as const,
			);
		}
	};
	await Promise.all(Array.from({length: Math.max(1, Math.min(limit, names.length))}, worker));
	const values = new Map<string, T>();
	const failures: DeployFailure[] = [];
	results.forEach((r, i) => (r.status === 'fulfilled' ? values.set(names[i]!, r.value) : failures.push(failureOf(r.reason, 'connect'))));
	return {values, failures};
}

async function leaders(observe: () => Promise<ClusterSnapshot>): Promise<(group: string) => string | undefined> {
	try {
		const snapshot = await observe();
		return group => snapshot.groups.find(g => g.group === group)?.leader;
	} catch {
		return () => undefined;
	}
}

const supplyOptions = (options: DeployOptions) => ({archive: options.imageArchive !== undefined, build: options.buildImage !== undefined});

/** Asked of the host (its mirrors, proxy and credentials count); a registry that never answers is a "no". */
async function registryAnswer(host: Host, image: string): Promise<RegistryAnswer> {
	return host.registryAnswers(image).catch((error: unknown) => ({ok: false as const, error: (error as Error).message}));
}

/**
 * Connect (the facts are the first call) and judge every host; nothing is read for the diff before this passes.
 * Every host that answers is judged, so one run shows every problem; the image checks need every host's images.
 */
async function preflight(req: DeployRequest, names: string[]): Promise<{checks: Map<string, Check[]>; failures: DeployFailure[]; compose: Map<string, 'v1' | 'v2'>}> {
	const {plan, emit} = req;
	const connected = await settledAll(names, name =>
		hostStep(name, 'connect', emit, async () => ({value: await req.hosts.get(name)!.facts(factsRequest(plan, name, imagesOfHost(req.files, name), req.now))})),
	);
	const compose = new Map<string, 'v1' | 'v2'>();
	for (const [name, facts] of connected.values) if (facts.compose.kind !== 'none') compose.set(name, facts.compose.kind);
	const present = new Map([...connected.values].map(([name, facts]) => [name, new Map(Object.entries(facts.imageIds))]));
	const supply = planImageSupply(plan, req.files, present, supplyOptions(req.options ?? {}));
	const judge = async (name: string, facts: HostFacts) =>
		hostStep(name, 'preflight', emit, async () => {
			const host = req.hosts.get(name)!;
			const images: ImageSupply[] = await Promise.all(supply.get(name)!.map(async s => (s.how === 'pull' ? {...s, registry: await registryAnswer(host, s.image)} : s)));
			const checks = preflightChecks({plan, host: plan.hosts.find(h => h.spec.name === name)!, images}, facts);
			emit({type: 'checks', host: name, checks});
			const failed = blocking(checks);
			if (failed.length > 0) throw new Error(failed.map(c => `${c.title}: ${c.detail} — fix: ${c.fix}`).join('\n'));
			return {value: checks, detail: `${checks.filter(c => c.status === 'warn').length} warning(s)`};
		});
	const judged = await settledAll([...connected.values.keys()], name => judge(name, connected.values.get(name)!));
	return {checks: judged.values, failures: [...connected.failures, ...judged.failures], compose};
}

/** What every host holds now (files, containers, images, networks): the input of the diff. */
async function readStates(req: DeployRequest, names: string[], step: HostStep, announce: boolean) {
	return settledAll(names, name => {
		const read = async () => ({value: await readHostState(req.hosts.get(name)!, req.files)});
		if (announce) return hostStep(name, step, req.emit, read);
		return read().then(r => r.value, (error: unknown) => {
			req.emit({type: 'host', host: name, step, state: 'failed', detail: (error as Error).message});
			throw new HostStepError(name, step, error);
		});
	});
}

async function lockAll(req: DeployRequest, names: string[]): Promise<{locked: string[]; failures: DeployFailure[]}> {
	const holder: LockHolder = {...req.operator, since: new Date((req.now ?? Date.now)()).toISOString(), operation: 'deploy'};
	const {values, failures} = await settledAll(names, name =>
		hostStep(name, 'lock', req.emit, async () => {
			const host = req.hosts.get(name)!;
			await host.makeDirs([{path: `${req.plan.options.baseDir}/.rmq-tui`}]);
			if (req.options?.breakLock) await host.unlock(lockPath(req.plan));
			const result = await host.lock(lockPath(req.plan), holder);
			if (!result.acquired) {
				const h = result.holder;
				throw new Error(
					`${lockPath(req.plan)} is held${h ? ` by ${h.user}@${h.from} (pid ${h.pid}, ${h.operation}) since ${h.since}` : ''}: another deploy of this cluster may be running. If it is not (a crashed run), break the lock with --break-lock.`,
				);
			}
			return {value: name};
		}),
	);
	return {locked: [...values.keys()], failures};
}

function auditLine(req: DeployRequest, changes: Changes, host: string, failures: readonly DeployFailure[]): string {
	const mine = changes.hosts.find(h => h.host === host)!;
	return `${JSON.stringify({
		at: new Date((req.now ?? Date.now)()).toISOString(),
		user: req.operator.user,
		from: req.operator.from,
		cluster: req.plan.options.name,
		operation: 'deploy',
		planDigest: planDigest(req.files),
		files: mine.files.filter(f => f.kind !== 'unchanged').map(f => `${f.kind} ${f.file.path}`),
		containers: mine.containers.filter(c => c.kind !== 'keep').map(c => `${c.kind} ${c.spec.name}`),
		result: failures.length === 0 ? 'ok' : failures.map(f => f.message).join(' | '),
	})}\n`;
}

export async function deploy(req: DeployRequest): Promise<DeployResult> {
	const {plan, files, emit} = req;
	const options = req.options ?? {};
	const now = req.now ?? Date.now;
	const sleep = req.sleep ?? realSleep;
	const names = plan.hosts.map(h => h.spec.name);

	let checks = new Map<string, Check[]>();
	let compose = new Map<string, 'v1' | 'v2'>();
	if (!options.skipPreflight) {
		const pf = await preflight(req, names);
		checks = pf.checks;
		if (options.engine !== 'api') compose = pf.compose;
		if (pf.failures.length > 0) return {ok: false, checks, failures: pf.failures};
	} else emit({type: 'note', level: 'warn', text: 'preflight skipped (--skip-preflight)'});
	const read = await readStates(req, names, options.skipPreflight ? 'connect' : 'preflight', options.skipPreflight === true);
	if (read.failures.length > 0) return {ok: false, checks, failures: read.failures};

	const at = new Date(now());
	const changes = computeChanges(plan, files, read.values, await leaders(req.observe), at);
	if (options.dryRun) return {ok: true, changes, dryRun: dryRunText(changes), checks, failures: []};

	const lock = await lockAll(req, names);
	const failures: DeployFailure[] = [...lock.failures];
	let done = changes;
	try {
		if (failures.length > 0) return {ok: false, changes, checks, failures};
		const supply = planImageSupply(plan, files, new Map([...read.values].map(([name, state]) => [name, state.imageIds])), supplyOptions(options));
		const imageSources = new Map<string, Host>();
		for (const list of supply.values()) for (const s of list) if (s.how === 'copy' && !imageSources.has(s.image)) imageSources.set(s.image, req.hosts.get(s.from!)!);
		const builder = buildHost(supply);
		if (builder && options.buildImage) {
			try {
				await buildImageOn(req.hosts.get(builder.host)!, plan, builder.image, options.buildImage, emit);
			} catch (error) {
				return {ok: false, changes, checks, failures: [failureOf(error, 'image')]};
			}
		}
		const prep = await settledAll(
			names,
			name => prepareHost(req.hosts.get(name)!, changes.hosts.find(h => h.host === name)!, emit, {...options, imageSources, ...(builder?.host === name ? {built: new Set([builder.image])} : {})}),
			options.hostConcurrency,
		);
		failures.push(...prep.failures);
		if (failures.length > 0) {
			emit({type: 'note', level: 'warn', text: `containers not changed: ${failures.map(f => f.host).join(', ')} failed; the other hosts are prepared. Fix it and run deploy again: it continues from there.`});
			return {ok: false, changes, checks, failures};
		}
		// Images may be new now: decide the containers on what the hosts hold after preparation.
		const after = await settledAll(names, async name => readHostState(req.hosts.get(name)!, files));
		if (after.failures.length > 0) return {ok: false, changes, checks, failures: [...failures, ...after.failures]};
		const final = computeChanges(plan, files, after.values as Map<string, HostState>, await leaders(req.observe), at);
		done = mergeChanges(changes, final);
		const ctx = {hosts: req.hosts, observe: req.observe, emit, adopt: options.adopt ?? false, compose, timeoutMs: options.timeoutMs ?? 120_000, pollMs: options.pollMs ?? 500, sleep, now};
		for (const name of names) emit({type: 'host', host: name, step: 'containers', state: 'running'});
		try {
			await runRollout(ctx, final.steps);
			for (const h of final.hosts) for (const o of h.orphans) await applyOrphan(req.hosts.get(h.host)!, o.observed.name);
			const groups = plan.groups.map(g => g.name);
			await waitUntil('every group has a leader every name server names', async () => groupsSettled(await req.observe(), groups), ctx);
			for (const name of names) emit({type: 'host', host: name, step: 'containers', state: 'ok'});
		} catch (error) {
			for (const name of names) emit({type: 'host', host: name, step: 'containers', state: 'failed'});
			failures.push({step: 'rollout', message: (error as Error).message});
		}
		return {ok: failures.length === 0, changes: done, checks, failures};
	} finally {
		await Promise.allSettled(
			lock.locked.map(async name => {
				const host = req.hosts.get(name)!;
				await host.appendFile(auditPath(plan), auditLine(req, done, name, failures)).catch(() => undefined);
				await host.unlock(lockPath(plan));
			}),
		);
	}
}

async function applyOrphan(host: Host, name: string): Promise<void> {
	await host.stopContainer(name);
	await host.removeContainer(name);
}

/** Files and images from the first look (they were changed since); containers from the second. */
function mergeChanges(first: Changes, second: Changes): Changes {
	return {
		...second,
		hosts: second.hosts.map(h => {
			const before = first.hosts.find(x => x.host === h.host)!;
			return {...h, files: before.files, missingImages: before.missingImages, createNetwork: before.createNetwork, dirs: before.dirs};
		}),
	};
}

