/**
 * One process of the in-process simulated cluster: its life cycle (start after a boot delay, stop, kill, pause,
 * resume) and, when the cluster listens, its real ports.
 */
import {between, ProcessTimers, type Random} from './clock.ts';
import type {ProcessStatus, Range, SimCluster} from './cluster.ts';
import {ProcessServers, type Endpoint} from './server.ts';

export const pick = (random: Random, [lo, hi]: Range): number => between(random, lo, hi);

export abstract class SimProcess {
	status: ProcessStatus = 'stopped';
	readonly timers: ProcessTimers;
	servers: ProcessServers | undefined;

	constructor(
		readonly cluster: SimCluster,
		readonly id: string,
	) {
		this.timers = new ProcessTimers(cluster.clock);
	}

	abstract endpoints(): Endpoint[];
	protected abstract boot(): void;
	protected abstract halt(mode: 'kill' | 'stop'): void;

	get up(): boolean {
		return this.status === 'running' || this.status === 'paused';
	}

	start(): void {
		if (this.status !== 'stopped' && this.status !== 'killed') return;
		this.status = 'booting';
		this.timers.after(this.bootDelay(), () => {
			this.status = 'running';
			this.boot();
			if (this.cluster.listening) void this.openPorts();
		});
	}

	protected bootDelay(): number {
		return pick(this.cluster.random, this.cluster.timings.bootMs);
	}

	async openPorts(): Promise<void> {
		this.servers ??= new ProcessServers(this.endpoints().map(e => ({...e, ...this.cluster.bind(e)})));
		await this.servers.listen();
		if (this.status === 'paused') this.servers.pause();
	}

	kill(): Promise<void> {
		return this.end('kill');
	}

	stop(): Promise<void> {
		return this.end('stop');
	}

	private async end(mode: 'kill' | 'stop'): Promise<void> {
		if (this.status === 'stopped' || this.status === 'killed') return;
		const wasUp = this.up;
		this.status = mode === 'kill' ? 'killed' : 'stopped';
		this.timers.clearAll();
		if (wasUp) this.halt(mode);
		await this.servers?.close(mode === 'kill' ? 'reset' : 'graceful');
	}

	pause(): void {
		if (this.status !== 'running') return;
		this.status = 'paused';
		this.timers.pause();
		this.servers?.pause();
	}

	resume(): void {
		if (this.status !== 'paused') return;
		this.status = 'running';
		this.servers?.resume();
		this.timers.resume();
	}
}
