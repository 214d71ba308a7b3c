// Faults on demand: cut/heal (the host's link down: packets vanish), partition/unpartition (iptables raw DROP
// between two hosts), freeze/thaw (cgroup freezer: TCP connects, nothing answers), hostStop/hostStart (power loss:
// SIGKILL everything, namespaces gone; then a "boot" with the disk kept and /run cleared: sshd + dockerd again,
// containers with a restart policy come back), dockerStop/dockerStart (the Docker service only), rotateHostKey.
import {readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {frozenDone, isFrozen, setFrozen} from '../support/cgroups.ts';
import {dockerPing} from '../support/net.ts';
import {deadline, kill, readPid, tick} from '../support/processes.ts';
import type {BedContext} from './context.ts';
import {newHostKey} from './host-fs.ts';
import {bootHost, haltHost, reloadSshd, startDockerd, stopDockerd, waitDockerd, waitHost} from './host-daemons.ts';
import {dropBetween, setLink, undropBetween} from './network.ts';
import {writeKnownHosts} from './state.ts';
import type {Testbed} from './types.ts';

type Faults = Pick<Testbed, 'cut' | 'heal' | 'partition' | 'unpartition' | 'freeze' | 'thaw' | 'hostStop' | 'hostStart' | 'dockerStop' | 'dockerStart' | 'rotateHostKey'>;

export function faults(ctx: BedContext): Faults {
	const {state, host, isDown, assertUp, save} = ctx;
	return {
		async cut(ref) {
			const h = host(ref);
			assertUp(h, 'cut');
			setLink(h, false);
			if (!state.cut.includes(h.name)) state.cut.push(h.name);
			save();
		},
		async heal(ref) {
			const h = host(ref);
			assertUp(h, 'heal');
			setLink(h, true);
			state.cut = state.cut.filter(x => x !== h.name);
			save();
		},
		async partition(a, b) {
			const ha = host(a);
			const hb = host(b);
			assertUp(ha, 'partition');
			dropBetween(ha, hb);
		},
		async unpartition(a, b) {
			const ha = host(a);
			const hb = host(b);
			if (!isDown(ha)) undropBetween(ha, hb);
		},
		async freeze(ref) {
			const h = host(ref);
			assertUp(h, 'freeze');
			setFrozen(h.cgroup, true);
			const over = deadline(10_000);
			while (!frozenDone(h.cgroup)) {
				if (over()) throw new Error(`${h.name}: the freezer did not reach FROZEN`);
				await tick(20);
			}
		},
		async thaw(ref) {
			const h = host(ref);
			if (!isDown(h)) setFrozen(h.cgroup, false);
		},
		async hostStop(ref, opts = {}) {
			const h = host(ref);
			if (isDown(h)) return;
			if (isFrozen(h.cgroup)) setFrozen(h.cgroup, false);
			if (opts.graceful) {
				await stopDockerd(h);
				const sshd = readPid(join(h.fsRoot, 'run/sshd.pid'));
				if (sshd !== undefined) kill(sshd, 'SIGTERM');
			}
			await haltHost(h);
			state.down.push(h.name);
			state.cut = state.cut.filter(x => x !== h.name);
			save();
		},
		async hostStart(ref) {
			const h = host(ref);
			if (!isDown(h)) return;
			// a boot: /run is a fresh tmpfs on a real machine
			const run = join(h.fsRoot, 'run');
			for (const e of readdirSync(run)) rmSync(join(run, e), {recursive: true, force: true});
			await bootHost(h, state.hosts);
			state.down = state.down.filter(x => x !== h.name);
			save();
			await waitHost(h, 90_000);
		},
		async dockerStop(ref) {
			const h = host(ref);
			assertUp(h, 'dockerStop');
			await stopDockerd(h);
		},
		async dockerStart(ref) {
			const h = host(ref);
			assertUp(h, 'dockerStart');
			if (await dockerPing(h.dockerSocket)) return;
			startDockerd(h);
			await waitDockerd(h);
		},
		async rotateHostKey(ref) {
			const h = host(ref);
			assertUp(h, 'rotateHostKey');
			await newHostKey(h);
			writeKnownHosts(state);
			save();
			await reloadSshd(h);
			return `${h.ip} ${h.hostKey}`;
		},
	};
}
