/**
 * Every command-line flag, once: meow's parser config, `--help`, unknown-flag checks and the README
 * table are all derived from this list.
 */
export interface FlagSpec {
	/** kebab-case, as typed after `--`. */
	name: string;
	type: 'string' | 'boolean';
	multiple?: boolean;
	short?: string;
	/** Value placeholder shown in help. */
	value?: string;
	description: string;
	/** A typical use, shown in --help. */
	example: string;
	/** Where a cluster option flag lands in the cluster file (dotted). */
	option?: string;
	/** Parse the string into the option's type. */
	kind?: 'int' | 'list';
	section: 'Commands' | 'Cluster source' | 'Export' | 'Deploy' | 'Live pane' | 'Cluster options' | 'SSH' | 'Simulator' | 'Output' | 'General';
}

export const FLAGS: readonly FlagSpec[] = [
	{name: 'export', example: '--export out', type: 'string', value: 'DIR', section: 'Export', description: 'write every host\'s files, RUNBOOK.md per host, SUMMARY.md and cluster.yaml to DIR'},
	{name: 'force', example: '--export out --force', type: 'boolean', section: 'Export', description: 'replace a non-empty --export DIR (written atomically: all or nothing)'},
	{name: 'hosts', example: '--hosts 192.168.1.71,192.168.1.76,192.168.1.77', type: 'string', value: 'A,B,C', section: 'Cluster source', description: 'hosts, separated by "," or ";": IPs, names or ~/.ssh/config aliases (user@host:port works)'},
	{name: 'inventory', example: '-i cluster.yaml', type: 'string', short: 'i', value: 'FILE', section: 'Cluster source', description: 'a cluster file (cluster.yaml, YAML or JSON; see README "Cluster file")'},
	{name: 'namesrv', example: "status --namesrv '10.0.0.1:9876;10.0.0.2:9876'", type: 'string', value: 'A;B', section: 'Cluster source', description: 'status, monitor: name servers of a running cluster (ip[:port], ";" or ","); its groups are discovered'},
	{name: 'timeout', example: 'status --namesrv 10.0.0.1 --timeout 1000', type: 'string', value: 'MS', kind: 'int', section: 'Cluster source', description: 'status: how long to wait for each connection and answer (default 3000)'},
	{name: 'yes', example: 'deploy -i cluster.yaml --yes', type: 'boolean', short: 'y', section: 'Deploy', description: 'deploy/down: go ahead without asking (the changes are still printed first)'},
	{name: 'dry-run', example: 'deploy -i cluster.yaml --dry-run', type: 'boolean', section: 'Deploy', description: 'deploy: print per host exactly what would change (file diffs, containers) and change nothing'},
	{name: 'image-archive', example: 'deploy -i cluster.yaml --image-archive rocketmq-images.tar', type: 'string', value: 'FILE', section: 'Deploy', description: "deploy and the wizard's deploy: upload this `docker save` tarball to hosts that lack the images (no registry needed)"},
	{name: 'build-image', example: 'deploy -i cluster.yaml --build-image rocketmq-docker', type: 'string', value: 'DIR', section: 'Deploy', description: "deploy and the wizard's deploy: no host has the RocketMQ image: build it on the first host with this checkout of apache/rocketmq-docker's image-build scripts (as the guide does), then copy it to the others"},
	{name: 'skip-preflight', example: 'deploy -i cluster.yaml --skip-preflight', type: 'boolean', section: 'Deploy', description: 'deploy: do not stop on failed preflight checks (they still run when possible); not recommended'},
	{name: 'adopt', example: 'deploy -i cluster.yaml --adopt', type: 'boolean', section: 'Deploy', description: 'deploy: replace containers of the same name made by hand (e.g. from the guide); their data dirs stay'},
	{name: 'break-lock', example: 'deploy -i cluster.yaml --break-lock', type: 'boolean', section: 'Deploy', description: 'deploy/down: remove a stale deploy lock left by a run that died (check that nobody is deploying)'},
	{name: 'accept-new-host-keys', example: 'deploy -i cluster.yaml --accept-new-host-keys', type: 'boolean', section: 'Deploy', description: 'record unknown SSH host keys without asking (as StrictHostKeyChecking=accept-new); changed keys are always refused'},
	{name: 'purge', example: 'down -i cluster.yaml --purge', type: 'boolean', section: 'Deploy', description: 'down: also delete the cluster\'s data dirs (stores, logs, confs); asks you to type the cluster name'},
	{name: 'local-port', example: 'console -i cluster.yaml --local-port 8080', type: 'string', value: 'PORT', kind: 'int', section: 'Deploy', description: 'console: local port of the SSH tunnel to the console (default its port on the host, 19876)'},
	{name: 'sim', example: 'monitor --sim', type: 'boolean', section: 'Live pane', description: 'monitor: the seed cluster (3 hosts, 2 groups) deployed onto simulated hosts in this process; every drill key works'},
	{name: 'read-only', example: 'monitor -i cluster.yaml --read-only', type: 'boolean', section: 'Live pane', description: 'monitor: watch only; every drill key (stop, kill, pause, start, restart) is off'},
	{name: 'report', example: 'monitor --sim --report drills', type: 'string', value: 'FILE', section: 'Live pane', description: 'monitor: on exit, write the drills to FILE.md and FILE.json (the w key writes them at any time)'},
	{name: 'interval', example: 'monitor -i cluster.yaml --interval 500', type: 'string', value: 'MS', kind: 'int', section: 'Live pane', description: 'monitor: probe the cluster every MS milliseconds (default 250; the drills\' time resolution)'},
	{name: 'cluster-name', example: '--cluster-name OrdersCluster', type: 'string', value: 'NAME', option: 'name', section: 'Cluster options', description: 'brokerClusterName (default RaftCluster)'},
	{name: 'groups', example: '--groups 3', type: 'string', value: 'N', option: 'groups', kind: 'int', section: 'Cluster options', description: 'DLedger groups (default 2: RaftNode00, RaftNode01)'},
	{name: 'replicas', example: '--replicas 5', type: 'string', value: 'N', option: 'replicas', kind: 'int', section: 'Cluster options', description: 'replicas per group, odd, each on its own host (default 3)'},
	{name: 'group-prefix', example: '--group-prefix Orders', type: 'string', value: 'NAME', option: 'groupPrefix', section: 'Cluster options', description: 'group name prefix (default RaftNode → RaftNode00, RaftNode01, …)'},
	{name: 'image', example: '--image registry.local/rocketmq:4.7.1-alpine', type: 'string', value: 'IMAGE', option: 'image', section: 'Cluster options', description: 'broker and name server image (default apacherocketmq/rocketmq:4.7.1-alpine)'},
	{name: 'base-dir', example: '--base-dir /srv/rocketmq', type: 'string', value: 'PATH', option: 'baseDir', section: 'Cluster options', description: 'where files live on each host (default /data/docker-services/rocketmq)'},
	{name: 'network', example: '--network rmq_net', type: 'string', value: 'NAME', option: 'network', section: 'Cluster options', description: 'Docker network the containers join (default bridge_network)'},
	{name: 'timezone', example: '--timezone UTC', type: 'string', value: 'ZONE', option: 'timezone', section: 'Cluster options', description: 'TZ and -Duser.timezone of every container (default Asia/Shanghai)'},
	{name: 'broker-heap', example: '--broker-heap 2g', type: 'string', value: 'SIZE', option: 'heap.broker', section: 'Cluster options', description: 'heap per broker, -Xms=-Xmx, -Xmn half (default 1g)'},
	{name: 'namesrv-heap', example: '--namesrv-heap 256m', type: 'string', value: 'SIZE', option: 'heap.namesrv', section: 'Cluster options', description: 'heap per name server (default 512m)'},
	{name: 'namesrv-port', example: '--namesrv-port 9877', type: 'string', value: 'PORT', option: 'ports.namesrv', kind: 'int', section: 'Cluster options', description: 'name server port (default 9876)'},
	{name: 'listen-port', example: '--listen-port 30911', type: 'string', value: 'PORT', option: 'ports.listen', kind: 'int', section: 'Cluster options', description: 'listenPort of the first group; fast port is listen−2 (default 10911)'},
	{name: 'dledger-port', example: '--dledger-port 40911', type: 'string', value: 'PORT', option: 'ports.dledger', kind: 'int', section: 'Cluster options', description: 'DLedger port of the first group (default 20911)'},
	{name: 'port-stride', example: '--port-stride 100', type: 'string', value: 'N', option: 'ports.groupStride', kind: 'int', section: 'Cluster options', description: 'added to listen and DLedger ports per group (default 10)'},
	{name: 'namesrv-hosts', example: '--namesrv-hosts 192.168.1.71,192.168.1.76', type: 'string', value: 'A,B', option: 'namesrvHosts', kind: 'list', section: 'Cluster options', description: 'hosts that run a name server (default every host)'},
	{name: 'console', example: '--no-console', type: 'boolean', option: 'console.enabled', section: 'Cluster options', description: 'run the RocketMQ console; --no-console to leave it out (default on)'},
	{name: 'console-host', example: '--console-host 192.168.1.76', type: 'string', value: 'HOST', option: 'console.host', section: 'Cluster options', description: 'host of the console (default the first host)'},
	{name: 'console-port', example: '--console-port 8080', type: 'string', value: 'PORT', option: 'console.port', kind: 'int', section: 'Cluster options', description: 'host port of the console (default 19876)'},
	{name: 'console-image', example: '--console-image apacherocketmq/rocketmq-dashboard:1.0.0', type: 'string', value: 'IMAGE', option: 'console.image', section: 'Cluster options', description: 'console image (default apacherocketmq/rocketmq-console:2.0.0)'},
	{name: 'console-public', example: '--console-public', type: 'boolean', option: 'console.public', section: 'Cluster options', description: 'publish the (unauthenticated) console on all interfaces, not just loopback'},
	{name: 'broker-property', example: '--broker-property maxMessageSize=8388608', type: 'string', multiple: true, value: 'KEY=VALUE', option: 'brokerProperties', section: 'Cluster options', description: 'extra broker.conf property for every broker (repeatable)'},
	{name: 'cpus', example: '--cpus 8', type: 'string', value: 'N', kind: 'int', section: 'Cluster options', description: 'CPU cores per host; sizes sendMessageThreadPoolNums (default 2, the guide\'s value)'},
	{name: 'ssh-user', example: '--ssh-user admin', type: 'string', value: 'USER', section: 'SSH', description: 'SSH user for --hosts entries without user@ (default from ~/.ssh/config, else root)'},
	{name: 'ssh-port', example: '--ssh-port 2222', type: 'string', value: 'PORT', kind: 'int', section: 'SSH', description: 'SSH port for --hosts entries without :port'},
	{name: 'identity', example: '--identity ~/.ssh/id_ed25519', type: 'string', value: 'FILE', section: 'SSH', description: 'SSH private key for --hosts entries'},
	{name: 'ssh-config', example: '--ssh-config ./ssh_config', type: 'string', value: 'FILE', section: 'SSH', description: 'OpenSSH client config for aliases and defaults (default ~/.ssh/config)'},
	{name: 'demo', example: '--demo', type: 'boolean', section: 'Simulator', description: 'try everything without servers: the wizard with the seed\'s 3 hosts, deploy onto simulated hosts, the live pane with every drill key; writes only to a temp dir, removed on exit'},
	{name: 'config', example: 'sim broker -c /home/rocketmq/conf/broker-n0.conf', type: 'string', short: 'c', value: 'FILE', section: 'Simulator', description: 'sim broker: the broker .conf to run, as mqbroker -c (sim namesrv: a namesrv .conf with listenPort)'},
	{name: 'time-scale', example: 'sim cluster --time-scale 10', type: 'string', value: 'N', section: 'Simulator', description: 'sim, monitor --sim, --demo: run the simulated timers N times faster than real time (default 1)'},
	{name: 'quiet', example: 'lint out/ --quiet', type: 'boolean', short: 'q', section: 'Output', description: 'lint: show errors only'},
	{name: 'json', example: '--hosts A,B,C --json', type: 'boolean', section: 'Output', description: 'print machine-readable JSON (the plan; lint findings)'},
	{name: 'help', example: '--help', type: 'boolean', short: 'h', section: 'General', description: 'show this help'},
	{name: 'version', example: '--version', type: 'boolean', short: 'v', section: 'General', description: 'print the version'},
];

export const camel = (kebab: string): string => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
export const flagByName = new Map(FLAGS.map(f => [f.name, f]));

export function meowFlags(): Record<string, {type: 'string' | 'boolean'; isMultiple?: boolean; shortFlag?: string}> {
	return Object.fromEntries(
		FLAGS.map(f => [camel(f.name), {type: f.type, ...(f.multiple ? {isMultiple: true} : {}), ...(f.short ? {shortFlag: f.short} : {})}]),
	);
}
