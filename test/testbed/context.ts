// What the parts of a Testbed object share: its state, finding a host by name/index/IP, and saving the state.
import {writeState, type State} from './state.ts';
import type {HostRef, TestbedHost} from './types.ts';

export interface BedContext {
	readonly state: State;
	host(ref: HostRef): TestbedHost;
	isDown(h: TestbedHost): boolean;
	/** Throws when the host is stopped (hostStop). */
	assertUp(h: TestbedHost, what: string): void;
	/** Writes the state (not after stop()). */
	save(): void;
	/** No more saves (stop() removes the state file). */
	stopped: boolean;
}

export function bedContext(state: State): BedContext {
	const byName = new Map(state.hosts.map(h => [h.name, h]));
	const find = (ref: HostRef): TestbedHost | undefined => {
		if (typeof ref === 'object') return byName.get(ref.name);
		if (typeof ref === 'number') return state.hosts[ref - 1];
		return byName.get(ref) ?? state.hosts.find(x => x.ip === ref) ?? (/^\d+$/.test(ref) ? state.hosts[Number(ref) - 1] : undefined);
	};
	const ctx: BedContext = {
		state,
		stopped: false,
		host(ref) {
			const h = find(ref);
			if (h) return h;
			throw new Error(`no testbed host ${typeof ref === 'object' ? ref.name : String(ref)} (hosts: ${state.hosts.map(x => x.name).join(', ')})`);
		},
		isDown: h => state.down.includes(h.name),
		assertUp(h, what) {
			if (ctx.isDown(h)) throw new Error(`${what}: host ${h.name} is stopped (hostStart it first)`);
		},
		save() {
			if (!ctx.stopped) writeState(state);
		},
	};
	return ctx;
}
