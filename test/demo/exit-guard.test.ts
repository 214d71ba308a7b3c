/**
 * The demo's exit guard in a real process that crashes (crash-child.ts): the screen is given back BEFORE the error
 * is printed, the exit code is 1 and the temp dir is gone. With the live pane's alternate screen opened after the
 * guard, the pane's handler restores its screen and prints, and the guard still removes the dir.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {LEAVE_ALT} from '../../source/ui/pane/screen.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the child with stdout and stderr into one file, so their order is kept. */
function crash(mode: string): {code: number | null; output: string; dirLeft: boolean} {
	const root = mkdtempSync(join(tmpdir(), 'rmq-demo-guard-'));
	try {
		const dir = join(root, 'rmq-tui-demo-x');
		mkdirSync(dir);
		writeFileSync(join(dir, 'config.json'), '{}');
		const outFile = join(root, 'out');
		const fd = openSync(outFile, 'w');
		const result = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir, mode], {cwd: ROOT, stdio: ['ignore', fd, fd], timeout: 30_000});
		closeSync(fd);
		return {code: result.status, output: readFileSync(outFile, 'utf8'), dirLeft: existsSync(dir)};
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
}

for (const [mode, message] of [['throw', 'boom'], ['reject', 'boom in a promise']] as const) {
	test(`a crash in the wizard (${mode}): screen given back, then the error, exit 1, temp dir removed`, () => {
		const {code, output, dirLeft} = crash(mode);
		assert.equal(code, 1, output);
		const restored = output.indexOf('[wizard screen given back]');
		const printed = output.indexOf(`rmq-tui: Error: ${message}`);
		assert.ok(restored >= 0 && printed > restored, `the screen first, then the error:\n${output}`);
		assert.equal(dirLeft, false, 'the temp dir is removed');
	});
}

test('a crash in the pane: its alternate screen is left before the error is printed, exit 1, temp dir removed', () => {
	const {code, output, dirLeft} = crash('pane-throw');
	assert.equal(code, 1, output);
	const left = output.indexOf(LEAVE_ALT);
	const printed = output.indexOf('rmq-tui: Error: boom');
	assert.ok(left >= 0 && printed > left, `the alternate screen is left first, then the error:\n${JSON.stringify(output)}`);
	assert.equal(output.split('rmq-tui: Error: boom').length, 2, 'printed once');
	assert.doesNotMatch(output, /wizard screen given back/, 'the newer screen owner handled it');
	assert.equal(dirLeft, false, 'the temp dir is removed');
});
