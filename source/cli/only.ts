/** Refuse flags that do not apply to a command, naming them. */
import type {ParsedArgs} from './args.ts';
import {UsageError} from './io.ts';

export function only(args: ParsedArgs, allowed: readonly string[], context: string): void {
	const extra = [...args.given].filter(name => !allowed.includes(name));
	if (extra.length > 0) throw new UsageError(`${extra.map(n => `--${n}`).join(', ')} ${extra.length === 1 ? 'does' : 'do'} not apply to ${context}`, 'run rmq-tui --help');
}
