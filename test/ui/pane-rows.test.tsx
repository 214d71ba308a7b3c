/** @jsxRuntime automatic */
/** @jsxImportSource react */
/** Styled rows → one <Text> per row with SGR codes; NO_COLOR keeps bold and inverse, drops colour. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {seg} from '../../source/live/view/text.ts';
import {Rows, rowsText} from '../../source/ui/pane/Rows.tsx';
import {ThemeContext, themeFor} from '../../source/ui/theme.ts';
import {plain} from './drive.ts';

const rows = [[seg('RaftNode00', undefined, {bold: true}), seg('  '), seg('ELECTING', 'bad', {bold: true})], [seg('00/n0●', 'ok', {inverse: true}), seg(' last seen', 'dim')], []];

test('colours, bold, dim and inverse as SGR codes; NO_COLOR has no colour', () => {
	const colour = rowsText(rows, themeFor({}));
	assert.equal(colour.split('\n').length, 3);
	assert.match(colour, /\u001B\[31;1mELECTING\u001B\[39;22m/);
	assert.match(colour, /\u001B\[32;7m00\/n0●\u001B\[39;27m/);
	assert.match(colour, /\u001B\[2m last seen\u001B\[22m/);
	const none = rowsText(rows, themeFor({NO_COLOR: '1'}));
	assert.doesNotMatch(none, /\u001B\[3\dm|\u001B\[3\d;/, 'no colour');
	assert.match(none, /\u001B\[1mELECTING\u001B\[22m/, 'bold stays');
	assert.match(none, /\u001B\[7m00\/n0●\u001B\[27m/, 'the selection stays visible');
	assert.doesNotMatch(none, /\u001B\[2m/, 'no dim without colour');
});

test('Ink draws the rows as they are', () => {
	const ui = render(
		<ThemeContext.Provider value={themeFor({})}>
			<Rows rows={rows} />
		</ThemeContext.Provider>,
	);
	assert.equal(plain(ui.lastFrame()), 'RaftNode00  ELECTING\n00/n0● last seen\n');
	ui.unmount();
});
