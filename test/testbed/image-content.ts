// What goes into the testbed's test image (images.ts packs it): rocketmq-image.ts's RocketMQ 4.7.1-alpine shape with a
// "java" that runs the project's simulator. "java" is a busybox sh dispatcher: for BrokerStartup / NamesrvStartup it
// execs the simulator (`rmq-tui sim broker -c FILE` / `sim namesrv`) through a copy of Node named `java`, so the
// long-running process's /proc/PID/comm is "java" (templates/graceful-start.sh forwards SIGTERM to exactly that).
// The simulator reads the conf like BrokerStartup, binds the real ports, elects over the wire and exits 253 when the
// store is not writable by uid 3000. `java -version` answers like OpenJDK 8; user.home comes from /etc/passwd (or
// -Duser.home=), as in a JVM. The inputs (bundle, node, busybox, libraries, scripts) are hashed into the image key.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {BUSYBOX, ROCKETMQ_HOME, rootfsWriter, SHAPE_VERSION, writeImageBase} from '../support/rocketmq-image.ts';
import {runSyncOk} from '../support/run.ts';

/** Where the stand-in's Node ("java") and the bundled simulator live inside the image. */
export const SIM_DIR = '/opt/rmq-tui-sim';
export const CACHE_DIR = process.env.RMQ_TUI_TESTBED_CACHE ?? '/var/tmp/rmq-tui-testbed-cache';
/** Bump when the layout changes in a way the hashed inputs do not show. */
export const FORMAT = 'testbed-images-v1';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_BIN = join(PROJECT_ROOT, 'node_modules', 'node', 'bin', 'node');

// ------------------------------------------------------------------ scripts inside the image (busybox sh)

/** The "JVM": maps java's argv onto the simulator (or the console stand-in). */
const JAVA = `#!/bin/sh
# rmq-tui test image: NOT Java. Dispatches BrokerStartup / NamesrvStartup to the rmq-tui simulator, run by a copy
# of Node named java (so /proc/PID/comm is "java"), and the console jar to busybox httpd on 8080.
main=; conf=; jar=; prev=; userhome=; namesrv=
for a in "$@"; do
  case "$prev" in
    -c|--configFile) conf=$a ;;
    -jar) jar=$a ;;
  esac
  case "$a" in
    -version|--version|-showversion)
      echo 'openjdk version "1.8.0_212"' >&2
      echo 'OpenJDK Runtime Environment (IcedTea 3.12.0) (Alpine 8.212.04-r0)' >&2
      echo 'OpenJDK 64-Bit Server VM (build 25.212-b04, mixed mode) [rmq-tui test image: Node.js running the simulator]' >&2
      exit 0 ;;
    -Duser.home=*) userhome=\${a#-Duser.home=} ;;
    -Drocketmq.namesrv.addr=*) namesrv=\${a#-Drocketmq.namesrv.addr=} ;;
    org.apache.rocketmq.*) [ -z "$main" ] && main=$a ;;
  esac
  prev=$a
done
# user.home: from the passwd entry (a JVM ignores $HOME), unless -Duser.home= says otherwise
if [ -z "$userhome" ]; then
  userhome=$(awk -F: -v u="$(id -u)" '$3 == u { print $6; exit }' /etc/passwd)
fi
export HOME=\${userhome:-/}
[ -n "$namesrv" ] && export NAMESRV_ADDR="$namesrv"
sim() { exec ${SIM_DIR}/java ${SIM_DIR}/java-main.mjs sim "$@"; }
case "$main" in
  org.apache.rocketmq.broker.BrokerStartup)
    # no -c: BrokerStartup runs on its defaults (listenPort 10911, ~/store, no DLedger)
    sim broker -c "\${conf:-/dev/null}" ;;
  org.apache.rocketmq.namesrv.NamesrvStartup)
    if [ -n "$conf" ]; then sim namesrv -c "$conf"; else sim namesrv; fi ;;
esac
case "$jar" in
  *rocketmq-console*.jar)
    www=/tmp/rmq-tui-console-www
    mkdir -p "$www"
    printf '<!doctype html><title>RocketMQ Console</title><h1>rocketmq-console (rmq-tui test image)</h1><p id="namesrv">%s</p>\\n' "$NAMESRV_ADDR" > "$www/index.html"
    printf '{"status":0,"data":{"namesrvAddr":"%s"}}\\n' "$NAMESRV_ADDR" > "$www/rocketmq-console.json"
    echo "rocketmq-console (rmq-tui test image) on :8080, namesrv=$NAMESRV_ADDR"
    exec httpd -f -p 8080 -h "$www" ;;
esac
if [ -n "$jar" ]; then echo "Error: Unable to access jarfile $jar" >&2; exit 1; fi
echo "Error: Could not find or load main class \${main:-(none)}" >&2
exit 1
`;

/**
 * The Node entry: /proc/PID/comm must read "java" (graceful-start.sh looks for it). Node 24 names its main thread
 * "MainThread" and meow sets process.title to the bin name, so the title is set to java first, then pinned.
 */
const JAVA_MAIN = `// rmq-tui test image: the simulator's entry, as a process named java
process.title = 'java';
Object.defineProperty(process, 'title', {get: () => 'java', set() {}, configurable: true});
await import('./rmq-tui.mjs');
`;

const SCRIPTS = [SHAPE_VERSION, JAVA, JAVA_MAIN, FORMAT].join('\0');

// ------------------------------------------------------------------ helpers

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file, memoised on disk by (path, size, mtime, inode): node is 126 MB. */
function fileHash(path: string): string {
	const st = statSync(path);
	const memoFile = join(CACHE_DIR, 'file-hashes.json');
	let memo: Record<string, string> = {};
	try {
		memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
	} catch {}
	const id = `${path}|${st.size}|${st.mtimeMs}|${st.ino}`;
	const known = memo[id];
	if (known !== undefined) return known;
	const h = sha256(readFileSync(path));
	memo[id] = h;
	try {
		mkdirSync(CACHE_DIR, {recursive: true});
		const tmp = `${memoFile}.${process.pid}.tmp`;
		writeFileSync(tmp, JSON.stringify(memo));
		renameSync(tmp, memoFile);
	} catch {}
	return h;
}

/** The shared libraries (and the ELF interpreter) a dynamically linked binary needs, as `ldd` lists them. */
export function sharedLibraries(binary: string): string[] {
	const out = runSyncOk('ldd', [binary], undefined, `ldd ${binary}`);
	const libs = new Set<string>();
	for (const line of out.split('\n')) {
		const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
		if (m?.[1]) libs.add(m[1]);
	}
	return [...libs].sort();
}

// ------------------------------------------------------------------ the bundle

/**
 * `rmq-tui sim ...` (sim-entry.ts: the project's argument parser and sim command) in one ESM file, by esbuild's own
 * binary from node_modules (a separate process: the esbuild service tsx runs in this process is left alone).
 * Deterministic for a given tree.
 */
async function bundleCli(): Promise<Buffer> {
	const bin = join(PROJECT_ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild');
	if (!existsSync(bin)) throw new Error(`${bin} missing (npm install: esbuild comes with tsx)`);
	const dir = mkdtempSync(join(CACHE_DIR, 'bundle-'));
	try {
		const out = join(dir, 'rmq-tui.mjs');
		const r = await new Promise<{code: number | null; err: string}>((resolveRun, reject) => {
			const child = spawn(
				bin,
				[
					'test/testbed/sim-entry.ts',
					'--bundle',
					'--platform=node',
					'--format=esm',
					'--target=node22',
					// ESM flavours of dual packages (yaml), and a `require` for whatever CommonJS remains
					'--main-fields=module,main',
					"--banner:js=import {createRequire as __rmqTuiCreateRequire} from 'node:module';\nconst require = __rmqTuiCreateRequire(import.meta.url);",
					// should the simulator ever pull in ssh2 (optional native crypto) or cpu-features: never loaded by it
					'--loader:.node=empty',
					'--legal-comments=none',
					'--log-level=error',
					`--outfile=${out}`,
				],
				{cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe']},
			);
			let err = '';
			child.stderr.on('data', d => (err += d));
			child.on('error', reject);
			child.on('close', code => resolveRun({code, err}));
		});
		if (r.code !== 0) throw new Error(`esbuild could not bundle test/testbed/sim-entry.ts (exit ${r.code}):\n${r.err}`);
		return readFileSync(out);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

// ------------------------------------------------------------------ rootfs

export interface Inputs {
	bundle: Buffer;
	node: string;
	libs: string[];
	key: string;
}

export async function inputs(): Promise<Inputs> {
	if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing (apt-get install busybox-static)`);
	if (!existsSync(NODE_BIN)) throw new Error(`${NODE_BIN} missing (npm install: the "node" devDependency)`);
	mkdirSync(CACHE_DIR, {recursive: true});
	const bundle = await bundleCli();
	const libs = sharedLibraries(NODE_BIN);
	const h = createHash('sha256');
	h.update(FORMAT).update(SCRIPTS).update(bundle);
	h.update(fileHash(NODE_BIN)).update(fileHash(BUSYBOX));
	for (const lib of libs) h.update(lib).update(fileHash(realpathSync(lib)));
	h.update(existsSync('/usr/bin/strip') ? 'strip' : 'nostrip');
	return {bundle, node: NODE_BIN, libs, key: h.digest('hex').slice(0, 20)};
}

/** Writes the image filesystem under `root` (as root: files owned by uid 3000 where the image has them). */
export function writeRootfs(root: string, inp: Inputs): void {
	writeImageBase(root, {
		java: JAVA,
		prettyName: 'rmq-tui test image (busybox + Node.js running the RocketMQ 4.7.1 simulator)',
		consoleJar: 'rmq-tui test image: not a jar (the "java" dispatcher serves HTTP on 8080)\n',
	});
	const {dir, file} = rootfsWriter(root);
	// Node + the libraries it links, at the paths ldd printed
	for (const lib of inp.libs) {
		mkdirSync(dirname(join(root, lib)), {recursive: true});
		copyFileSync(realpathSync(lib), join(root, lib));
		chmodSync(join(root, lib), 0o755);
	}
	dir(SIM_DIR.slice(1));
	const javaNode = join(root, SIM_DIR.slice(1), 'java');
	const stripped = existsSync('/usr/bin/strip') && spawnSync('/usr/bin/strip', ['-o', javaNode, inp.node]).status === 0;
	if (!stripped) copyFileSync(inp.node, javaNode);
	chmodSync(javaNode, 0o755);
	file(`${SIM_DIR.slice(1)}/rmq-tui.mjs`, inp.bundle);
	file(`${SIM_DIR.slice(1)}/java-main.mjs`, JAVA_MAIN);
	file(`${SIM_DIR.slice(1)}/BUILD`, `rmq-tui test image ${inp.key}\nnode ${process.version}\n`);
	// the sample confs of the real image's $ROCKETMQ_HOME/conf
	const home = ROCKETMQ_HOME.slice(1);
	for (const d of ['/conf/dledger', '/conf/2m-2s-async']) dir(`${home}${d}`, 0o755, 3000);
	for (const n of [0, 1, 2]) {
		file(
			`${home}/conf/dledger/broker-n${n}.conf`,
			`brokerClusterName = RaftCluster\nbrokerName=RaftNode00\nlistenPort=${30911 + n * 10}\nnamesrvAddr=127.0.0.1:9876\nstorePathRootDir=/tmp/rmqstore/node0${n}\nstorePathCommitLog=/tmp/rmqstore/node0${n}/commitlog\nenableDLegerCommitLog=true\ndLegerGroup=RaftNode00\ndLegerPeers=n0-127.0.0.1:40911;n1-127.0.0.1:40912;n2-127.0.0.1:40913\n## must be unique\ndLegerSelfId=n${n}\nsendMessageThreadPoolNums=16\n`,
			0o644,
			3000,
		);
	}
}
