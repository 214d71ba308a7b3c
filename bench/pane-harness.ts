/**
 * Shared by the pane benchmarks: the seed cluster deployed onto simulated hosts (timers ×`scale`), the pane's
 * controller over it, and the real Ink renderer (interactive, frames paced as on a terminal) drawing into an in-memory terminal
 * whose writes are timed, with keys typed into an in-memory stdin.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {createElement} from 'react';
import {PaneController, type PaneOptions} from '../source/live/controller.ts';
import {openSimPane, type SimPane} from '../source/live/sim.ts';
import {Pane, PANE_MAX_FPS} from '../source/ui/pane/Pane.tsx';

/** A terminal that keeps what is written, with the time of each write. */
export class Screen extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	writes = 0;
	/** Writes that draw something (Ink also writes bare control sequences: synchronized-output markers, cursor). */
	frames = 0;
	bytes = 0;
	private waiters: Array<{test: (text: string) => boolean; resolve: (at: number) => void}> = [];

	constructor(columns = 120, rows = 40) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write(text: string | Uint8Array): boolean {
		const at = performance.now();
		const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
		this.writes++;
		if (s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '').trim() !== '') this.frames++;
		this.bytes += s.length;
		this.waiters = this.waiters.filter(w => {
			if (!w.test(s)) return true;
			w.resolve(at);
			return false;
		});
		return true;
	}

	/** Resolves with the time of the first write from now on that passes `test`. */
	next(test: (text: string) => boolean): Promise<number> {
		return new Promise(resolve => this.waiters.push({test, resolve}));
	}
}

/** A keyboard: what Ink reads from stdin. */
export class Keys extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;
	write(s: string): void {
		this.data = s;
		this.emit('readable');
		this.emit('data', s);
	}
	read(): string | null {
		const d = this.data;
		this.data = null;
		return d;
	}
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

export interface Bench {
	sim: SimPane;
	controller?: PaneController;
	screen?: Screen;
	keys?: Keys;
	unmount?: () => void;
}

export async function simCluster(scale: number, firstIp = 201): Promise<SimPane> {
	return openSimPane({scale, placement: [0, 1, 2].map(i => ({ip: `127.0.0.${firstIp + i}`, shift: 0}))});
}

/** The pane on `sim`, drawn by Ink into a Screen. */
export function openPane(sim: SimPane, options: PaneOptions = {}, size: {columns?: number; rows?: number} = {}) {
	const controller = new PaneController(sim.sources, {now: sim.now, operator: 'bench', ...options});
	const screen = new Screen(size.columns, size.rows);
	const keys = new Keys();
	const instance = render(createElement(Pane, {controller, rows: screen.rows, columns: screen.columns}), {
		stdout: screen as unknown as NodeJS.WriteStream,
		stdin: keys as unknown as NodeJS.ReadStream,
		interactive: true,
		maxFps: PANE_MAX_FPS,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return {
		controller,
		screen,
		keys,
		async close() {
			instance.unmount();
			await controller.close();
		},
	};
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

export async function until(what: string, ms: number, test: () => boolean): Promise<void> {
	const end = Date.now() + ms;
	while (!test()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

export const arg = (name: string, fallback: number): number => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

export function stats(xs: readonly number[]): {median: number; p95: number; max: number; n: number} {
	const s = [...xs].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
	return {median: at(0.5), p95: at(0.95), max: s.at(-1)!, n: s.length};
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Writes `perSecond` lines a second to a simulated broker's broker_default.log (its process log), in 10 ms batches. */
export function flood(sim: SimPane, id: string, perSecond: number): {stop(): void; written(): number} {
	const log = sim.world.cluster.broker(id).log;
	let n = 0;
	const perTick = Math.max(1, Math.round(perSecond / 100));
	const started = performance.now();
	const timer = setInterval(() => {
		const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
		for (let i = 0; n < due && i < perTick * 4; i++, n++) log.write('broker_default.log', 'INFO', 'FloodThread', `flood line ${n} ${'x'.repeat(80)}`);
	}, 10);
	return {stop: () => clearInterval(timer), written: () => n};
}
