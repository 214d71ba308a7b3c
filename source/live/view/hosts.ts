/** The Hosts panel as rows (pure): full (a header per host, a row per container) or compact (one row per host). */
import type {DrillTarget} from '../../drill/target.ts';
import type {ContainerView, HostView} from '../hosts.ts';
import {shortLabel} from '../nodes.ts';
import {cellsRow, clockText, fitRow, seg, uptime, type Row, type Tone} from './text.ts';

export interface HostsInput {
	hosts: Readonly<Record<string, HostView>>;
	targets: readonly DrillTarget[];
	selected?: string;
	now: number;
	/** Real time, for retry countdowns (the reference clock may run faster in the simulator). */
	realNow: number;
	/** Hosts in display order. */
	order: readonly string[];
}

const GLYPH: Record<ContainerView['state'], [string, Tone]> = {
	running: ['●', 'ok'],
	paused: ['‖', 'warn'],
	exited: ['■', 'bad'],
	dead: ['■', 'bad'],
	created: ['◌', 'warn'],
	restarting: ['◌', 'warn'],
	removing: ['◌', 'warn'],
	missing: ['✗', 'bad'],
};

export function stateGlyph(c: ContainerView | undefined, reachable: boolean): [string, Tone] {
	if (!reachable || !c) return ['?', 'dim'];
	return GLYPH[c.state];
}

function stateText(c: ContainerView, now: number): string {
	if (c.state === 'running') return c.startedAt !== undefined ? `up ${uptime(now - c.startedAt)}` : 'up';
	if (c.state === 'exited' || c.state === 'dead') {
		const code = c.exitCode !== undefined ? ` (${c.exitCode})` : '';
		return c.changedAt !== undefined ? `${uptime(now - c.changedAt)} ago${code}` : code.trim();
	}
	if (c.state === 'paused') return c.changedAt !== undefined ? `for ${uptime(now - c.changedAt)}` : '';
	if (c.state === 'missing') return 'not on the host';
	return '';
}

export function hostHeader(h: HostView, input: HostsInput, columns: number): Row {
	if (h.status === 'connected') return fitRow([seg(h.name, undefined, {bold: true}), seg('  ✓ connected', 'ok'), seg(`  ${h.address}`, 'dim')], columns);
	if (h.status === 'connecting') {
		const again = h.retries > 0 ? ` (attempt ${h.retries + 1})` : '';
		return fitRow([seg(h.name, undefined, {bold: true}), seg(`  … connecting${again}`, 'warn'), seg(`  ${h.address}`, 'dim')], columns);
	}
	const seen = h.lastSeen !== undefined ? ` · last seen ${clockText(h.lastSeen)}` : ' · never reached';
	const retry = h.retryAt !== undefined ? ` · retry in ${Math.max(0, Math.ceil((h.retryAt - input.realNow) / 1000))} s` : '';
	return fitRow([seg(h.name, undefined, {bold: true}), seg(`  ✗ unreachable: ${h.error ?? 'unknown error'}`, 'bad'), seg(`${seen}${retry}`, 'dim')], columns);
}

function containerRow(t: DrillTarget, h: HostView, input: HostsInput, columns: number): Row {
	const c = h.containers[t.containerName];
	const reachable = h.status === 'connected';
	const [glyph, tone] = stateGlyph(c, reachable);
	const selected = t.id === input.selected;
	const prefix = [seg(selected ? '  ▸ ' : '    ', 'accent', {bold: selected})];
	const label = t.kind === 'namesrv' ? 'name server' : t.kind === 'console' ? 'console' : t.id;
	const state = !reachable || !c ? 'unknown' : c.state;
	return cellsRow(
		[
			{text: `${glyph} ${label}`, tone, bold: selected, width: 15},
			{text: t.containerName, width: 24, priority: 1},
			{text: state, tone: reachable ? tone : 'dim', width: 8},
			{text: reachable && c ? stateText(c, input.now) : '', width: 16, priority: 3},
			{text: reachable && c && c.state !== 'missing' ? `restarts ${c.restarts}` : '', width: 11, priority: 2},
			{text: reachable && c?.health ? c.health : '', width: 9, priority: 0},
		],
		columns,
		prefix,
	);
}

export function hostsFull(input: HostsInput, columns: number): Row[] {
	const rows: Row[] = [];
	for (const name of input.order) {
		const h = input.hosts[name];
		if (!h) continue;
		rows.push(hostHeader(h, input, columns));
		for (const t of input.targets.filter(x => x.host === name)) rows.push(containerRow(t, h, input, columns));
	}
	return rows;
}

export function hostsCompact(input: HostsInput, columns: number): Row[] {
	return input.order.flatMap(name => {
		const h = input.hosts[name];
		if (!h) return [];
		const reachable = h.status === 'connected';
		const row: Row = [seg(name, undefined, {bold: true}), seg(reachable ? ' ✓' : h.status === 'connecting' ? ' …' : ' ✗', reachable ? 'ok' : h.status === 'connecting' ? 'warn' : 'bad')];
		for (const t of input.targets.filter(x => x.host === name)) {
			const [glyph, tone] = stateGlyph(h.containers[t.containerName], reachable);
			row.push(seg('  '), seg(`${shortLabel(t)}${glyph}`, tone, t.id === input.selected ? {inverse: true, bold: true} : {}));
		}
		if (!reachable && h.error) row.push(seg(`  ${h.error}`, 'bad'));
		return [fitRow(row, columns)];
	});
}

export const hostsFullHeight = (input: HostsInput): number => input.order.length + input.targets.length;
