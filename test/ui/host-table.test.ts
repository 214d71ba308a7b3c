import assert from 'node:assert/strict';
import {test} from 'node:test';
import {fit, headerLine, rowLine, windowCount, windowStart} from '../../source/ui/host-table.ts';

test('fit cuts with … and pads', () => {
	assert.equal(fit('abc', 5), 'abc  ');
	assert.equal(fit('abcdef', 5), 'abcd…');
	assert.equal(fit('abcde', 5), 'abcde');
	assert.equal(fit('x', 0), '');
});

test('a row of long values is exactly as wide as the terminal, with every cell cut by …', () => {
	const long = {name: 'n'.repeat(60), address: 'a'.repeat(60), user: 'u'.repeat(30), port: '65535', identity: `/${'k'.repeat(80)}`};
	for (const width of [60, 80, 100, 160]) {
		const line = rowLine(long, 98, true, false, width);
		assert.equal(line.length, width, `${width}: ${line}`);
		assert.equal(line.split('…').length - 1, 4, line);
		assert.ok(line.endsWith(' ✗'));
		assert.ok(headerLine(width).length <= width);
	}
	const short = rowLine({name: 'a', address: '10.0.0.1', user: '-', port: '22', identity: 'ssh-agent'}, 0, false, true, 80);
	assert.match(short, /^ {2}1 {2}a +10\.0\.0\.1 +- +22 +ssh-agent +✓$/);
	assert.ok(short.length <= 80);
});

test('the window keeps the selected row visible; a row with a problem line costs two', () => {
	const costs = [1, 2, 1, 1, 2, 1];
	assert.equal(windowStart(costs, 0, 4), 0);
	assert.equal(windowCount(costs, 0, 4), 3);
	assert.equal(windowStart(costs, 5, 4), 3);
	assert.equal(windowCount(costs, 3, 4), 3);
	assert.equal(windowStart(costs, 3, 4), 1);
	assert.equal(windowCount([], 0, 4), 0);
	assert.equal(windowCount([3], 0, 2), 1, 'at least one row');
});
