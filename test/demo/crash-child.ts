/**
 * Run by exit-guard.test.ts in its own process: guards DIR as the demo does, then crashes (MODE: `throw`, `reject`,
 * or `pane-throw` with the live pane's alternate screen opened after the guard, as the demo's pane does).
 */
import {guardTempDir} from '../../source/demo/exit-guard.ts';
import {alternateScreen} from '../../source/ui/pane/screen.ts';

const [dir, mode] = process.argv.slice(2);
if (!dir || !mode) throw new Error('usage: crash-child.ts DIR throw|reject|pane-throw');
const guard = guardTempDir(dir);
guard.holdScreen(() => process.stdout.write('[wizard screen given back]\n'));
if (mode === 'pane-throw') alternateScreen(process.stdout);
if (mode === 'reject') void Promise.reject(new Error('boom in a promise'));
else setTimeout(() => {
	throw new Error('boom');
}, 0);
