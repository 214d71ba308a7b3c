/** RUNBOOK.md for one host (pure): the exact commands, in order, to deploy that host by hand. */
import {IMAGE, type HostPlan, type Plan} from '../plan/types.ts';
import type {RenderedFile} from '../render/render.ts';
import {LABEL} from '../render/render.ts';
import {shellJoin, shellQuote} from '../util/shell.ts';

/** Compose v2 when the host has it, else v1; repeated in every block that needs it (a new shell lacks $COMPOSE). */
const PICK_COMPOSE = 'if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; else COMPOSE="docker-compose"; fi';

const fence = (...commands: string[]): string[] => ['```sh', ...commands, '```', ''];

export function sshTarget(host: HostPlan): {login: string; portFlag: (flag: '-p' | '-P') => string[]} {
	const {ssh} = host.spec;
	const login = `${ssh.user ?? 'root'}@${ssh.host}`;
	return {login, portFlag: flag => (ssh.port && ssh.port !== 22 ? [flag, String(ssh.port)] : [])};
}

export function composeFiles(plan: Plan, host: HostPlan): Array<{what: string; file: string}> {
	return [
		...(host.namesrv ? [{what: 'name server', file: `${plan.layout.namesrvDir}/docker-compose.yml`}] : []),
		...(host.brokers.length > 0 ? [{what: 'brokers', file: `${plan.layout.brokerDir}/docker-compose.yml`}] : []),
		...(host.console ? [{what: 'console', file: `${plan.layout.consoleDir}/docker-compose.yml`}] : []),
	];
}

export function renderRunbook(plan: Plan, host: HostPlan, files: readonly RenderedFile[]): string {
	const name = host.spec.name;
	const {login, portFlag} = sshTarget(host);
	const base = plan.options.baseDir;
	const parent = base.slice(0, base.lastIndexOf('/')) || '/';
	const owned = [...host.writableDirs];
	const composes = composeFiles(plan, host);
	const lines: string[] = [
		`# Runbook for ${name} (${host.spec.ip})`,
		'',
		`Cluster \`${plan.options.name}\`. This host runs: ${[
			host.namesrv ? `name server :${host.namesrv.port}` : undefined,
			...host.brokers.map(b => `broker ${b.group}/${b.selfId} (listen ${b.listenPort}, fast ${b.fastPort}, DLedger ${b.dledgerPort})`),
			host.console ? `console :${host.console.port}${host.console.public ? '' : ' on loopback'}` : undefined,
		].filter(Boolean).join(', ')}.`,
		'',
		'Every value is already filled in for this host: run the commands as they are. Steps 1–4 can run on all hosts in',
		'any order; start the name servers (step 5) on every host before the brokers (step 6). See SUMMARY.md for the whole cluster.',
		'',
		'## 1. Copy the files (from the export directory, on your machine)',
		'',
		...fence(
			shellJoin(['ssh', ...portFlag('-p'), login, `mkdir -p ${shellQuote(parent)}`]),
			shellJoin(['scp', ...portFlag('-P'), '-r', `${name}${base}`, `${login}:${parent}/`]),
			shellJoin(['ssh', ...portFlag('-p'), login]),
		),
		`Files copied (${files.length}): ${files.map(f => `\`${f.path}\``).join(', ')}.`,
		'',
		'All following commands run ON the host, as root (or prefix them with sudo).',
		'',
		`## 2. Directories the containers write to, owned by uid/gid ${IMAGE.uid} (the image's \`rocketmq\` user)`,
		'',
		'Docker would create a missing bind source as root, and the broker would exit with code 253.',
		'',
		...fence(
			shellJoin(['mkdir', '-p', ...owned]),
			shellJoin(['chown', '-R', `${IMAGE.uid}:${IMAGE.gid}`, ...owned]),
			...(host.brokers.length > 0 ? [shellJoin(['chmod', '755', plan.layout.brokerConfDir]), `chmod 644 ${shellQuote(plan.layout.brokerConfDir)}/*.conf`] : []),
		),
		`## 3. The Docker network \`${plan.options.network}\` (the guide never creates it)`,
		'',
		...fence(`docker network inspect ${shellQuote(plan.options.network)} >/dev/null 2>&1 || docker network create ${shellQuote(plan.options.network)}`),
		'## 4. Images',
		'',
		...fence(
			`docker image inspect ${shellQuote(plan.options.image)} >/dev/null 2>&1 || docker pull ${shellQuote(plan.options.image)}`,
			...(host.console ? [`docker image inspect ${shellQuote(host.console.image)} >/dev/null 2>&1 || docker pull ${shellQuote(host.console.image)}`] : []),
		),
		'Without a registry: build the image once as the guide does (`git clone https://github.com/apache/rocketmq-docker.git`,',
		'`cd rocketmq-docker/image-build && sh build-image.sh 4.7.1 alpine`), then copy it from that host to this one:',
		`\`docker save ${plan.options.image} | ssh ${login} docker load\`.`,
		'',
		'## 5–7. Start, in this order',
		'',
		'Use Compose v2 (`docker compose`) when the host has it, else v1 (`docker-compose`):',
		'',
		...fence(PICK_COMPOSE),
		...composes.flatMap(({what, file}, i) => [
			`${i + 5}. ${what}${what === 'name server' ? ' (on every host before any broker)' : ''}:`,
			'',
			...fence(`$COMPOSE -f ${shellQuote(file)} up -d`),
		]),
		'## 8. Check',
		'',
		...fence(
			`docker ps --filter label=${LABEL.cluster}=${shellQuote(plan.options.name)} --format 'table {{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
			...host.brokers.map(b => `tail -n 20 ${shellQuote(`${b.logsDir}/rocketmqlogs/broker.log`)} || echo 'no broker.log yet: ${b.containerName} is still starting'`),
			...(host.brokers[0]
				? [`docker exec ${host.brokers[0].containerName} sh mqadmin clusterList -n ${shellQuote(plan.namesrvAddr)}`]
				: []),
		),
		'Once every host is up, `clusterList` (it starts a JVM of about 1 GB for a few seconds) shows each group with one broker of id 0 (its DLedger leader) and the',
		'others as followers (id = replica number + 1). A broker that exits at once: see its `broker.log`, then',
		`\`docker logs <name>\` (that shows only the boot banner).${host.console && !host.console.public ? ` The console: \`ssh -L ${host.console.port}:127.0.0.1:${host.console.port} ${login}\`, then http://127.0.0.1:${host.console.port}.` : ''}`,
		'',
		'## Firewall: open these TCP ports to the other hosts and to clients',
		'',
		'| port | owner |',
		'| --- | --- |',
		...host.ports.filter(p => !p.owner.includes('reserved') && !(p.owner === 'console' && !host.console?.public)).map(p => `| ${p.port} | ${p.owner} |`),
		'',
		'## Stop (data stays in the store directories)',
		'',
		...fence(PICK_COMPOSE, ...[...composes].reverse().map(({file}) => `$COMPOSE -f ${shellQuote(file)} down`)),
	];
	return lines.join('\n');
}
