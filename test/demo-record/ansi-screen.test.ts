/**
 * The ANSI screen parser on a real capture of the live pane (tmux capture-pane -p -e of `monitor --sim`, with the
 * kill confirmation open): the same text as tmux's plain capture, and the styles the pane drew; then the SGR forms
 * the pane does not use today (256 colours, truecolor in both spellings, inverse, resets) and wide characters.
 */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {parseScreen} from '../../scripts/demo/ansi-screen.ts';
import {cellAt, DEFAULT_COLOR, gridText, rgb, type CellGrid} from '../../scripts/demo/cell-grid.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** The cell where `needle` starts in the grid's text (first match). */
function find(grid: CellGrid, needle: string) {
	const lines = gridText(grid).split('\n');
	const row = lines.findIndex(l => l.includes(needle));
	assert.ok(row >= 0, `${needle} on the screen`);
	// columns count cells, not UTF-16 units: every character of this screen is one cell wide
	const col = Array.from(lines[row]!.slice(0, lines[row]!.indexOf(needle))).length;
	return cellAt(grid, col, row);
}

test('a captured frame of the pane: the text tmux shows, every row', () => {
	const grid = parseScreen(fixture('monitor-confirm.ans'), 100, 30);
	assert.equal(gridText(grid), fixture('monitor-confirm.txt').replace(/\n$/, ''));
});

test('a captured frame of the pane: title bold cyan, ✓ green, the selected container inverse, dim hints', () => {
	const grid = parseScreen(fixture('monitor-confirm.ans'), 100, 30);
	const title = find(grid, 'rmq-tui');
	assert.deepEqual([title.fg, title.bold, title.dim], [6, true, false]);
	const simulated = find(grid, '(simulated');
	assert.deepEqual([simulated.fg, simulated.dim, simulated.bold], [DEFAULT_COLOR, true, false]);
	const check = find(grid, '✓');
	assert.deepEqual([check.fg, check.bold], [2, false]);
	const selected = find(grid, '01/n0●');
	assert.deepEqual([selected.fg, selected.inverse, selected.bold], [2, true, true]);
	const unselected = find(grid, '00/n0●');
	assert.deepEqual([unselected.fg, unselected.inverse], [2, false]);
	const leader = find(grid, 'leader          ids 0/0/0');
	assert.deepEqual([leader.fg, leader.bold], [2, true]);
	const hint = find(grid, 'y send · n/Esc');
	assert.equal(hint.dim, true);
	assert.equal(find(grid, '192.168.1.71    10921').bold, false);
});

test('SGR: 256 colours, truecolor with ; and with :, bright colours, inverse, and the resets', () => {
	const grid = parseScreen(
		'\u001B[38;5;208ma\u001B[48;5;17mb\u001B[38;2;1;2;3mc\u001B[38:2::4:5:6md\u001B[48:5:99me\u001B[0;95;107mf\u001B[7;4mg\u001B[27;24;39;49mh\u001B[1;2mi\u001B[22mj\u001B[mk',
		20,
		1,
	);
	const at = (i: number) => cellAt(grid, i, 0);
	assert.equal(at(0).fg, 208);
	assert.deepEqual([at(1).fg, at(1).bg], [208, 17]);
	assert.deepEqual([at(2).fg, at(2).bold, at(2).dim], [rgb(1, 2, 3), false, false], 'the colour\'s numbers are not read as attributes');
	assert.equal(at(3).fg, rgb(4, 5, 6));
	assert.deepEqual([at(4).fg, at(4).bg], [rgb(4, 5, 6), 99]);
	assert.deepEqual([at(5).fg, at(5).bg], [13, 15]);
	assert.deepEqual([at(6).inverse, at(6).underline], [true, true]);
	assert.deepEqual([at(7).inverse, at(7).underline, at(7).fg, at(7).bg], [false, false, DEFAULT_COLOR, DEFAULT_COLOR]);
	assert.deepEqual([at(8).bold, at(8).dim], [true, true]);
	assert.deepEqual([at(9).bold, at(9).dim], [false, false]);
	assert.equal(at(10).text, 'k');
	assert.equal(gridText(grid), 'abcdefghijk');
});

test('a wide character takes two cells; combining marks join their letter; other escapes draw nothing; overflow is cut', () => {
	const grid = parseScreen('a：b\u001B]0;title\u0007e\u0301\u001B[2Kz\nxyz0123456789\nthird', 8, 2);
	assert.deepEqual([0, 1, 2, 3, 4, 5].map(i => cellAt(grid, i, 0).text), ['a', '：', '', 'b', 'e\u0301', 'z']);
	assert.equal(cellAt(grid, 1, 0).width, 2);
	assert.equal(gridText(grid), 'a：be\u0301z\nxyz01234');
});
