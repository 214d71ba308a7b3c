/**
 * The demo's temp dir goes with the process, whichever way it ends: it is removed on process exit, a SIGINT,
 * SIGTERM or SIGHUP ends the process (128 + the signal's number; the screen's own exit hooks give the terminal
 * back), and a crash (an uncaught exception or unhandled rejection) first gives the terminal back, then prints the
 * error and exits 1.
 *
 * The newest crash handler owns the terminal: while the live pane is open, its alternate screen registered one
 * after this guard, and that one restores the screen, prints and exits (this guard's exit hook still removes the
 * dir). Before, the wizard on screen is handed over with holdScreen().
 */
import {rmSync} from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- process.on's own listener type
type Listener = (...args: any[]) => void;

export interface GuardedProcess {
	on(event: string, listener: Listener): unknown;
	off(event: string, listener: Listener): unknown;
	listeners(event: string): Function[];
	exit(code?: number): void;
}

export interface ExitGuard {
	/** While a screen is up (the wizard): how to give the terminal back before a crash is printed. Returns the release. */
	holdScreen(restore: () => void): () => void;
	/** Stop guarding (after the demo closed normally). */
	release(): void;
}

const SIGNAL_CODES = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const;
const CRASHES = ['uncaughtException', 'unhandledRejection'] as const;
const SHOW_CURSOR = '\u001B[?25h';

export function guardTempDir(
	dir: string,
	options: {proc?: GuardedProcess; errorOut?: {write(text: string): unknown}} = {},
): ExitGuard {
	const proc = options.proc ?? (process as unknown as GuardedProcess);
	const errorOut = options.errorOut ?? process.stderr;
	let restoreScreen: (() => void) | undefined;
	const removeDir = () => rmSync(dir, {recursive: true, force: true});
	const onSignal = (signal: keyof typeof SIGNAL_CODES) => proc.exit(SIGNAL_CODES[signal]);
	const onCrash = (event: (typeof CRASHES)[number]) => (error: unknown) => {
		if (proc.listeners(event).at(-1) !== crashHandlers[event]) return; // a newer screen owner handles it
		try {
			restoreScreen?.();
		} catch {
			// the screen is going anyway
		}
		errorOut.write(`${SHOW_CURSOR}\nrmq-tui: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		proc.exit(1);
	};
	const crashHandlers = {uncaughtException: onCrash('uncaughtException'), unhandledRejection: onCrash('unhandledRejection')};
	proc.on('exit', removeDir);
	for (const signal of Object.keys(SIGNAL_CODES)) proc.on(signal, onSignal);
	for (const event of CRASHES) proc.on(event, crashHandlers[event]);
	return {
		holdScreen(restore) {
			restoreScreen = restore;
			return () => {
				if (restoreScreen === restore) restoreScreen = undefined;
			};
		},
		release() {
			proc.off('exit', removeDir);
			for (const signal of Object.keys(SIGNAL_CODES)) proc.off(signal, onSignal);
			for (const event of CRASHES) proc.off(event, crashHandlers[event]);
		},
	};
}
