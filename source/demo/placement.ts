/**
 * Where the demo's simulated hosts listen: loopback addresses on which every port the plan publishes on each host
 * can be bound right now, so a demo never collides with another simulation (`rmq-tui sim`, `monitor --sim`,
 * another demo) or anything else on this machine. On Linux all of 127.0.0.0/8 is loopback: each try is a random
 * block 127.A.B.(11+i). Where only 127.0.0.1 exists (macOS), host i's ports are shifted instead, by a base that
 * grows with each try.
 */
import {FALLBACK_PORT_SHIFT, tryBind, type Placement} from '../cli/commands/sim.ts';
import type {Plan} from '../plan/types.ts';

const TRIES = 8;
const MAX_PORT = 65_535;
/** Extra shift per try on 127.0.0.1. */
const BASE_STEP = 5_000;

/** Host i → 127.A.B.(11+i), A and B random (A ≥ 1: 127.0.0.x is where `rmq-tui sim` listens). */
export function randomLoopbackBlock(hosts: number, random: () => number): Placement[] {
	const a = 1 + Math.floor(random() * 254);
	const b = Math.floor(random() * 256);
	return Array.from({length: hosts}, (_, i) => ({ip: `127.${a}.${b}.${11 + i}`, shift: 0}));
}

/** Host i → 127.0.0.1, its ports shifted by base + i × 1000. */
export function shiftedOnLocalhost(hosts: number, base: number): Placement[] {
	return Array.from({length: hosts}, (_, i) => ({ip: '127.0.0.1', shift: base + i * FALLBACK_PORT_SHIFT}));
}

/** Every port each host publishes, where the placement puts it. */
export function placedPorts(plan: Plan, placement: readonly Placement[]): Array<{ip: string; port: number}> {
	return plan.hosts.flatMap((h, i) => h.ports.map(p => ({ip: placement[i]!.ip, port: p.port + placement[i]!.shift})));
}

async function allFree(plan: Plan, placement: readonly Placement[]): Promise<boolean> {
	const ports = placedPorts(plan, placement);
	if (ports.some(p => p.port > MAX_PORT)) return false;
	return (await Promise.all(ports.map(p => tryBind(p.ip, p.port)))).every(error => error === undefined);
}

export async function freeLoopbackPlacement(plan: Plan, random: () => number = Math.random): Promise<Placement[]> {
	const hosts = plan.hosts.length;
	const aliases = hosts <= 244 && (await tryBind('127.1.0.11', 0)) === undefined;
	for (let t = 0; t < TRIES; t++) {
		const candidate = aliases ? randomLoopbackBlock(hosts, random) : shiftedOnLocalhost(hosts, t * BASE_STEP);
		if (await allFree(plan, candidate)) return candidate;
	}
	throw Object.assign(new Error(`no free loopback ports for ${hosts} simulated hosts after ${TRIES} tries`), {
		fix: 'something holds the ports the simulated hosts need; stop other simulations (rmq-tui sim, monitor --sim) and try again',
	});
}
