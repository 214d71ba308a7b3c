/** argv → command + validated flags (pure apart from meow's parsing). Usage problems become UsageError. */
import meow from 'meow';
import {closest} from '../inventory/parse.ts';
import {camel, FLAGS, flagByName, meowFlags} from './flags.ts';
import {UsageError} from './io.ts';

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
	command: string | undefined;
	positionals: string[];
	flags: Flags;
	/** Flags actually typed (kebab-case). */
	given: Set<string>;
}

const booleanNames = new Set(FLAGS.filter(f => f.type === 'boolean').map(f => f.name));

/** Names of the flags typed on the command line; unknown ones are refused with a did-you-mean. */
export function typedFlags(argv: readonly string[]): Set<string> {
	const given = new Set<string>();
	for (const token of argv) {
		if (token === '--') break;
		if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) continue;
		if (!token.startsWith('--')) {
			for (const letter of token.slice(1).split('=')[0]!) {
				const flag = FLAGS.find(f => f.short === letter);
				if (!flag) throw new UsageError(`unknown flag -${letter}`, 'run rmq-tui --help for the list of flags');
				given.add(flag.name);
			}
			continue;
		}
		let name = token.slice(2).split('=')[0]!;
		if (name.startsWith('no-') && booleanNames.has(name.slice(3))) name = name.slice(3);
		if (!flagByName.has(name)) {
			const suggestion = closest(name, FLAGS.map(f => f.name));
			throw new UsageError(`unknown flag --${name}`, suggestion ? `did you mean --${suggestion}?` : 'run rmq-tui --help for the list of flags');
		}
		given.add(name);
	}
	return given;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
	const given = typedFlags(argv);
	const cli = meow('', {
		importMeta: import.meta,
		argv: [...argv],
		pkg: {name: 'rmq-tui', version: '0'},
		flags: meowFlags(),
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: false,
		booleanDefault: undefined,
	});
	const flags: Flags = {};
	for (const name of given) {
		const spec = flagByName.get(name)!;
		const value = (cli.flags as Flags)[camel(name)];
		if (spec.type === 'string') {
			const values = Array.isArray(value) ? value : [value];
			if (values.some(v => typeof v !== 'string' || v.trim() === '')) {
				throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`, `write --${name} ${spec.value ?? 'VALUE'}`);
			}
		}
		flags[name] = value as Flags[string];
	}
	const [command, ...positionals] = cli.input.map(String);
	return {command, positionals, flags, given};
}
