// The testbed's registry: Debian's docker-registry on 10.99.0.1:5000 (the test bridge only), every host's Docker
// Hub mirror; pushToRegistry() puts the test images in it under their Docker Hub names, as `docker push` would.
import {createReadStream, closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync} from 'node:fs';
import {request as httpRequest} from 'node:http';
import {join} from 'node:path';
import {cgroupRoots, killCgroup, removeCgroup} from '../support/cgroups.ts';
import {which} from '../support/need.ts';
import {http200} from '../support/net.ts';
import {deadline, spawnLogged, SYS_PATH, tailFile, tick} from '../support/processes.ts';
import {CG_PREFIX, REGISTRY, REGISTRY_CG, ROOT} from './constants.ts';
import type {Meta, TestImages} from './images.ts';

const answers = () => http200(`http://${REGISTRY}/v2/`);

/** Starts the registry (unless it answers already); resolves with its address once it answers. */
export async function startRegistry(): Promise<string> {
	if (await answers()) return REGISTRY;
	const bin = which('docker-registry');
	if (bin === undefined) throw new Error('docker-registry missing (apt-get install docker-registry)');
	const dir = join(ROOT, 'registry');
	mkdirSync(join(dir, 'data'), {recursive: true});
	writeFileSync(
		join(dir, 'config.yml'),
		`version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${REGISTRY}\n`,
	);
	const procs = cgroupRoots().map(r => {
		mkdirSync(join(r, REGISTRY_CG), {recursive: true});
		return join(r, REGISTRY_CG, 'cgroup.procs');
	});
	spawnLogged([bin, 'serve', join(dir, 'config.yml')], join(dir, 'registry.log'), {PATH: SYS_PATH}, procs);
	const over = deadline(20_000);
	while (!(await answers())) {
		if (over()) throw new Error(`docker-registry did not answer on ${REGISTRY}\n${tailFile(join(dir, 'registry.log'))}`);
		await tick(50);
	}
	return REGISTRY;
}

export async function stopRegistry(): Promise<void> {
	await killCgroup(REGISTRY_CG, CG_PREFIX, {thaw: true});
	removeCgroup(REGISTRY_CG, CG_PREFIX);
}

/** Byte range of a member of a tar file (ustar/GNU headers, short names: what tarDir writes). */
function tarMember(archive: string, name: string): {start: number; size: number} {
	const fd = openSync(archive, 'r');
	try {
		const header = Buffer.alloc(512);
		let offset = 0;
		for (;;) {
			if (readSync(fd, header, 0, 512, offset) < 512 || header[0] === 0) break;
			const member = header.toString('latin1', 0, 100).replace(/\0.*$/s, '').replace(/^\.\//, '');
			const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
			if (member === name) return {start: offset + 512, size};
			offset += 512 + Math.ceil(size / 512) * 512;
		}
	} finally {
		closeSync(fd);
	}
	throw new Error(`${name} is not in ${archive}`);
}

function registryRequest(url: string, method: string, headers: Record<string, string | number>, body?: Buffer | (() => NodeJS.ReadableStream)): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
	return new Promise((resolveReq, reject) => {
		const req = httpRequest(url, {method, headers}, res => {
			let text = '';
			res.on('data', d => (text += d));
			res.on('end', () => resolveReq({status: res.statusCode ?? 0, headers: res.headers, body: text}));
		});
		req.on('error', reject);
		if (body === undefined) req.end();
		else if (Buffer.isBuffer(body)) req.end(body);
		else body().pipe(req);
	});
}

/**
 * Pushes the test images to a Docker registry (v2 API, plain HTTP) under their own names — what `docker push`
 * would store, without making a daemon recompress 115 MB: the archive's gzip layer IS the blob.
 */
export async function pushToRegistry(registry: string, imgs: TestImages): Promise<void> {
	const m = JSON.parse(readFileSync(`${imgs.archive}.json`, 'utf8')) as Meta;
	if (!m.layer.gzip) throw new Error('pushToRegistry needs the compressed archive (compress: true)');
	const base = `http://${registry}`;
	const upload = async (repo: string, digest: string, size: number, body: Buffer | (() => NodeJS.ReadableStream), mountFrom?: string) => {
		const head = await registryRequest(`${base}/v2/${repo}/blobs/${digest}`, 'HEAD', {});
		if (head.status === 200) return;
		const start = await registryRequest(`${base}/v2/${repo}/blobs/uploads/${mountFrom ? `?mount=${digest}&from=${mountFrom}` : ''}`, 'POST', {'content-length': 0});
		if (start.status === 201) return; // mounted from the other repository
		if (start.status !== 202) throw new Error(`registry ${registry}: starting an upload to ${repo}: HTTP ${start.status} ${start.body}`);
		const location = String(start.headers.location ?? '');
		const url = new URL(location, base);
		url.searchParams.set('digest', digest);
		const put = await registryRequest(url.toString(), 'PUT', {'content-type': 'application/octet-stream', 'content-length': size}, body);
		if (put.status !== 201) throw new Error(`registry ${registry}: uploading ${digest} to ${repo}: HTTP ${put.status} ${put.body}`);
	};
	const member = tarMember(imgs.archive, m.layer.path);
	let firstRepo: string | undefined;
	for (const img of m.images) {
		const [repo, tag] = img.tag.split(':') as [string, string];
		const config = Buffer.from(m.configs[img.tag]!, 'utf8');
		await upload(repo, m.layer.digest, m.layer.size, () => createReadStream(imgs.archive, {start: member.start, end: member.start + member.size - 1}), firstRepo);
		firstRepo ??= repo;
		await upload(repo, img.id, config.length, config);
		const manifest = Buffer.from(
			JSON.stringify({
				schemaVersion: 2,
				mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
				config: {mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: img.id},
				layers: [{mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: m.layer.size, digest: m.layer.digest}],
			}),
		);
		const put = await registryRequest(`${base}/v2/${repo}/manifests/${tag}`, 'PUT', {'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'content-length': manifest.length}, manifest);
		if (put.status !== 201) throw new Error(`registry ${registry}: manifest ${img.tag}: HTTP ${put.status} ${put.body}`);
	}
}
