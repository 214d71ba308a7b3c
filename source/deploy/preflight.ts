/**
 * Preflight (pure): what a host reported about itself, judged against the plan, as a checklist in which every
 * failure says how to fix it. Gathering the facts is the host adapter's job; nothing here talks to a host.
 */
import {heapMegabytes} from '../plan/jvm.ts';
import type {HostPlan, Plan} from '../plan/types.ts';
import {LABEL} from '../render/render.ts';
import {supplyText, type ImageSupply} from './image-supply.ts';
import type {ObservedContainer} from './observed.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
	id: string;
	title: string;
	status: CheckStatus;
	detail: string;
	/** How to fix it; present when status is not ok. */
	fix?: string;
}

export type Compose = {kind: 'v2' | 'v1'; version: string} | {kind: 'none'};

export interface PeerReach {
	/** Host name of the peer. */
	to: string;
	ip: string;
	port: number;
	owner: string;
	/** Undefined: reachable. */
	error?: string;
}

export interface HostFacts {
	user: {name: string; uid: number; sudo: 'root' | 'nopasswd' | 'password-required' | 'none'};
	docker: {ok: true; version: string; apiVersion: string; rootless: boolean; userns: boolean; viaSudo: boolean} | {ok: false; error: string};
	compose: Compose;
	/** Ports of the plan found listening on the host, with who holds them when known. */
	portsInUse: Array<{port: number; holder?: string}>;
	/** Free bytes on the filesystem that holds the base dir (or its nearest existing parent). */
	diskFreeBytes: number;
	memTotalBytes: number;
	memAvailableBytes: number;
	/** The asked images the host has: reference → ID. */
	imageIds: Record<string, string>;
	/** Milliseconds the host's clock is ahead (+) or behind (−) this machine's. */
	clockOffsetMs: number;
	/** Every IPv4 address bound on the host. */
	addresses: string[];
	selinux: 'enforcing' | 'permissive' | 'disabled';
	/** Containers on the host, whoever made them. */
	containers: ObservedContainer[];
	/** Dirs of the plan's layout that exist already, with their owner uid and whether they have content. */
	existingDirs: Array<{path: string; uid: number; empty: boolean}>;
	/** Checked from this host to every other host's planned ports. */
	peers: PeerReach[];
}

export interface PreflightContext {
	plan: Plan;
	host: HostPlan;
	/** How each image of this host gets there (image-supply.ts), with the registry's answer for those to pull. */
	images: readonly ImageSupply[];
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** Stores fill up: below this the broker refuses writes soon after start (diskMaxUsedSpaceRatio). */
const MIN_FREE_DISK = 10 * GIB;
const CLOCK_WARN_MS = 500;
/** Beyond this, cross-host drill timings are meaningless; still only a warning: deploying does not depend on it. */
const CLOCK_BAD_MS = 5000;
/** A JVM needs more than its heap: metaspace, thread stacks, direct buffers. */
const JVM_OVERHEAD = 1.25;

const ok = (id: string, title: string, detail: string): Check => ({id, title, status: 'ok', detail});
const bad = (status: 'warn' | 'fail', id: string, title: string, detail: string, fix: string): Check => ({id, title, status, detail, fix});
const human = (bytes: number): string => (bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.round(bytes / MIB)} MiB`);

export function plannedMemoryBytes(plan: Plan, host: HostPlan): number {
	const heaps = host.brokers.length * heapMegabytes(plan.options.heap.broker) + (host.namesrv ? heapMegabytes(plan.options.heap.namesrv) : 0);
	return heaps * MIB * JVM_OVERHEAD;
}

function dockerCheck(facts: HostFacts): Check {
	if (!facts.docker.ok) {
		return bad('fail', 'docker', 'Docker reachable', facts.docker.error, 'install Docker Engine and start it (`systemctl start docker`), or give this SSH user access to /var/run/docker.sock (`usermod -aG docker USER`) or passwordless sudo');
	}
	const d = facts.docker;
	return ok('docker', 'Docker reachable', `Docker ${d.version}, API ${d.apiVersion}${d.viaSudo ? ' (through sudo -n docker)' : ''}`);
}

function composeCheck(facts: HostFacts): Check {
	if (facts.compose.kind === 'none') {
		return bad('warn', 'compose', 'Compose', 'neither `docker compose` nor `docker-compose` is installed', 'nothing to do: rmq-tui starts the containers through the Docker API; install Compose only to manage them by hand with the uploaded files');
	}
	return ok('compose', 'Compose', `${facts.compose.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${facts.compose.version}`);
}

/** Ports held by this cluster's own containers are not in the way (a redeploy). */
function portsCheck(ctx: PreflightContext, facts: HostFacts): Check {
	const ours = new Set(facts.containers.filter(c => c.labels[LABEL.cluster] === ctx.plan.options.name).flatMap(c => c.ports.map(p => p.hostPort)));
	const planned = new Map(ctx.host.ports.map(p => [p.port, p.owner]));
	const clashes = facts.portsInUse.filter(p => planned.has(p.port) && !ours.has(p.port));
	if (clashes.length === 0) return ok('ports', 'Ports free', `${planned.size} ports: ${[...planned.keys()].join(', ')}`);
	const list = clashes.map(c => `${c.port} (${planned.get(c.port)}) held by ${c.holder ?? 'another process'}`).join('; ');
	return bad('fail', 'ports', 'Ports free', list, 'stop what holds them, or move the cluster\'s ports in cluster.yaml (ports.namesrv / ports.listen / ports.dledger)');
}

function diskCheck(ctx: PreflightContext, facts: HostFacts): Check {
	const detail = `${human(facts.diskFreeBytes)} free under ${ctx.plan.options.baseDir}`;
	if (ctx.host.brokers.length === 0 || facts.diskFreeBytes >= MIN_FREE_DISK) return ok('disk', 'Free disk', detail);
	return bad(facts.diskFreeBytes < GIB ? 'fail' : 'warn', 'disk', 'Free disk', `${detail}; brokers want at least ${human(MIN_FREE_DISK)} for their commit logs`, `free space or set baseDir in cluster.yaml to a larger filesystem`);
}

function memoryCheck(ctx: PreflightContext, facts: HostFacts): Check {
	const need = plannedMemoryBytes(ctx.plan, ctx.host);
	const detail = `needs ~${human(need)} (heaps ${ctx.host.brokers.length}×${ctx.plan.options.heap.broker}${ctx.host.namesrv ? ` + ${ctx.plan.options.heap.namesrv}` : ''} + JVM overhead); ${human(facts.memTotalBytes)} total, ${human(facts.memAvailableBytes)} available`;
	const fix = 'lower heap.broker / heap.namesrv in cluster.yaml (e.g. 512m for a test cluster) or use a larger host';
	if (need > facts.memTotalBytes) return bad('fail', 'memory', 'Memory for the heaps', detail, fix);
	if (need > facts.memAvailableBytes) return bad('warn', 'memory', 'Memory for the heaps', detail, fix);
	return ok('memory', 'Memory for the heaps', detail);
}

function imageCheck(ctx: PreflightContext): Check {
	const detail = ctx.images.map(supplyText).join('; ') || 'no containers here';
	const unpullable = ctx.images.filter(s => s.how === 'pull' && s.registry?.ok === false).map(s => s.image);
	if (unpullable.length === 0) return ok('image', 'Images', detail);
	const list = unpullable.join(' ');
	return bad(
		'fail',
		'image',
		'Images',
		detail,
		`pass --image-archive FILE (\`docker save ${list} -o FILE\` where they exist)${unpullable.includes(ctx.plan.options.image) ? ', or --build-image DIR (a checkout of apache/rocketmq-docker) to build the RocketMQ image on one host as the guide does' : ''}, or give the host a registry (a mirror in /etc/docker/daemon.json "registry-mirrors")`,
	);
}

function clockCheck(facts: HostFacts): Check {
	const off = Math.abs(facts.clockOffsetMs);
	const detail = `${facts.clockOffsetMs >= 0 ? '+' : '−'}${off} ms vs this machine`;
	const fix = 'run NTP on every host (chrony or systemd-timesyncd): drill timings and log times are compared across hosts';
	if (off > CLOCK_BAD_MS) return bad('warn', 'clock', 'Clock offset', `${detail}: drill timings across hosts will be off`, fix);
	if (off > CLOCK_WARN_MS) return bad('warn', 'clock', 'Clock offset', detail, fix);
	return ok('clock', 'Clock offset', detail);
}

function ipCheck(ctx: PreflightContext, facts: HostFacts): Check {
	const ip = ctx.host.spec.ip;
	if (facts.addresses.includes(ip)) return ok('ip', 'Advertised IP bound', `${ip} is an address of this host`);
	return bad('fail', 'ip', 'Advertised IP bound', `${ip} is not bound here (host has ${facts.addresses.join(', ') || 'no IPv4'}); brokers would advertise an address nobody can dial`, `set hosts[].ip of ${ctx.host.spec.name} in cluster.yaml to one of ${facts.addresses.join(', ')}`);
}

function peersCheck(facts: HostFacts): Check {
	const failed = facts.peers.filter(p => p.error !== undefined);
	if (facts.peers.length === 0) return ok('peers', 'Peers reachable', 'no other hosts');
	if (failed.length === 0) return ok('peers', 'Peers reachable', `${facts.peers.length} host-to-host ports answer`);
	const list = failed.map(p => `${p.to} ${p.ip}:${p.port} (${p.owner}): ${p.error}`).join('; ');
	return bad('fail', 'peers', 'Peers reachable', list, 'open these ports between the hosts (firewalld/ufw/security groups); see the ports per host in the export\'s SUMMARY.md');
}

function securityCheck(facts: HostFacts): Check[] {
	const checks: Check[] = [];
	if (facts.selinux === 'enforcing') {
		checks.push(bad('warn', 'selinux', 'SELinux', 'enforcing: bind mounts need relabelling', 'rmq-tui adds :z to the mounts on this host; nothing to do unless the dirs are shared with other services'));
	} else checks.push(ok('selinux', 'SELinux', facts.selinux));
	if (facts.docker.ok && (facts.docker.userns || facts.docker.rootless)) {
		const mode = facts.docker.rootless ? 'rootless Docker' : 'userns-remap';
		checks.push(bad('fail', 'uid', 'Container uid 3000', `${mode}: uid 3000 in the containers is another uid on the host, so dirs owned by 3000 are not writable`, `run the daemon without ${mode}, or chown the data dirs to the remapped uid (see /etc/subuid) by hand and deploy with --skip-preflight`));
	}
	return checks;
}

function sudoCheck(facts: HostFacts): Check {
	const u = facts.user;
	if (u.sudo === 'root' || u.sudo === 'nopasswd') return ok('sudo', 'Privileges', u.sudo === 'root' ? `${u.name} is root` : `${u.name} has passwordless sudo`);
	return bad('fail', 'sudo', 'Privileges', `${u.name} cannot run \`sudo -n\`${u.sudo === 'password-required' ? ' (a password is required)' : ''}: dirs owned by uid 3000 cannot be created`, `connect as root, or allow it: \`${u.name} ALL=(root) NOPASSWD: ALL\` in /etc/sudoers.d/rmq-tui`);
}

/** A deployment made by hand (the guide): same container names or dirs, not labelled by rmq-tui. */
function existingCheck(ctx: PreflightContext, facts: HostFacts): Check {
	const names = new Set([ctx.host.namesrv?.containerName, ...ctx.host.brokers.map(b => b.containerName), ctx.host.console?.containerName].filter(Boolean));
	const foreign = facts.containers.filter(c => names.has(c.name) && c.labels[LABEL.cluster] !== ctx.plan.options.name);
	const usedStores = facts.existingDirs.filter(d => !d.empty && ctx.host.brokers.some(b => b.storeDir === d.path));
	if (foreign.length > 0) {
		return bad('fail', 'existing', 'Existing deployment', `containers ${foreign.map(c => c.name).join(', ')} exist and were not made by rmq-tui for ${ctx.plan.options.name}`, 'if they are this cluster made by hand, stop and remove them (`docker rm -f NAME`; their data dirs stay) and deploy again: rmq-tui recreates them on the same dirs; otherwise rename the cluster or its container names');
	}
	if (usedStores.length > 0) {
		const owner = usedStores.filter(d => d.uid !== 3000);
		const detail = `store dirs with data: ${usedStores.map(d => d.path).join(', ')} (kept and reused by the same replica)`;
		if (owner.length > 0) return bad('warn', 'existing', 'Existing deployment', `${detail}; ${owner.map(d => d.path).join(', ')} not owned by uid 3000`, 'deploy fixes the ownership (chown -R 3000:3000) of dirs the plan owns');
		return ok('existing', 'Existing deployment', detail);
	}
	return ok('existing', 'Existing deployment', 'none');
}

/** The whole checklist for one host, in display order. */
export function preflightChecks(ctx: PreflightContext, facts: HostFacts): Check[] {
	return [
		sudoCheck(facts),
		dockerCheck(facts),
		composeCheck(facts),
		imageCheck(ctx),
		portsCheck(ctx, facts),
		ipCheck(ctx, facts),
		peersCheck(facts),
		diskCheck(ctx, facts),
		memoryCheck(ctx, facts),
		clockCheck(facts),
		...securityCheck(facts),
		existingCheck(ctx, facts),
	];
}

export const blocking = (checks: readonly Check[]): Check[] => checks.filter(c => c.status === 'fail');
