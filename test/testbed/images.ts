// The test images, built locally WITHOUT a registry or a Docker daemon, as ONE `docker save`-format archive:
//
//   apacherocketmq/rocketmq:4.7.1-alpine   the RocketMQ image's filesystem contract, running the project's simulator
//   apacherocketmq/rocketmq-console:2.0.0  answers HTTP on 8080 (busybox httpd)
//
// The filesystem (image-content.ts) keeps what matters of the real image (test/support/rocketmq-image.ts: uid/gid
// 3000, $ROCKETMQ_HOME, `sh mqbroker -c FILE` → sh runbroker.sh → java, no exec) with a "java" running the simulator,
// so a wrong conf path, permissions, ports or peers fail here as they would with RocketMQ.
//
// Build (≈4 s fresh, 0.1 s cached): esbuild bundles sim-entry.ts (`rmq-tui sim ...`) into one file; a
// busybox-static rootfs gets Node (stripped when `strip` exists) with the shared libraries `ldd` lists; the layer
// and the two image configs are written by hand in the `docker save` layout (manifest.json + config + layer.tar) and
// gzipped (docker load and POST /images/load accept gzip). Everything is cached under CACHE_DIR, keyed by the SHA-256
// of every input (bundle, node, busybox, libraries, scripts), so an unchanged tree never rebuilds. Images carry the
// label io.rmq-tui.testbed-image=<key>; loading skips a host that already has that build. pushToRegistry()
// (registry.ts) serves them from a registry.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {BROKER_IMAGE, CONSOLE_ENTRYPOINT, CONSOLE_IMAGE, IMAGE_PATH, JAVA_HOME, ROCKETMQ_HOME} from '../support/rocketmq-image.ts';
import {runSyncOk} from '../support/run.ts';
import {CACHE_DIR, inputs, writeRootfs, type Inputs} from './image-content.ts';

export {BROKER_IMAGE, CONSOLE_IMAGE, JAVA_HOME, ROCKETMQ_HOME};
export {CACHE_DIR, PROJECT_ROOT, sharedLibraries, SIM_DIR} from './image-content.ts';
export {pushToRegistry} from './registry.ts';
export const IMAGE_LABEL = 'io.rmq-tui.testbed-image';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export interface TestImage {
	tag: string;
	/** sha256:<hex> of the image config: the image ID `docker images --no-trunc` shows after loading. */
	id: string;
}

export interface TestImages {
	/**
	 * The `docker save`-format archive (manifest.json, image configs, one layer) holding both images: a plain tar
	 * whose layer is gzip-compressed (unless compress: false), as `docker load` and POST /images/load take it.
	 */
	archive: string;
	bytes: number;
	/** Content key of the inputs (also the value of the io.rmq-tui.testbed-image label). */
	key: string;
	images: TestImage[];
	/** True when this call built it (false: taken from the cache). */
	built: boolean;
	/** Time this call took. */
	ms: number;
}

export interface BuildOptions {
	/** gzip the layer inside the archive (default true: ~48 MB instead of ~115 MB; docker load takes both). */
	compress?: boolean;
	cacheDir?: string;
}

function imageConfig(inp: Inputs, diffId: string, kind: 'broker' | 'console'): string {
	const common = [
		`PATH=${IMAGE_PATH}`,
		'LANG=C.UTF-8',
		`JAVA_HOME=${JAVA_HOME}`,
		'JAVA_VERSION=8u212',
		'JAVA_ALPINE_VERSION=8.212.04-r0',
	];
	const config =
		kind === 'broker'
			? {
					User: 'rocketmq',
					Env: [...common, 'ROCKETMQ_VERSION=4.7.1', `ROCKETMQ_HOME=${ROCKETMQ_HOME}`],
					WorkingDir: `${ROCKETMQ_HOME}/bin`,
					ExposedPorts: {'10909/tcp': {}, '10911/tcp': {}, '10912/tcp': {}, '9876/tcp': {}},
					Labels: {[IMAGE_LABEL]: inp.key},
				}
			: {
					Env: common,
					WorkingDir: '/',
					Entrypoint: CONSOLE_ENTRYPOINT,
					ExposedPorts: {'8080/tcp': {}},
					Labels: {[IMAGE_LABEL]: inp.key},
				};
	return JSON.stringify({
		architecture: 'amd64',
		os: 'linux',
		created: '2020-06-30T00:00:00Z',
		author: 'rmq-tui test harness (test/testbed/images.ts)',
		config,
		rootfs: {type: 'layers', diff_ids: [diffId]},
		history: [{created: '2020-06-30T00:00:00Z', created_by: `rmq-tui test image ${kind} (${inp.key})`}],
	});
}

function tarDir(dir: string, out: string, entries: string[]): void {
	runSyncOk('tar', ['--sort=name', '--format=gnu', '--numeric-owner', '--mtime=@946684800', '-C', dir, '-cf', out, ...entries], undefined, 'tar');
}

const inflight = new Map<string, Promise<TestImages>>();

/**
 * Builds (or takes from the cache) the archive with both test images. Needs root (uid 3000 file owners).
 * The result describes the archive; `buildTestImages()` returns just its path.
 */
export function testImages(opts: BuildOptions = {}): Promise<TestImages> {
	const id = JSON.stringify(opts);
	let p = inflight.get(id);
	if (p === undefined) {
		p = build(opts).finally(() => inflight.delete(id));
		inflight.set(id, p);
	}
	return p;
}

/** Path of a `docker save` archive (layer gzipped) holding apacherocketmq/rocketmq:4.7.1-alpine and rocketmq-console:2.0.0. */
export async function buildTestImages(opts: BuildOptions = {}): Promise<string> {
	return (await testImages(opts)).archive;
}

async function build(opts: BuildOptions): Promise<TestImages> {
	const t0 = Date.now();
	const compress = opts.compress ?? true;
	const cacheDir = opts.cacheDir ?? CACHE_DIR;
	mkdirSync(cacheDir, {recursive: true});
	const inp = await inputs();
	const archive = join(cacheDir, `rmq-tui-test-images-${inp.key}${compress ? '' : '-raw'}.tar`);
	const meta = `${archive}.json`;
	const cached = (): TestImages | undefined => {
		if (!(existsSync(archive) && existsSync(meta))) return undefined;
		const m = JSON.parse(readFileSync(meta, 'utf8')) as Meta;
		const now = new Date();
		utimesSync(archive, now, now); // recently used: kept by prune()
		return {archive, bytes: statSync(archive).size, key: inp.key, images: m.images, built: false, ms: Date.now() - t0};
	};
	const hit = cached();
	if (hit) return hit;
	if (process.getuid?.() !== 0) throw new Error('building the test images needs root (files owned by uid 3000)');
	// one builder per key: a parallel test process waits for it instead of building the same bytes on 2 cores
	const lock = `${archive}.building`;
	for (;;) {
		try {
			closeSync(openSync(lock, 'wx'));
			writeFileSync(lock, String(process.pid));
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		let holder: number;
		let age: number;
		try {
			holder = Number(readFileSync(lock, 'utf8').trim() || '0');
			age = Date.now() - statSync(lock).mtimeMs;
		} catch {
			continue; // the builder just finished
		}
		let holderAlive = holder > 0;
		try {
			if (holderAlive) process.kill(holder, 0);
		} catch {
			holderAlive = false;
		}
		if ((holder > 0 && !holderAlive) || age > 300_000 || (holder === 0 && age > 5_000)) {
			rmSync(lock, {force: true});
			continue;
		}
		await new Promise(r => setTimeout(r, 200));
		const done = cached();
		if (done) return done;
	}
	const work = mkdtempSync(join(cacheDir, 'build-'));
	try {
		const rootfs = join(work, 'rootfs');
		mkdirSync(rootfs);
		writeRootfs(rootfs, inp);
		const out = join(work, 'out');
		mkdirSync(out);
		const layerTmp = join(work, 'layer.tar');
		tarDir(rootfs, layerTmp, ['.']);
		const diffId = `sha256:${await streamHash(layerTmp)}`;
		const layerDir = diffId.slice(7);
		mkdirSync(join(out, layerDir));
		// a compressed layer: docker load inflates it; the same bytes are the registry blob (pushToRegistry)
		const layerName = compress ? 'layer.tar.gz' : 'layer.tar';
		if (compress) {
			const fd = openSync(join(out, layerDir, layerName), 'w');
			const r = spawnSync('gzip', ['-1', '-n', '-c', layerTmp], {stdio: ['ignore', fd, 'pipe']}); // -n: reproducible
			closeSync(fd);
			if (r.status !== 0) throw new Error(`gzip failed: ${r.stderr?.toString()}`);
			rmSync(layerTmp);
		} else {
			renameSync(layerTmp, join(out, layerDir, layerName));
		}
		const layerPath = `${layerDir}/${layerName}`;
		const layer = {diffId, path: layerPath, digest: `sha256:${await streamHash(join(out, layerPath))}`, size: statSync(join(out, layerPath)).size, gzip: compress};
		writeFileSync(join(out, layerDir, 'VERSION'), '1.0');
		writeFileSync(join(out, layerDir, 'json'), JSON.stringify({id: layerDir, created: '2020-06-30T00:00:00Z'}));
		const images: TestImage[] = [];
		const configs: Record<string, string> = {};
		const manifest: Array<{Config: string; RepoTags: string[]; Layers: string[]}> = [];
		const repositories: Record<string, Record<string, string>> = {};
		for (const [tag, kind] of [
			[BROKER_IMAGE, 'broker'],
			[CONSOLE_IMAGE, 'console'],
		] as const) {
			const cfg = imageConfig(inp, diffId, kind);
			const hex = sha256(cfg);
			writeFileSync(join(out, `${hex}.json`), cfg);
			manifest.push({Config: `${hex}.json`, RepoTags: [tag], Layers: [layerPath]});
			configs[tag] = cfg;
			const [repo, version] = tag.split(':') as [string, string];
			repositories[repo] = {[version]: layerDir};
			images.push({tag, id: `sha256:${hex}`});
		}
		writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
		writeFileSync(join(out, 'repositories'), JSON.stringify(repositories));
		const tarOut = join(work, 'images.tar');
		tarDir(out, tarOut, readdirSync(out).sort());
		const m: Meta = {key: inp.key, images, configs, layer};
		writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify(m, null, 2));
		renameSync(tarOut, archive); // atomic: a concurrent builder writes the same bytes
		renameSync(`${meta}.${process.pid}.tmp`, meta);
	} finally {
		rmSync(work, {recursive: true, force: true});
		rmSync(lock, {force: true});
	}
	prune(cacheDir, archive);
	const m = JSON.parse(readFileSync(meta, 'utf8')) as Meta;
	return {archive, bytes: statSync(archive).size, key: inp.key, images: m.images, built: true, ms: Date.now() - t0};
}

export interface Meta {
	key: string;
	images: TestImage[];
	/** tag → the image config JSON (its sha256 is the image ID). */
	configs: Record<string, string>;
	layer: {diffId: string; path: string; digest: string; size: number; gzip: boolean};
}

function streamHash(path: string): Promise<string> {
	return new Promise((resolveHash, reject) => {
		const h = createHash('sha256');
		createReadStream(path)
			.on('data', d => h.update(d))
			.on('error', reject)
			.on('end', () => resolveHash(h.digest('hex')));
	});
}

/** Keeps the 3 most recently used archives (older trees' builds), and removes abandoned build dirs. */
function prune(cacheDir: string, keep: string): void {
	let names: string[];
	try {
		names = readdirSync(cacheDir);
	} catch {
		return;
	}
	const archives = names
		.filter(n => /^rmq-tui-test-images-[0-9a-f]+(-raw)?\.tar$/.test(n))
		.map(n => ({path: join(cacheDir, n), mtime: statSync(join(cacheDir, n)).mtimeMs}))
		.sort((a, b) => b.mtime - a.mtime);
	for (const a of archives.slice(3)) {
		if (a.path === keep) continue;
		for (const p of [a.path, `${a.path}.json`]) {
			try {
				unlinkSync(p);
			} catch {}
		}
	}
	for (const n of names.filter(n => n.startsWith('build-'))) {
		const p = join(cacheDir, n);
		try {
			if (Date.now() - statSync(p).mtimeMs > 3600_000) rmSync(p, {recursive: true, force: true});
		} catch {}
	}
}
