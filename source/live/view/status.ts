/** The status bar (pure): the cluster's overall state in one line; the less important parts go first when narrow. */
import {worstVerdict} from '../../probe/snapshot.ts';
import type {PaneState} from '../model.ts';
import {VERDICT_TONE} from './groups.ts';
import {clockText, fitRow, seg, width, type Row, type Segment} from './text.ts';

interface Part {
	seg: Segment;
	/** Lower is dropped first; undefined: always kept. */
	priority?: number;
}

export function statusRow(s: PaneState, columns: number): Row {
	const snap = s.snapshot;
	const parts: Part[] = [{seg: seg('rmq-tui', 'accent', {bold: true})}, {seg: seg(` · ${s.config.clusterName}`, undefined, {bold: true})}, {seg: seg(` (${s.config.source})`, 'dim'), priority: 2}];
	const add = (segment: Segment, priority?: number) => parts.push({seg: {...segment, text: ` · ${segment.text}`}, ...(priority !== undefined ? {priority} : {})});
	if (!snap) add(seg('waiting for the first probe…', 'warn'));
	else if (snap.groups.length === 0) add(seg(snap.namesrvs.some(n => n.reachable) ? 'NO DLEDGER GROUP' : 'UNREACHABLE', 'bad', {bold: true}));
	else {
		const worst = worstVerdict(snap);
		add(seg(worst.toUpperCase(), VERDICT_TONE[worst], {bold: true}));
	}
	if (s.session.open.length > 0) add(seg(`${s.session.open.length} drill${s.session.open.length > 1 ? 's' : ''} under way`, 'warn', {bold: true}));
	if (s.config.policy.readOnly) add(seg('READ-ONLY', 'warn', {bold: true}));
	const hosts = Object.values(s.hosts);
	if (hosts.length > 0) {
		const up = hosts.filter(h => h.status === 'connected').length;
		add(seg(`hosts ${up}/${hosts.length}`, up === hosts.length ? undefined : 'bad'), up === hosts.length ? 4 : undefined);
	}
	if (snap) {
		const ns = snap.namesrvs.filter(n => n.reachable).length;
		add(seg(`ns ${ns}/${snap.namesrvs.length}`, ns === snap.namesrvs.length ? undefined : 'bad'), ns === snap.namesrvs.length ? 3 : undefined);
	}
	if (s.probeError) add(seg(`probe: ${s.probeError}`, 'bad'));
	add(seg(`${s.config.intervalMs} ms`, 'dim'), 0);
	add(seg(clockText(s.now), 'dim'), 5);
	let kept = parts;
	const total = (ps: Part[]) => ps.reduce((n, p) => n + width(p.seg.text), 0);
	while (total(kept) > columns) {
		const droppable = kept.filter(p => p.priority !== undefined);
		if (droppable.length === 0) break;
		const lowest = droppable.reduce((a, b) => (b.priority! < a.priority! ? b : a));
		kept = kept.filter(p => p !== lowest);
	}
	return fitRow(kept.map(p => p.seg), columns);
}
