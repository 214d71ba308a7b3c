// The shape of `apacherocketmq/rocketmq:4.7.1-alpine` (apache/rocketmq-docker 4.7.1, Dockerfile-alpine), shared by
// the two images the tests build without a pull: the stand-in of the single-daemon tests (standin-image.ts: a "java"
// that records what it would run) and the testbed's image (test/testbed/images.ts: a "java" that runs the simulator).
//   - user rocketmq = uid/gid 3000, HOME /home/rocketmq, logs in ~/logs/rocketmqlogs, store ~/store;
//   - ROCKETMQ_HOME=/home/rocketmq/rocketmq-4.7.1 (owned by rocketmq), JAVA_HOME=/usr/lib/jvm/java-1.8-openjdk with
//     java in $JAVA_HOME/bin and $JAVA_HOME/jre/bin;
//   - `sh mqbroker -c FILE` → sh runbroker.sh (no exec) → `$JAVA ${JAVA_OPT} $@` (no exec), likewise mqnamesrv;
//   - a busybox-static userland (every applet, plus `bash`: the real image has bash).
// writeImageBase() writes that filesystem; each image adds its own "java" and extras.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const BROKER_IMAGE = 'apacherocketmq/rocketmq:4.7.1-alpine';
export const CONSOLE_IMAGE = 'apacherocketmq/rocketmq-console:2.0.0';
export const ROCKETMQ_HOME = '/home/rocketmq/rocketmq-4.7.1';
export const LOGS_DIR = '/home/rocketmq/logs/rocketmqlogs';
export const JAVA_HOME = '/usr/lib/jvm/java-1.8-openjdk';
/** PATH of both images (the JRE's bin first, as in the real one). */
export const IMAGE_PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${JAVA_HOME}/jre/bin:${JAVA_HOME}/bin`;
/** The console image's entrypoint. */
export const CONSOLE_ENTRYPOINT = ['sh', '-c', 'java $JAVA_OPTS -jar /rocketmq-console.jar'];
export const BUSYBOX = '/bin/busybox';
/** Changes whenever this module (the shape it writes) changes: part of both images' cache keys. */
export const SHAPE_VERSION = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');

// ------------------------------------------------------------------ launch scripts (busybox sh)

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

// ------------------------------------------------------------------ the filesystem

/** mkdir/write helpers under root that also set mode and owner (uid = gid). */
export function rootfsWriter(root: string) {
	const own = (p: string, mode: number, uid: number) => {
		chmodSync(join(root, p), mode);
		chownSync(join(root, p), uid, uid);
	};
	return {
		dir(p: string, mode = 0o755, uid = 0): void {
			mkdirSync(join(root, p), {recursive: true});
			own(p, mode, uid);
		},
		file(p: string, content: string | Buffer, mode = 0o644, uid = 0): void {
			mkdirSync(dirname(join(root, p)), {recursive: true});
			writeFileSync(join(root, p), content);
			own(p, mode, uid);
		},
	};
}

export interface ImageBase {
	/** $JAVA_HOME/bin/java: the image's stand-in JVM (a busybox sh script). */
	java: string;
	/** /etc/os-release's PRETTY_NAME. */
	prettyName: string;
	/** Text of /rocketmq-console.jar (not a jar). */
	consoleJar: string;
}

/** Writes the image filesystem under root (as root: files owned by uid 3000 where the real image has them). */
export function writeImageBase(root: string, base: ImageBase): void {
	const {dir, file} = rootfsWriter(root);
	for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'var/log', 'opt', 'lib', 'lib64']) dir(d);
	dir('tmp', 0o1777);
	dir('var/tmp', 0o1777);
	dir('root', 0o700);
	// busybox-static with every applet, plus `bash` (the real image has bash: here it is busybox ash)
	copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
	chmodSync(join(root, 'bin/busybox'), 0o755);
	const list = spawnSync(join(root, 'bin/busybox'), ['--list'], {encoding: 'utf8'});
	if (list.status !== 0) throw new Error(`${BUSYBOX} --list failed: ${list.stderr}`);
	const applets = list.stdout.split('\n').map(s => s.trim()).filter(a => a !== '' && a !== 'busybox' && !a.includes('/'));
	for (const a of new Set([...applets, 'bash'])) symlinkSync('busybox', join(root, 'bin', a));
	// users: rocketmq 3000:3000 as in the real image
	file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nrocketmq:x:3000:3000:Linux User,,,:/home/rocketmq:/bin/bash\n');
	file('etc/group', 'root:x:0:root\nnogroup:x:65534:\nrocketmq:x:3000:rocketmq\n');
	file('etc/shadow', 'root:!::0:::::\nnobody:!::0:::::\nrocketmq:!:18000:0:99999:7:::\n', 0o640);
	file('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
	file('etc/os-release', `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.9.4\nPRETTY_NAME="${base.prettyName}"\n`);
	// the JVM's place
	file(`${JAVA_HOME.slice(1)}/bin/java`, base.java, 0o755);
	dir(`${JAVA_HOME.slice(1)}/jre/bin`);
	symlinkSync('../../bin/java', join(root, JAVA_HOME.slice(1), 'jre/bin/java'));
	// $ROCKETMQ_HOME, owned by rocketmq (the real Dockerfile: chown -R ${uid}:${gid} ${ROCKETMQ_HOME})
	dir('home/rocketmq', 0o755, 3000);
	const home = ROCKETMQ_HOME.slice(1);
	for (const d of ['', '/bin', '/conf', '/lib']) dir(`${home}${d}`, 0o755, 3000);
	file(`${home}/bin/mqbroker`, MQBROKER, 0o755, 3000);
	file(`${home}/bin/mqnamesrv`, MQNAMESRV, 0o755, 3000);
	file(`${home}/bin/runbroker.sh`, runScript('-Xms8g -Xmx8g -Xmn4g'), 0o755, 3000);
	file(`${home}/bin/runserver.sh`, runScript('-Xms4g -Xmx4g -Xmn2g -XX:MetaspaceSize=128m -XX:MaxMetaspaceSize=320m'), 0o755, 3000);
	// the broker loads logback from $ROCKETMQ_HOME/conf: present here, so mounting over conf/ is detectable
	for (const f of ['logback_broker.xml', 'logback_namesrv.xml', 'logback_tools.xml']) {
		file(`${home}/conf/${f}`, '<!-- rmq-tui test image: placeholder for the logback config -->\n<configuration/>\n', 0o644, 3000);
	}
	file(`${home}/conf/broker.conf`, 'brokerClusterName = DefaultCluster\nbrokerName = broker-a\nbrokerId = 0\ndeleteWhen = 04\nfileReservedTime = 48\nbrokerRole = ASYNC_MASTER\nflushDiskType = ASYNC_FLUSH\n', 0o644, 3000);
	file('rocketmq-console.jar', base.consoleJar);
}
