/**
 * What a confirmed drill key does on the host (the pane's side effects beyond watching): record it in the drill
 * journal on the container's host — a take-down (stop, kill, pause, restart) BEFORE it is sent, nothing sent if
 * that fails; a bring-back (start, unpause) after it succeeded — send it, and open the drill when it is sent. Also
 * the undo offer's answers and the report files.
 */
import type {LiveHost} from '../deploy/host.ts';
import {journalLine, type JournalAction, type UndoAction} from '../drill/journal.ts';
import {reportFiles} from '../drill/report.ts';
import {reportableDrills} from '../drill/session.ts';
import {BRINGS_BACK, TAKES_DOWN, type DrillAction, type DrillTarget} from '../drill/target.ts';
import {errorText} from './error-text.ts';
import type {PaneEvent, PaneState} from './model.ts';

export interface ActionContext {
	hosts: ReadonlyMap<string, LiveHost> | undefined;
	/** The journal's path on every host (none without a plan). */
	journal: string | undefined;
	operator: string;
	now: () => number;
	get: () => PaneState;
	apply: (event: PaneEvent) => void;
	/** Draw now (the drill opened). */
	draw: () => void;
	writeText: (path: string, text: string) => Promise<void>;
	/** Whether flashes can still be shown. */
	open: () => boolean;
}

/** `drills` → `drills`, `out/drills.md` → `out/drills`: FILE.md and FILE.json are written. */
export const reportBase = (file: string): string => file.replace(/\.(md|json)$/i, '');

export function defaultReportName(at: number): string {
	const d = new Date(at);
	const p = (n: number) => String(n).padStart(2, '0');
	return `rmq-tui-drills-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function callHost(host: LiveHost, container: string, action: DrillAction): Promise<void> {
	switch (action) {
		case 'stop':
			return host.stopContainer(container);
		case 'kill':
			return host.killContainer(container, 'SIGKILL');
		case 'pause':
			return host.pauseContainer(container);
		case 'unpause':
			return host.unpauseContainer(container);
		case 'start':
			return host.startContainer(container);
		case 'restart':
			return host.restartContainer(container);
	}
}

export class DrillActions {
	constructor(private readonly c: ActionContext) {}

	private flash(level: 'info' | 'error', text: string): void {
		if (this.c.open()) this.c.apply({type: 'flash', level, text, now: this.c.now()});
	}

	private async record(host: LiveHost, target: DrillTarget, action: JournalAction, drill?: string): Promise<void> {
		const journal = this.c.journal;
		if (!journal) return;
		const line = journalLine({at: this.c.now(), action, host: target.host, container: target.containerName, target: target.id, by: this.c.operator, ...(drill ? {drill} : {})});
		try {
			await host.appendFile(journal, line);
		} catch (error) {
			// A cluster rmq-tui did not deploy has no .rmq-tui dir yet: make it, once, and try again.
			try {
				await host.makeDirs([{path: journal.slice(0, journal.lastIndexOf('/'))}]);
			} catch {
				throw error;
			}
			await host.appendFile(journal, line);
		}
	}

	async send(target: DrillTarget, action: DrillAction): Promise<void> {
		const host = this.c.hosts?.get(target.host);
		if (!host) throw new Error(`no access to ${target.host}`);
		const seq = this.c.get().session.seq;
		if (TAKES_DOWN.has(action)) {
			try {
				await this.record(host, target, action, `drill-${seq + 1}`);
			} catch (error) {
				this.flash('error', `✗ not sent: ${action} ${target.id} could not be recorded in the drill journal on ${target.host} (${errorText(error)})`);
				return;
			}
		}
		const before = this.c.get().session.seq;
		this.c.apply({type: 'sent', at: this.c.now(), target, action});
		this.c.draw();
		const after = this.c.get().session.seq;
		const opened = after !== before ? `drill-${after}` : undefined;
		try {
			await callHost(host, target.containerName, action);
		} catch (error) {
			this.c.apply({type: 'send-failed', at: this.c.now(), target, action, error: errorText(error), ...(opened ? {drillId: opened} : {})});
			return;
		}
		if (BRINGS_BACK.has(action)) {
			await this.record(host, target, action).catch(error => this.flash('error', `✗ ${action} ${target.id} done, but not recorded in the journal on ${target.host}: ${errorText(error)}`));
		}
	}

	private targetOf(a: UndoAction): DrillTarget | undefined {
		const targets = this.c.get().config.targets;
		return targets.find(t => t.id === a.target) ?? targets.find(t => t.host === a.host && t.containerName === a.container);
	}

	async undo(actions: readonly UndoAction[]): Promise<void> {
		for (const a of actions) {
			const t = this.targetOf(a);
			if (t) await this.send(t, a.action);
		}
	}

	async keep(actions: readonly UndoAction[]): Promise<void> {
		for (const a of actions) {
			const t = this.targetOf(a);
			const host = this.c.hosts?.get(a.host);
			if (t && host) await this.record(host, t, 'keep');
		}
		this.flash('info', `left ${actions.length} container(s) as they are (recorded; not offered again)`);
	}

	/** FILE.md and FILE.json of every drill with a result so far. */
	async report(file: string): Promise<void> {
		const base = reportBase(file);
		const drills = reportableDrills(this.c.get().session);
		const {md, json} = reportFiles(drills, {generatedAt: this.c.now()});
		try {
			await this.c.writeText(`${base}.md`, md);
			await this.c.writeText(`${base}.json`, json);
			this.flash('info', `wrote ${base}.md and ${base}.json (${drills.length} drill${drills.length === 1 ? '' : 's'})`);
		} catch (error) {
			if (!this.c.open()) throw error;
			this.flash('error', `✗ cannot write the report ${base}.md: ${errorText(error)}`);
		}
	}
}
