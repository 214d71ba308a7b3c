/**
 * How the pane divides the terminal (pure). The frame is rows − 1 lines high (the live region must stay below the
 * terminal's height, or Ink redraws the whole screen and it flickers). Fixed: the status bar and the footer. The
 * rest goes to the Hosts panel (full: a row per container; compact: a row per host), the Groups panel (full: a row
 * per replica; compact: a row per group), a strip of drill lines and, at the bottom, the logs (or the drills
 * panel, or a question) — the detail is given up panel by panel until the bottom keeps a useful height.
 */

export interface LayoutNeeds {
	rows: number;
	/** Rows each variant wants; hostsCompact is also what is shown without host access (one notice row). */
	hostsFull: number;
	hostsCompact: number;
	groupsFull: number;
	groupsCompact: number;
	/** Drill strip rows wanted. */
	drills: number;
	footer: number;
	/** Rows the bottom must have (a question on screen), at least MIN_BOTTOM. */
	bottomMin: number;
}

export interface Layout {
	/** The whole frame. */
	height: number;
	hosts: 'full' | 'compact';
	groups: 'full' | 'compact';
	hostsRows: number;
	groupsRows: number;
	drillRows: number;
	bottomRows: number;
}

/** Logs: a header and four lines at the very least. */
export const MIN_BOTTOM = 5;
/** Full host rows only when the logs still get this many. */
export const ROOMY_BOTTOM = 10;
export const MAX_DRILL_ROWS = 3;

export function paneLayout(n: LayoutNeeds): Layout {
	const height = Math.max(1, n.rows - 1);
	const available = Math.max(0, height - 1 - n.footer);
	const drills = Math.min(n.drills, MAX_DRILL_ROWS);
	const bottomMin = Math.max(MIN_BOTTOM, n.bottomMin);
	const options: Array<[Layout['hosts'], Layout['groups'], number]> = [
		['full', 'full', Math.max(ROOMY_BOTTOM, bottomMin)],
		['compact', 'full', bottomMin],
		['compact', 'compact', bottomMin],
	];
	for (const [hosts, groups, need] of options) {
		const h = hosts === 'full' ? n.hostsFull : n.hostsCompact;
		const g = groups === 'full' ? n.groupsFull : n.groupsCompact;
		if (h + g + drills + need <= available) return {height, hosts, groups, hostsRows: h, groupsRows: g, drillRows: drills, bottomRows: available - h - g - drills};
	}
	// The bottom wanted more than is left: it gets what is left, as long as that is a useful height.
	const compact = n.hostsCompact + n.groupsCompact + drills;
	if (compact + MIN_BOTTOM <= available) return {height, hosts: 'compact', groups: 'compact', hostsRows: n.hostsCompact, groupsRows: n.groupsCompact, drillRows: drills, bottomRows: available - compact};
	// A very small terminal: everything compact, the bottom keeps what it must, the panels above give way.
	let bottom = Math.min(bottomMin, available);
	let left = available - bottom;
	const drillRows = Math.min(drills, 1, left);
	left -= drillRows;
	const hostsRows = Math.min(n.hostsCompact, Math.max(0, Math.ceil(left / 2)));
	const groupsRows = Math.min(n.groupsCompact, left - hostsRows);
	bottom += left - hostsRows - groupsRows;
	return {height, hosts: 'compact', groups: 'compact', hostsRows, groupsRows, drillRows, bottomRows: bottom};
}
