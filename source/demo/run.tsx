/**
 * `rmq-tui --demo` on the real terminal: the wizard pre-filled with the seed's three hosts → review → D deploys onto
 * simulated hosts with the real deploy screen → Enter opens the live pane on that cluster, where every drill key
 * works → q quits. Everything it writes is in a temp dir, removed on the way out (q, a signal or a crash).
 */
import {runPane} from '../ui/pane/run.tsx';
import {wizardOnTerminal} from '../ui/run.tsx';
import {openDemo, type DemoOptions} from './demo.ts';
import {guardTempDir} from './exit-guard.ts';

export async function runDemo(env: NodeJS.ProcessEnv, options: DemoOptions = {}): Promise<number> {
	const demo = openDemo(options);
	const guard = guardTempDir(demo.dir);
	let code = 0;
	try {
		const {handover} = await wizardOnTerminal({env, ...demo.wizard}, guard.holdScreen);
		if (handover) {
			const pane = demo.paneFor(handover);
			try {
				code = await runPane(pane.controller, env);
			} finally {
				await pane.close();
			}
		}
	} finally {
		await demo.close();
		guard.release();
	}
	return code;
}
