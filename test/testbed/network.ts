// The testbed's network: the bridge rmqtb0 (10.99.0.1/24) in the root namespace, one network namespace per host
// whose eth0 is a veth on it, and the link-level faults. No default route: a host reaches 10.99.0.0/24 only.
// Neighbour entries are static, so a cut host is silent (connects time out) rather than "No route to host".
import {readdirSync} from 'node:fs';
import {runSync, runSyncOk} from '../support/run.ts';
import {BRIDGE, BRIDGE_MAC, GATEWAY, hostMac, NS_PREFIX} from './constants.ts';
import type {TestbedHost} from './types.ts';

// with br_netfilter, bridged traffic crosses the root FORWARD chain: one ACCEPT rule for the bridge
const FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT'];
export const forwardRulePresent = (): boolean => runSync('iptables', ['-w', '-C', ...FORWARD_RULE]).code === 0;

/** The bridge with the gateway address, and the FORWARD exception. */
export function bridgeUp(): void {
	runSync('ip', ['link', 'del', BRIDGE]);
	runSyncOk('ip', ['link', 'add', BRIDGE, 'address', BRIDGE_MAC, 'type', 'bridge']);
	runSyncOk('ip', ['addr', 'add', `${GATEWAY}/24`, 'dev', BRIDGE]);
	runSyncOk('ip', ['link', 'set', BRIDGE, 'up']);
	if (!forwardRulePresent()) runSyncOk('iptables', ['-w', '-I', ...FORWARD_RULE]);
}

/** Removes every FORWARD rule of ours. */
export function forwardRuleDown(): void {
	while (runSync('iptables', ['-w', '-D', ...FORWARD_RULE]).code === 0) {}
}

/** Our network namespaces (in /run/netns). */
export function listNetns(): string[] {
	try {
		return readdirSync('/run/netns').filter(n => n.startsWith(NS_PREFIX));
	} catch {
		return [];
	}
}

/** Our links in the root namespace: the bridge and the hosts' veths. */
export function listLinks(): string[] {
	try {
		return readdirSync('/sys/class/net').filter(n => n === BRIDGE || n.startsWith(NS_PREFIX));
	} catch {
		return [];
	}
}

/** Pids of the processes inside a network namespace. */
export const netnsPids = (ns: string): number[] =>
	runSync('ip', ['netns', 'pids', ns])
		.out.split('\n')
		.filter(l => /^\d+$/.test(l.trim()))
		.map(Number);

/** The host's netns and eth0 (10.99.0.(10+N)/24 on the bridge), with static neighbours for the gateway and all hosts. */
export function netUp(h: TestbedHost, all: readonly TestbedHost[]): void {
	const ns = h.netns;
	runSync('ip', ['link', 'del', ns]);
	runSyncOk('ip', ['netns', 'add', ns]);
	runSyncOk('ip', ['link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'address', hostMac(h.index), 'netns', ns]);
	runSyncOk('ip', ['link', 'set', ns, 'master', BRIDGE, 'up']);
	runSyncOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
	runSyncOk('ip', ['-n', ns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0']);
	runSyncOk('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
	// static neighbours: a cut host is silent (timeouts), as behind a router, not "No route to host" after ARP fails
	runSyncOk('ip', ['-n', ns, 'neigh', 'replace', GATEWAY, 'lladdr', BRIDGE_MAC, 'dev', 'eth0', 'nud', 'permanent']);
	for (const o of all) {
		if (o === h) continue;
		runSyncOk('ip', ['-n', ns, 'neigh', 'replace', o.ip, 'lladdr', hostMac(o.index), 'dev', 'eth0', 'nud', 'permanent']);
	}
	runSyncOk('ip', ['neigh', 'replace', h.ip, 'lladdr', hostMac(h.index), 'dev', BRIDGE, 'nud', 'permanent']);
}

/** The host's netns, veth and neighbour entry gone. */
export function netDown(h: TestbedHost): void {
	runSync('ip', ['netns', 'del', h.netns]);
	runSync('ip', ['link', 'del', h.netns]);
	runSync('ip', ['neigh', 'del', h.ip, 'dev', BRIDGE]);
}

/** The host's link down (packets vanish) or up again. */
export const setLink = (h: TestbedHost, up: boolean): void => void runSyncOk('ip', ['link', 'set', h.netns, up ? 'up' : 'down']);

const dropRules = [['PREROUTING', '-s'], ['OUTPUT', '-d']] as const;
const inNetns = (h: TestbedHost, rule: readonly string[]): [string, string[]] => ['nsenter', [`--net=/run/netns/${h.netns}`, 'iptables', '-w', '-t', 'raw', ...rule]];

/** iptables raw DROP in a's netns of everything from/to b (call both ways for a full split). */
export function dropBetween(a: TestbedHost, b: TestbedHost): void {
	for (const [chain, dir] of dropRules) {
		const rule = [chain, dir, b.ip, '-j', 'DROP'];
		if (runSync(...inNetns(a, ['-C', ...rule])).code !== 0) runSyncOk(...inNetns(a, ['-I', ...rule]));
	}
}

export function undropBetween(a: TestbedHost, b: TestbedHost): void {
	for (const [chain, dir] of dropRules) {
		while (runSync(...inNetns(a, ['-D', chain, dir, b.ip, '-j', 'DROP'])).code === 0) {}
	}
}
