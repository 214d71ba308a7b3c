// A stand-in for `apacherocketmq/rocketmq:4.7.1-alpine`, built WITHOUT any pull: a busybox-static rootfs
// imported with `docker import`. It is not RocketMQ; it has the same PROCESS SHAPE and the same filesystem contract:
//
//   user uid/gid 3000 (rocketmq), ROCKETMQ_HOME=/home/rocketmq/rocketmq-4.7.1, WORKDIR $ROCKETMQ_HOME/bin,
//   no ENTRYPOINT/CMD, JAVA_HOME=/usr/lib/jvm/java-1.8-openjdk, logs in /home/rocketmq/logs/rocketmqlogs/.
//   `sh mqbroker -c F`   → sh mqbroker → sh runbroker.sh (no exec) → "java" (no exec: `$JAVA ${JAVA_OPT} $@`)
//   `sh mqnamesrv`       → sh mqnamesrv → sh runserver.sh (no exec) → "java"
//
// The "java" stand-in is a busybox sh script that
//   - records what the broker/name server would act on, in <logs>/rocketmqlogs/{broker,namesrv}.log:
//       STANDIN START role=broker pid=N uid=3000 gid=3000
//       ARGS <all args>            JAVA_OPT_EXT=<env>      CONF_FILE <path of -c>
//       CONF_SHA256 <hex>          CONF_BASE64 <content>   CONF_BEGIN / <content> / CONF_END
//       BOOT_OK
//   - exits 255 when the -c file is unreadable (BrokerStartup: FileNotFoundException → System.exit(-1)),
//   - (broker) creates storePathRootDir (default ~/store), storePathCommitLog, dledger-<dLegerSelfId>/ and an
//     `abort` file like the real store; exits 253 when it cannot (root-owned bind mount: BrokerStartup's exit(-3)),
//   - installs TERM/INT/HUP traps standing in for the JVM shutdown hook: appends `TERM <pid>` to
//     <logs>/rocketmqlogs/shutdown.log at once, then sleeps STANDIN_SHUTDOWN_SECONDS (default 0: a shutdown hook
//     takes time in a real JVM), removes the `abort` file, appends `DONE <pid>` and exits 128+signal (143 for TERM),
//   - otherwise waits (`sleep & wait`, so a signal is handled at once).
// The console tag (`apacherocketmq/rocketmq-console:2.0.0`) is the same rootfs with ENTRYPOINT
// ["sh","-c","java $JAVA_OPTS -jar /rocketmq-console.jar"], running as root; it records to /tmp/rocketmq-console.log.
//
// The image's filesystem is rocketmq-image.ts's (scripts, users, paths) with the recording "java" below. The rootfs
// tarball is cached in os.tmpdir() (keyed by the busybox binary and the scripts); importing takes ~0.3 s.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, renameSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Dockerd} from './dockerd.ts';
import {BROKER_IMAGE, BUSYBOX, CONSOLE_ENTRYPOINT, CONSOLE_IMAGE, IMAGE_PATH, JAVA_HOME, ROCKETMQ_HOME, SHAPE_VERSION, writeImageBase} from './rocketmq-image.ts';

export {BROKER_IMAGE, CONSOLE_IMAGE, JAVA_HOME, ROCKETMQ_HOME};
export {LOGS_DIR} from './rocketmq-image.ts';
export const STANDIN_LABEL = 'io.rmq-tui.standin';

// ------------------------------------------------------------------ the "java" (busybox sh)

const JAVA = `#!/bin/sh
# rmq-tui stand-in for the JVM running BrokerStartup / NamesrvStartup / the console jar. NOT Java.
main=; conf=; prev=
for a in "$@"; do
  case "$a" in
    org.apache.rocketmq.*) main=$a ;;
    *rocketmq-console*.jar) main=console ;;
  esac
  [ "$prev" = "-c" ] && conf=$a
  prev=$a
done
case "$main" in
  *BrokerStartup) role=broker; logdir=/home/rocketmq/logs/rocketmqlogs ;;
  *NamesrvStartup) role=namesrv; logdir=/home/rocketmq/logs/rocketmqlogs ;;
  console) role=console; logdir=/tmp ;;
  *) echo "stand-in java: no known main class in: $*" >&2; exit 1 ;;
esac
log=$logdir/$role.log
[ $role = console ] && log=/tmp/rocketmq-console.log
if ! { mkdir -p "$logdir" && : >> "$log"; } 2>/dev/null; then
  echo "stand-in java: cannot write $log as uid $(id -u) (logback would complain the same way)" >&2
  log=/dev/null; logdir=
fi
say() { echo "$*" >> "$log"; }
say "STANDIN START role=$role pid=$$ uid=$(id -u) gid=$(id -g) time=$(date +%s)"
say "ARGS $*"
say "JAVA_OPT_EXT=$JAVA_OPT_EXT"
say "CWD $(pwd)"
if [ -n "$conf" ]; then
  if [ ! -r "$conf" ]; then
    echo "java.io.FileNotFoundException: $conf (No such file or directory)" >&2
    say "CONF_MISSING $conf"
    exit 255
  fi
  say "CONF_FILE $conf"
  say "CONF_SHA256 $(sha256sum < "$conf" | cut -d' ' -f1)"
  say "CONF_BASE64 $(base64 < "$conf" | tr -d '\\n')"
  say "CONF_BEGIN"
  cat "$conf" >> "$log"
  say ""
  say "CONF_END"
fi
prop() { [ -n "$conf" ] && sed -n "s/^[[:space:]]*$1[[:space:]]*[=:][[:space:]]*//p" "$conf" | tail -n 1; }
abortfile=
if [ $role = broker ]; then
  root=$(prop storePathRootDir); root=\${root:-$HOME/store}
  commitlog=$(prop storePathCommitLog); commitlog=\${commitlog:-$root/commitlog}
  dirs="$root $commitlog"
  selfid=$(prop dLegerSelfId)
  [ "$(prop enableDLegerCommitLog)" = true ] && [ -n "$selfid" ] && dirs="$dirs $root/dledger-$selfid"
  if ! { mkdir -p $dirs && : > "$root/abort"; } 2>/dev/null; then
    echo "stand-in java: cannot create the store under $root as uid $(id -u)" >&2
    say "STORE_FAIL $root"
    exit 253
  fi
  abortfile=$root/abort
  say "STORE_OK $root"
fi
sleeper=
shutdown() {
  [ -n "$sleeper" ] && kill $sleeper 2>/dev/null
  [ -n "$logdir" ] && echo "$1 $$" >> "$logdir/shutdown.log"
  s=\${STANDIN_SHUTDOWN_SECONDS:-0}
  [ "$s" != 0 ] && sleep "$s"
  [ -n "$abortfile" ] && rm -f "$abortfile"
  [ -n "$logdir" ] && echo "DONE $$" >> "$logdir/shutdown.log"
  exit $2
}
trap 'shutdown TERM 143' TERM
trap 'shutdown INT 130' INT
trap 'shutdown HUP 129' HUP
echo "The $role (rmq-tui stand-in, pid $$) boot success."
say "BOOT_OK"
while :; do
  sleep 3600 &
  sleeper=$!
  wait $sleeper
done
`;

const SCRIPTS_VERSION = createHash('sha256').update([SHAPE_VERSION, JAVA, 'v2'].join('\0')).digest('hex');

// ------------------------------------------------------------------ rootfs

function cacheKey(): string {
	return createHash('sha256').update(readFileSync(BUSYBOX)).update(SCRIPTS_VERSION).digest('hex').slice(0, 16);
}

/** Path of the cached rootfs tarball (built on first use). Needs root (files owned by uid 3000). */
export function standinRootfs(): string {
	if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing (apt-get install busybox-static)`);
	const key = cacheKey();
	const tar = join(tmpdir(), `rmq-tui-standin-${key}.tar`);
	if (existsSync(tar)) return tar;
	const root = mkdtempSync(join(tmpdir(), 'rmq-tui-standin-build-'));
	try {
		writeImageBase(root, {java: JAVA, prettyName: 'rmq-tui stand-in (busybox): records what RocketMQ would run', consoleJar: 'rmq-tui stand-in: not a jar\n'});
		const part = `${tar}.${process.pid}.tmp`;
		const r = spawnSync('tar', ['--numeric-owner', '-C', root, '-cf', part, '.'], {encoding: 'utf8'});
		if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
		renameSync(part, tar); // atomic: concurrent builders produce the same content
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
	return tar;
}

// ------------------------------------------------------------------ images

async function labelOf(d: Dockerd, tag: string): Promise<string | undefined> {
	const r = await d.docker(['image', 'inspect', '-f', `{{index .Config.Labels "${STANDIN_LABEL}"}}`, tag]);
	return r.code === 0 ? r.stdout.trim() : undefined;
}

export interface StandinOptions {
	/** Also tag a console stand-in (default CONSOLE_IMAGE); false to skip. */
	consoleTag?: string | false;
}

/** Makes `tag` (and the console tag) a stand-in image on daemon d; no-op when already there (same build key). */
export async function ensureStandinImage(
	d: Dockerd,
	tag: string = BROKER_IMAGE,
	opts: StandinOptions = {},
): Promise<void> {
	const tar = standinRootfs();
	const key = cacheKey();
	const common = [
		`LABEL ${STANDIN_LABEL}=${key}`,
		`ENV PATH=${IMAGE_PATH}`,
		`ENV JAVA_HOME=${JAVA_HOME}`,
	];
	const want: Array<[string, string[]]> = [
		[
			tag,
			[
				...common,
				'ENV ROCKETMQ_VERSION=4.7.1',
				`ENV ROCKETMQ_HOME=${ROCKETMQ_HOME}`,
				`WORKDIR ${ROCKETMQ_HOME}/bin`,
				'USER 3000:3000',
				'EXPOSE 9876 10909 10911 10912',
			],
		],
	];
	const consoleTag = opts.consoleTag ?? CONSOLE_IMAGE;
	if (consoleTag !== false) {
		want.push([
			consoleTag,
			[...common, 'WORKDIR /', 'EXPOSE 8080', `ENTRYPOINT ${JSON.stringify(CONSOLE_ENTRYPOINT)}`],
		]);
	}
	for (const [t, changes] of want) {
		if ((await labelOf(d, t)) === key) continue;
		const args = ['import', ...changes.flatMap(c => ['--change', c]), '-', t];
		await d.dockerOk(args, {stdinFile: tar, timeoutMs: 60_000});
	}
}
