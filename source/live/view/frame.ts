/**
 * The whole pane as rows (pure): status bar, Hosts, Groups, the drill strip, the bottom (logs, drills panel or a
 * question) and the footer (flash and key hints), exactly `rows − 1` rows of at most `columns` characters — so
 * the live region never reaches the terminal's height and never wraps. The `?` overlay replaces it all.
 */
import {paneHelpRows, paneHintLines, type PaneMode} from '../../ui/keys.ts';
import {containerStates} from '../hosts.ts';
import {paneMode, selectedTail, selectedTarget, type PaneState} from '../model.ts';
import {dialogRows, undoRows} from './dialog.ts';
import {drillsPanel, drillStrip, drillStripWanted} from './drills.ts';
import {groupsCompact, groupsCompactHeight, groupsFull, groupsFullHeight, type GroupsInput} from './groups.ts';
import {hostsCompact, hostsFull, hostsFullHeight, type HostsInput} from './hosts.ts';
import {paneLayout, type Layout} from './layout.ts';
import {logsPanel} from './logs.ts';
import {statusRow} from './status.ts';
import {fitRow, seg, wrapText, type Row} from './text.ts';

/** The drills panel asks for this many rows before the panels above give up detail. */
const DRILLS_PANEL_MIN = 14;

export interface Frame {
	rows: Row[];
	mode: PaneMode;
	layout: Layout;
	/** Lines of log text shown (a page, for PgUp/PgDn). */
	logHeight: number;
}

function footer(s: PaneState, mode: PaneMode, columns: number): Row[] {
	const flash = s.flash;
	const first: Row = flash ? fitRow([seg(flash.text, flash.level === 'error' ? 'bad' : 'ok')], columns) : [seg(' ')];
	return [first, ...paneHintLines(mode, columns, s.config.policy).map(line => fitRow([seg(line, 'dim')], columns))];
}

const padTo = (rows: Row[], n: number): Row[] => [...rows.slice(0, n), ...Array.from({length: Math.max(0, n - rows.length)}, () => [seg(' ')])];

export function helpFrame(s: PaneState, rows: number, columns: number): Row[] {
	const mode = paneMode(s);
	const height = Math.max(1, rows - 1);
	const out: Row[] = [fitRow([seg(`Keys (${mode}) — any key closes`, 'accent', {bold: true})], columns)];
	for (const r of paneHelpRows(mode, s.config.policy)) {
		const lines = wrapText(r.text, Math.max(10, columns - 20));
		lines.forEach((line, i) => out.push(fitRow([seg(i === 0 ? r.keys.padEnd(18).slice(0, 18) : ''.padEnd(18), i === 0 ? 'accent' : undefined), seg(`  ${line}`)], columns)));
	}
	out.push(fitRow([seg('● running  ‖ paused  ■ exited  ◌ created/restarting  ✗ missing  ? unknown  ▲ leader  ≠ name servers disagree', 'dim')], columns));
	if (s.config.policy.noHosts) out.push(fitRow([seg(`Drill keys and logs are off: ${s.config.policy.noHosts}`, 'warn')], columns));
	return padTo(out, height);
}

export function paneFrame(s: PaneState, rows: number, columns: number, realNow: number): Frame {
	const mode = paneMode(s);
	const foot = footer(s, mode, columns);
	const hostsInput: HostsInput = {hosts: s.hosts, targets: s.config.targets, ...(s.selected !== undefined ? {selected: s.selected} : {}), now: s.now, realNow, order: s.config.hosts.map(h => h.name)};
	const groupsInput: GroupsInput = {...(s.snapshot ? {snapshot: s.snapshot} : {}), targets: s.config.targets, containers: containerStates(s.hosts), ...(s.selected !== undefined ? {selected: s.selected} : {}), now: s.now};
	const noHosts = s.config.policy.noHosts;
	const undo = mode === 'pane.undo' ? undoRows(s.undo!.actions, columns, s.config.policy.readOnly ? 'read-only (--read-only)' : undefined) : undefined;
	const dialog = s.dialog ? dialogRows(s.dialog, columns) : undefined;
	const question = dialog ?? undo;
	const layout = paneLayout({
		rows,
		hostsFull: noHosts ? 1 : hostsFullHeight(hostsInput),
		hostsCompact: noHosts ? 1 : Math.max(1, hostsInput.order.length),
		groupsFull: groupsFullHeight(s.snapshot),
		groupsCompact: groupsCompactHeight(s.snapshot),
		drills: drillStripWanted(s.session),
		footer: foot.length,
		bottomMin: question ? question.length : s.panel === 'drills' ? Math.min(DRILLS_PANEL_MIN, drillsPanel(s.session, s.now, 1000, columns).length) : 0,
	});
	const hosts = noHosts
		? [fitRow([seg('Hosts', undefined, {bold: true}), seg(` · ${noHosts}`, 'dim')], columns)]
		: layout.hosts === 'full'
			? hostsFull(hostsInput, columns)
			: hostsCompact(hostsInput, columns);
	const groups = layout.groups === 'full' ? groupsFull(groupsInput, columns) : groupsCompact(groupsInput, columns);
	const strip = drillStrip(s.session, s.now, layout.drillRows, columns);
	let bottom: Row[];
	let logHeight = 0;
	if (question) bottom = question;
	else if (s.panel === 'drills') bottom = drillsPanel(s.session, s.now, layout.bottomRows, columns);
	else {
		const target = selectedTarget(s);
		logHeight = Math.max(0, layout.bottomRows - 1);
		bottom = logsPanel(
			{
				...(target ? {target} : {}),
				...(target ? {tail: selectedTail(s)!.tail} : {}),
				view: s.log,
				filtering: s.filtering,
				...(noHosts ? {unavailable: noHosts} : {}),
			},
			layout.bottomRows,
			columns,
		);
	}
	const body = [
		statusRow(s, columns),
		...padTo(hosts, layout.hostsRows),
		...padTo(groups, layout.groupsRows),
		...padTo(strip, layout.drillRows),
		...padTo(bottom, layout.bottomRows),
	];
	return {rows: [...body, ...foot].slice(0, layout.height), mode, layout, logHeight};
}
