/**
 * Opens the pane on the real terminal: the alternate screen, frames paced by the controller, until `q` (or SIGTERM/SIGHUP);
 * then the controller closes (streams stopped, --report written) and the screen is restored, also on a crash.
 * Resolves to the process's exit code: 0 after `q`, 128 + the signal's number after a signal (SIGTERM: 143).
 */
import {render} from 'ink';
import type {PaneController} from '../../live/controller.ts';
import {Pane, PANE_MAX_FPS} from './Pane.tsx';
import {alternateScreen, signalExitCode} from './screen.ts';

/** Closing may wait on hosts; after this long on a signal, the process goes anyway. */
const FORCE_EXIT_MS = 5000;

export async function runPane(controller: PaneController, env: NodeJS.ProcessEnv): Promise<number> {
	let signalled: string | undefined;
	const screen = alternateScreen(process.stdout, {
		onSignal: signal => {
			if (signalled !== undefined) return;
			signalled = signal;
			controller.quit();
			setTimeout(() => {
				screen.restore();
				process.exit(signalExitCode(signal));
			}, FORCE_EXIT_MS).unref();
		},
	});
	try {
		const instance = render(<Pane controller={controller} env={env} rows={process.stdout.rows || 24} columns={process.stdout.columns || 80} />, {
			exitOnCtrlC: false,
			maxFps: PANE_MAX_FPS,
		});
		await Promise.race([controller.quitRequested, instance.waitUntilExit()]);
		instance.unmount();
		await controller.close();
	} finally {
		screen.restore();
	}
	return signalled === undefined ? 0 : signalExitCode(signalled);
}
