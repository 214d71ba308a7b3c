/**
 * The live pane: renders the controller's state as one frame of rows (source/live/view/frame.ts) and sends it
 * every key. It opens nothing itself: the controller holds the probe, the hosts' streams and the drills.
 * A state change whose frame reads the same as the last one draws nothing (React does not even re-render).
 */
import {Box, useInput} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useSyncExternalStore} from 'react';
import type {PaneController} from '../../live/controller.ts';
import type {PaneState} from '../../live/model.ts';
import {helpFrame, paneFrame} from '../../live/view/frame.ts';
import type {Row} from '../../live/view/text.ts';
import {keyName} from '../keys.ts';
import {ThemeContext, themeFor, type Theme} from '../theme.ts';
import {useTerminalSize} from '../use-terminal-size.ts';
import {Rows, rowsText} from './Rows.tsx';

/**
 * Ink's own render throttle, set out of the way: the controller already paces data frames (≤ 20/s, FRAME_MS) and
 * draws a key's frame at once; Ink's throttle (leading + trailing) would hold a key's frame back up to 1/maxFps
 * behind a data frame just drawn.
 */
export const PANE_MAX_FPS = 500;

export interface PaneProps {
	controller: PaneController;
	env?: NodeJS.ProcessEnv;
	/** Terminal size at start (default 80×24); then stdout 'resize' events are followed. */
	rows?: number;
	columns?: number;
	/** Start the controller on mount (default true). */
	autoStart?: boolean;
}

interface Drawn {
	/** What it was drawn from (updated in place while the text stays the same). */
	state: PaneState;
	size: string;
	rows: Row[];
	text: string;
	logHeight: number;
}

/** The frame of the current state: the same object while its text does not change (no re-render, no write). */
function useFrame(controller: PaneController, rows: number, columns: number, theme: Theme): Drawn {
	const last = useRef<Drawn | undefined>(undefined);
	const getSnapshot = useCallback(() => {
		const state = controller.get();
		const size = `${rows}x${columns}`;
		const previous = last.current;
		if (previous && previous.state === state && previous.size === size) return previous;
		const frame = paneFrame(state, rows, columns, Date.now());
		const shown = state.help ? helpFrame(state, rows, columns) : frame.rows;
		const text = rowsText(shown, theme);
		if (previous && previous.size === size && previous.text === text && previous.logHeight === frame.logHeight) {
			previous.state = state;
			return previous;
		}
		last.current = {state, size, rows: shown, text, logHeight: frame.logHeight};
		return last.current;
	}, [controller, rows, columns, theme]);
	return useSyncExternalStore(controller.subscribe, getSnapshot);
}

export function Pane({controller, env = {}, rows: startRows = 24, columns: startColumns = 80, autoStart = true}: PaneProps) {
	const {rows, columns} = useTerminalSize({rows: startRows, columns: startColumns});
	const theme = useMemo(() => themeFor(env), [env]);
	const frame = useFrame(controller, rows, columns, theme);
	const logHeight = useRef(frame.logHeight);
	logHeight.current = frame.logHeight;
	useEffect(() => {
		if (autoStart) controller.start();
	}, [controller, autoStart]);
	useInput((input, key) => {
		const context = {logHeight: logHeight.current};
		// Keys typed quickly can arrive in one chunk ("jjj"): each printable character is a key of its own.
		const plainText = input.length > 1 && !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab && !/[\u0000-\u001F\u007F]/.test(input);
		if (plainText) for (const ch of input) controller.key(ch === ' ' ? 'space' : ch, ch, context);
		else controller.key(keyName(input, key), input, context);
	});
	return (
		<ThemeContext.Provider value={theme}>
			<Box flexDirection="column" width={columns} height={frame.rows.length}>
				<Rows rows={frame.rows} />
			</Box>
		</ThemeContext.Provider>
	);
}
