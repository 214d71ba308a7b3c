/**
 * `--build-image DIR`: apache/rocketmq-docker's image-build scripts, read from a local checkout (DIR, or its
 * `image-build/` folder) to upload to the host that builds, as the guide runs them there after `git clone`.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';

export interface BuildScripts {
	/** Where they were read from (messages). */
	source: string;
	/** Paths relative to the image-build dir (`build-image.sh`, `Dockerfile-alpine`, `scripts/…`). */
	files: Array<{path: string; content: string; mode: number}>;
}

const MAX_FILES = 200;
const MAX_BYTES = 20 * 1024 * 1024;

export class BuildScriptsError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'BuildScriptsError';
	}
}

/** The image-build dir of a checkout: DIR itself when it has build-image.sh, else DIR/image-build. */
function imageBuildDir(dir: string): string {
	const has = (d: string) => {
		try {
			return statSync(join(d, 'build-image.sh')).isFile();
		} catch {
			return false;
		}
	};
	if (has(dir)) return dir;
	if (has(join(dir, 'image-build'))) return join(dir, 'image-build');
	try {
		statSync(dir);
	} catch {
		throw new BuildScriptsError(`--build-image ${dir}: no such directory`, 'git clone https://github.com/apache/rocketmq-docker.git, then pass --build-image rocketmq-docker');
	}
	throw new BuildScriptsError(`--build-image ${dir}: neither ${dir}/build-image.sh nor ${dir}/image-build/build-image.sh exists`, 'pass a checkout of apache/rocketmq-docker (the folder that holds image-build/), as the guide clones it');
}

export function readBuildScripts(dir: string): BuildScripts {
	const root = imageBuildDir(dir);
	const files: BuildScripts['files'] = [];
	let bytes = 0;
	const walk = (d: string) => {
		for (const entry of readdirSync(d, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
			if (entry.name === '.git') continue;
			const path = join(d, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile()) {
				const raw = readFileSync(path);
				const content = raw.toString('utf8');
				if (Buffer.byteLength(content) !== raw.length || content.includes('\uFFFD')) {
					throw new BuildScriptsError(`--build-image: ${relative(root, path)} is not a text file`, `image-build holds scripts and Dockerfiles only: remove ${path} or pass a clean checkout`);
				}
				bytes += raw.length;
				if (files.length >= MAX_FILES || bytes > MAX_BYTES) throw new BuildScriptsError(`--build-image: ${root} has more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MiB`, 'pass the image-build folder of apache/rocketmq-docker, not a larger tree');
				files.push({path: relative(root, path), content, mode: statSync(path).mode & 0o111 ? 0o755 : 0o644});
			}
		}
	};
	walk(root);
	return {source: root, files};
}
