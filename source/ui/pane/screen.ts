/**
 * The terminal's alternate screen while the pane is open (as vim, htop, less): entered on start, and left — with
 * the cursor shown again — on every way out: a normal exit, process exit, SIGTERM/SIGHUP/SIGINT (which the
 * caller also gets, to close cleanly) and an uncaught exception or rejection (printed on the restored screen, exit 1).
 */

export const ENTER_ALT = '\u001B[?1049h\u001B[H';
export const LEAVE_ALT = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- process.on's own listener type
type Listener = (...args: any[]) => void;

export interface ScreenProcess {
	on(event: string, listener: Listener): unknown;
	off(event: string, listener: Listener): unknown;
	exit(code?: number): void;
}

export interface AltScreen {
	/** Leave the alternate screen (idempotent). */
	restore(): void;
}

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

const SIGNAL_NUMBER: Readonly<Record<string, number>> = {SIGHUP: 1, SIGINT: 2, SIGTERM: 15};

/** The exit code of a process ended by `signal`, as shells report it: 128 + the signal's number (SIGTERM: 143). */
export const signalExitCode = (signal: string): number => 128 + (SIGNAL_NUMBER[signal] ?? SIGNAL_NUMBER.SIGTERM!);

export function alternateScreen(
	out: {write(text: string): unknown},
	options: {proc?: ScreenProcess; onSignal?: (signal: string) => void; errorOut?: {write(text: string): unknown}} = {},
): AltScreen {
	const proc = options.proc ?? (process as unknown as ScreenProcess);
	const errorOut = options.errorOut ?? process.stderr;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		out.write(SHOW_CURSOR + LEAVE_ALT);
		proc.off('exit', onExit);
		for (const s of SIGNALS) proc.off(s, onSignal);
		proc.off('uncaughtException', onCrash);
		proc.off('unhandledRejection', onCrash);
	};
	const onExit = () => restore();
	const onSignal = (signal: string) => {
		if (options.onSignal) options.onSignal(signal);
		else {
			restore();
			proc.exit(signalExitCode(signal));
		}
	};
	const onCrash = (error: unknown) => {
		restore();
		errorOut.write(`rmq-tui: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		proc.exit(1);
	};
	out.write(ENTER_ALT);
	proc.on('exit', onExit);
	for (const s of SIGNALS) proc.on(s, onSignal);
	proc.on('uncaughtException', onCrash);
	proc.on('unhandledRejection', onCrash);
	return {restore};
}
