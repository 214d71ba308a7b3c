/** The terminal size, following stdout 'resize' events (Ink re-renders; the layout must re-flow too). */
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	rows: number;
	columns: number;
}

/** Starts at `initial` (what the caller measured, or 80×24); each resize reads stdout's rows/columns where set. */
export function useTerminalSize(initial: TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(initial);
	useEffect(() => {
		const onResize = () => {
			const tty = stdout as {columns?: number; rows?: number};
			setSize(s => {
				const columns = tty.columns !== undefined && tty.columns > 0 ? tty.columns : s.columns;
				const rows = tty.rows !== undefined && tty.rows > 0 ? tty.rows : s.rows;
				return columns === s.columns && rows === s.rows ? s : {rows, columns};
			});
		};
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
