// Mount points under a directory (from /proc/self/mountinfo) and unmounting them, deepest first.
import {readFileSync} from 'node:fs';
import {runSync} from './run.ts';

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
	let info = '';
	try {
		info = readFileSync('/proc/self/mountinfo', 'utf8');
	} catch {
		return [];
	}
	const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
	return info
		.split('\n')
		.map(l => l.split(' ')[4])
		.filter((m): m is string => m !== undefined)
		.map(decode)
		.filter(m => m === dir || m.startsWith(`${dir}/`))
		.sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below dir (lazily when busy), a few rounds for stacked mounts. */
export function unmountUnder(dir: string): void {
	for (let round = 0; round < 5; round++) {
		const ms = mountsUnder(dir);
		if (ms.length === 0) return;
		for (const m of ms) if (runSync('umount', [m]).code !== 0) runSync('umount', ['-l', m]);
	}
}
