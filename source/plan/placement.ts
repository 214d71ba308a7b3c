/**
 * Replica placement (pure): which host holds which dLegerSelfId of which group.
 *
 * Fresh groups are spread evenly: each takes the R least-loaded hosts, ties broken by walking on from
 * where the previous group stopped, so the seed's 3 hosts get `n<i>` of every group on host i.
 * Pinned replicas never move: reordering or adding hosts keeps them; anything that would move or drop
 * one is refused with an explanation.
 */
import type {HostSpec, Placement} from '../inventory/schema.ts';
import type {PlanError} from './types.ts';

export interface PlacementInput {
	hosts: readonly HostSpec[];
	groups: readonly string[];
	replicas: number;
	pinned: Placement;
	storeDirOf: (group: string, selfId: string) => string;
}

export type PlacementResult = {ok: true; placement: Placement} | {ok: false; errors: PlanError[]};

export const selfIdOf = (replicaIndex: number): string => `n${replicaIndex}`;

function checkPins(input: PlacementInput): PlanError[] {
	const errors: PlanError[] = [];
	const hostNames = new Set(input.hosts.map(h => h.name));
	const expectedIds = Array.from({length: input.replicas}, (_, i) => selfIdOf(i));
	const storeOwners = new Map<string, string>();
	for (const [group, replicas] of Object.entries(input.pinned)) {
		const where = `placement.${group}`;
		const ids = Object.keys(replicas);
		if (!input.groups.includes(group)) {
			const configured = input.groups.length === 0 ? 'none' : `${input.groups[0]}…${input.groups[input.groups.length - 1]}`;
			errors.push({
				path: where,
				message: `group ${group} is placed (its replicas hold data) but is not one of the ${input.groups.length} group(s) now configured (${configured}): this would drop it`,
				fix: 'raise groups (or restore groupPrefix) so that it is one of them; removing a group is a separate, explicit operation',
			});
			continue;
		}
		const missing = expectedIds.filter(id => !ids.includes(id));
		const extra = ids.filter(id => !expectedIds.includes(id));
		if (extra.length > 0) {
			errors.push({
				path: where,
				message: `replicas ${extra.join(', ')} of ${group} are placed but replicas is ${input.replicas}: this would drop them (DLedger 4.7.1 cannot change a group's members)`,
				fix: `set replicas back to ${ids.length}`,
			});
		}
		if (missing.length > 0 && extra.length === 0) {
			errors.push({
				path: where,
				message: ids.length === 0
					? `group ${group} has an empty placement`
					: `${group} has replicas ${ids.join(', ')} placed but not ${missing.join(', ')}: DLedger 4.7.1 cannot add members to a running group`,
				fix: ids.length === 0 ? `remove placement.${group}` : `set replicas back to ${ids.length}, or restore the missing pins`,
			});
		}
		const usedHosts = new Map<string, string>();
		for (const [selfId, pin] of Object.entries(replicas)) {
			if (!hostNames.has(pin.host)) {
				errors.push({
					path: `${where}.${selfId}`,
					message: `replica ${group}/${selfId} lives on host "${pin.host}", which is no longer in hosts: this would drop it and its store ${pin.storeDir}`,
					fix: `put host "${pin.host}" back in hosts (moving a replica is a separate, explicit operation)`,
				});
			}
			const other = usedHosts.get(pin.host);
			if (other !== undefined) {
				errors.push({
					path: `${where}.${selfId}`,
					message: `replicas ${other} and ${selfId} of ${group} are both on host "${pin.host}": one host failure would take two votes`,
					fix: 'fix the hand-edited placement so every replica of a group is on its own host',
				});
			}
			usedHosts.set(pin.host, selfId);
			const store = `${pin.host}\0${pin.storeDir}`;
			const owner = storeOwners.get(store);
			if (owner !== undefined) {
				errors.push({
					path: `${where}.${selfId}`,
					message: `replicas ${owner} and ${group}/${selfId} share the store ${pin.storeDir} on host "${pin.host}": their data would be mixed`,
					fix: 'fix the hand-edited placement so every replica has its own storeDir',
				});
			}
			storeOwners.set(store, `${group}/${selfId}`);
		}
	}
	return errors;
}

export function place(input: PlacementInput): PlacementResult {
	const {hosts, groups, replicas} = input;
	const errors: PlanError[] = [];
	if (replicas > hosts.length) {
		errors.push({
			path: 'replicas',
			message: `${replicas} replicas per group need ${replicas} distinct hosts, but only ${hosts.length} ${hosts.length === 1 ? 'is' : 'are'} listed`,
			fix: `add ${replicas - hosts.length} more host(s), or lower replicas (odd, at least 3 to survive a failure)`,
		});
	}
	// Pins are checked even then: a removed host that holds replicas must be named, not only counted.
	errors.push(...checkPins(input));
	if (errors.length > 0) return {ok: false, errors};

	const load = new Map(hosts.map(h => [h.name, 0]));
	const placement: Placement = {};
	for (const group of groups) {
		const pins = input.pinned[group];
		if (pins) {
			placement[group] = {...pins};
			for (const pin of Object.values(pins)) load.set(pin.host, (load.get(pin.host) ?? 0) + 1);
		}
	}
	let cursor = 0;
	for (const group of groups) {
		if (placement[group]) continue;
		const order = hosts
			.map((h, index) => ({h, index, distance: (index - cursor + hosts.length) % hosts.length}))
			.sort((a, b) => load.get(a.h.name)! - load.get(b.h.name)! || a.distance - b.distance)
			.slice(0, replicas);
		placement[group] = {};
		order.forEach(({h}, replicaIndex) => {
			const selfId = selfIdOf(replicaIndex);
			placement[group]![selfId] = {host: h.name, storeDir: input.storeDirOf(group, selfId)};
			load.set(h.name, load.get(h.name)! + 1);
		});
		cursor = (order[order.length - 1]!.index + 1) % hosts.length;
	}
	return {ok: true, placement};
}
