// The test images, built locally WITHOUT a registry or a Docker daemon, as ONE `docker save`-format archive:
//
//   apacherocketmq/rocketmq:4.7.1-alpine   the RocketMQ image's filesystem contract, running the project's simulator
//   apacherocketmq/rocketmq-console:2.0.0  answers HTTP on 8080 (busybox httpd)
//
// What the broker/name server image keeps from the real one (apache/rocketmq-docker 4.7.1, Dockerfile-alpine):
//   - user rocketmq = uid/gid 3000 (USER rocketmq), HOME /home/rocketmq, logs in ~/logs/rocketmqlogs, store ~/store;
//   - ROCKETMQ_HOME=/home/rocketmq/rocketmq-4.7.1, WORKDIR $ROCKETMQ_HOME/bin, no ENTRYPOINT/CMD, EXPOSE 9876 10909
//     10911 10912, JAVA_HOME=/usr/lib/jvm/java-1.8-openjdk with java in $JAVA_HOME/bin and $JAVA_HOME/jre/bin;
//   - `sh mqbroker -c FILE` → sh runbroker.sh (no exec) → `$JAVA ${JAVA_OPT} $@` (no exec), likewise mqnamesrv.
// "java" is a busybox sh dispatcher: for BrokerStartup / NamesrvStartup it execs the simulator
// (`rmq-tui sim broker -c FILE` / `sim namesrv`) through a copy of Node named `java`, so the long-running process's
// /proc/PID/comm is "java" (templates/graceful-start.sh forwards SIGTERM to exactly that). The simulator reads the
// conf like BrokerStartup, binds the real ports, elects over the wire and exits 253 when the store is not writable
// by uid 3000 — so a wrong conf path, permissions, ports or peers fail here as they would with RocketMQ.
// `java -version` answers like OpenJDK 8; user.home comes from /etc/passwd (or -Duser.home=), as in a JVM.
//
// Build (≈4 s fresh, 0.1 s cached): esbuild bundles sim-entry.ts (`rmq-tui sim ...`) into one file; a
// busybox-static rootfs gets Node (stripped when `strip` exists) with the shared libraries `ldd` lists; the layer
// and the two image configs are written by hand in the `docker save` layout (manifest.json + config + layer.tar) and
// gzipped (docker load and POST /images/load accept gzip). Everything is cached under CACHE_DIR, keyed by the SHA-256
// of every input (bundle, node, busybox, libraries, scripts), so an unchanged tree never rebuilds. Images carry the
// label io.rmq-tui.testbed-image=<key>; loading skips a host that already has that build.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {
	chmodSync,
	chownSync,
	closeSync,
	copyFileSync,
	createReadStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	readSync,
	realpathSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	unlinkSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
import {request as httpRequest} from 'node:http';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const BROKER_IMAGE = 'apacherocketmq/rocketmq:4.7.1-alpine';
export const CONSOLE_IMAGE = 'apacherocketmq/rocketmq-console:2.0.0';
export const ROCKETMQ_HOME = '/home/rocketmq/rocketmq-4.7.1';
export const JAVA_HOME = '/usr/lib/jvm/java-1.8-openjdk';
export const IMAGE_LABEL = 'io.rmq-tui.testbed-image';
/** Where the stand-in's Node ("java") and the bundled simulator live inside the image. */
export const SIM_DIR = '/opt/rmq-tui-sim';
export const CACHE_DIR = process.env.RMQ_TUI_TESTBED_CACHE ?? '/var/tmp/rmq-tui-testbed-cache';
const BUSYBOX = '/bin/busybox';
/** Bump when the layout changes in a way the hashed inputs do not show. */
const FORMAT = 'testbed-images-v1';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_BIN = join(PROJECT_ROOT, 'node_modules', 'node', 'bin', 'node');

// ------------------------------------------------------------------ scripts inside the image (busybox sh)

const MQBROKER = `#!/bin/sh
# rmq-tui test image: RocketMQ 4.7.1 bin/mqbroker (same shape: runbroker.sh under sh, no exec)
if [ -z "$ROCKETMQ_HOME" ] ; then
  ## resolve links - $0 may be a link to maven's home
  PRG="$0"
  saveddir=\`pwd\`
  ROCKETMQ_HOME=\`dirname "$PRG"\`/..
  ROCKETMQ_HOME=\`cd "$ROCKETMQ_HOME" && pwd\`
  cd "$saveddir"
fi
export ROCKETMQ_HOME
sh \${ROCKETMQ_HOME}/bin/runbroker.sh org.apache.rocketmq.broker.BrokerStartup $@
`;

const MQNAMESRV = MQBROKER.replace('bin/mqbroker', 'bin/mqnamesrv')
	.replace('runbroker.sh', 'runserver.sh')
	.replace('org.apache.rocketmq.broker.BrokerStartup', 'org.apache.rocketmq.namesrv.NamesrvStartup');

/** rocketmq-docker's run{broker,server}-customize.sh, reduced to what matters: JAVA_OPT, then java WITHOUT exec. */
const runScript = (heap: string) => `#!/bin/sh
# rmq-tui test image: rocketmq-docker's run*-customize.sh (builds JAVA_OPT, runs java under sh, no exec)
error_exit ()
{
    echo "ERROR: $1 !!"
    exit 1
}
[ ! -e "$JAVA_HOME/bin/java" ] && JAVA_HOME=$HOME/jdk/java
[ ! -e "$JAVA_HOME/bin/java" ] && JAVA_HOME=/usr/java
[ ! -e "$JAVA_HOME/bin/java" ] && error_exit "Please set the JAVA_HOME variable in your environment, We need java(x64)!"
export JAVA_HOME
export JAVA="$JAVA_HOME/bin/java"
export BASE_DIR=$(dirname $0)/..
export CLASSPATH=.:\${BASE_DIR}/conf:\${CLASSPATH}
JAVA_OPT="\${JAVA_OPT} -server ${heap}"
JAVA_OPT="\${JAVA_OPT} -XX:+UseG1GC -XX:G1HeapRegionSize=16m -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30"
JAVA_OPT="\${JAVA_OPT} -XX:-OmitStackTraceInFastThrow -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=15g"
JAVA_OPT="\${JAVA_OPT} -Djava.ext.dirs=\${JAVA_HOME}/jre/lib/ext:\${BASE_DIR}/lib"
JAVA_OPT="\${JAVA_OPT} \${JAVA_OPT_EXT}"
JAVA_OPT="\${JAVA_OPT} -cp \${CLASSPATH}"
$JAVA \${JAVA_OPT} $@
`;

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

const SCRIPTS = [MQBROKER, MQNAMESRV, runScript(''), JAVA, JAVA_MAIN, FORMAT].join('\0');

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

function must(cmd: string, args: string[], what: string): string {
	const r = spawnSync(cmd, args, {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
	if (r.error) throw new Error(`${what}: ${r.error.message}`);
	if (r.status !== 0) throw new Error(`${what}: ${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
	return r.stdout;
}

/** The shared libraries (and the ELF interpreter) a dynamically linked binary needs, as `ldd` lists them. */
export function sharedLibraries(binary: string): string[] {
	const out = must('ldd', [binary], `ldd ${binary}`);
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

// ------------------------------------------------------------------ rootfs + layer

interface Inputs {
	bundle: Buffer;
	node: string;
	libs: string[];
	key: string;
}

async function inputs(): Promise<Inputs> {
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
function writeRootfs(root: string, inp: Inputs): void {
	const dir = (p: string, mode = 0o755, uid = 0) => {
		mkdirSync(join(root, p), {recursive: true});
		chmodSync(join(root, p), mode);
		chownSync(join(root, p), uid, uid);
	};
	const file = (p: string, content: string | Buffer, mode = 0o644, uid = 0) => {
		mkdirSync(dirname(join(root, p)), {recursive: true});
		writeFileSync(join(root, p), content);
		chmodSync(join(root, p), mode);
		chownSync(join(root, p), uid, uid);
	};
	for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'var/log', 'opt', 'lib', 'lib64'])
		dir(d);
	dir('tmp', 0o1777);
	dir('var/tmp', 0o1777);
	dir('root', 0o700);
	// busybox-static with every applet, plus `bash` (the real image has bash: here it is busybox ash)
	copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
	chmodSync(join(root, 'bin/busybox'), 0o755);
	const applets = must(join(root, 'bin/busybox'), ['--list'], 'busybox --list')
		.split('\n')
		.map(s => s.trim())
		.filter(a => a !== '' && a !== 'busybox' && !a.includes('/'));
	for (const a of new Set([...applets, 'bash'])) symlinkSync('busybox', join(root, 'bin', a));
	// users: rocketmq 3000:3000 as in the real image
	file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nrocketmq:x:3000:3000:Linux User,,,:/home/rocketmq:/bin/bash\n');
	file('etc/group', 'root:x:0:root\nnogroup:x:65534:\nrocketmq:x:3000:rocketmq\n');
	file('etc/shadow', 'root:!::0:::::\nnobody:!::0:::::\nrocketmq:!:18000:0:99999:7:::\n', 0o640);
	file('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
	file('etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.9.4\nPRETTY_NAME="rmq-tui test image (busybox + Node.js running the RocketMQ 4.7.1 simulator)"\n');
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
	// the JVM's place
	file(`${JAVA_HOME.slice(1)}/bin/java`, JAVA, 0o755);
	dir(`${JAVA_HOME.slice(1)}/jre/bin`);
	symlinkSync('../../bin/java', join(root, JAVA_HOME.slice(1), 'jre/bin/java'));
	// $ROCKETMQ_HOME, owned by rocketmq (the real Dockerfile: chown -R ${uid}:${gid} ${ROCKETMQ_HOME})
	dir('home/rocketmq', 0o755, 3000);
	const home = ROCKETMQ_HOME.slice(1);
	for (const d of ['', '/bin', '/conf', '/conf/dledger', '/conf/2m-2s-async', '/lib']) dir(`${home}${d}`, 0o755, 3000);
	file(`${home}/bin/mqbroker`, MQBROKER, 0o755, 3000);
	file(`${home}/bin/mqnamesrv`, MQNAMESRV, 0o755, 3000);
	file(`${home}/bin/runbroker.sh`, runScript('-Xms8g -Xmx8g -Xmn4g'), 0o755, 3000);
	file(`${home}/bin/runserver.sh`, runScript('-Xms4g -Xmx4g -Xmn2g -XX:MetaspaceSize=128m -XX:MaxMetaspaceSize=320m'), 0o755, 3000);
	for (const f of ['logback_broker.xml', 'logback_namesrv.xml', 'logback_tools.xml']) {
		file(`${home}/conf/${f}`, '<!-- rmq-tui test image: placeholder for the logback config -->\n<configuration/>\n', 0o644, 3000);
	}
	file(`${home}/conf/broker.conf`, 'brokerClusterName = DefaultCluster\nbrokerName = broker-a\nbrokerId = 0\ndeleteWhen = 04\nfileReservedTime = 48\nbrokerRole = ASYNC_MASTER\nflushDiskType = ASYNC_FLUSH\n', 0o644, 3000);
	for (const n of [0, 1, 2]) {
		file(
			`${home}/conf/dledger/broker-n${n}.conf`,
			`brokerClusterName = RaftCluster\nbrokerName=RaftNode00\nlistenPort=${30911 + n * 10}\nnamesrvAddr=127.0.0.1:9876\nstorePathRootDir=/tmp/rmqstore/node0${n}\nstorePathCommitLog=/tmp/rmqstore/node0${n}/commitlog\nenableDLegerCommitLog=true\ndLegerGroup=RaftNode00\ndLegerPeers=n0-127.0.0.1:40911;n1-127.0.0.1:40912;n2-127.0.0.1:40913\n## must be unique\ndLegerSelfId=n${n}\nsendMessageThreadPoolNums=16\n`,
			0o644,
			3000,
		);
	}
	file('rocketmq-console.jar', 'rmq-tui test image: not a jar (the "java" dispatcher serves HTTP on 8080)\n');
}

// ------------------------------------------------------------------ the archive

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
		`PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${JAVA_HOME}/jre/bin:${JAVA_HOME}/bin`,
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
					Entrypoint: ['sh', '-c', 'java $JAVA_OPTS -jar /rocketmq-console.jar'],
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
	must(
		'tar',
		['--sort=name', '--format=gnu', '--numeric-owner', '--mtime=@946684800', '-C', dir, '-cf', out, ...entries],
		'tar',
	);
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

interface Meta {
	key: string;
	images: TestImage[];
	/** tag → the image config JSON (its sha256 is the image ID). */
	configs: Record<string, string>;
	layer: {diffId: string; path: string; digest: string; size: number; gzip: boolean};
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
