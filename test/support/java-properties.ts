// The REAL java.util.Properties.load(InputStream) — ISO-8859-1, escapes, continuations, comments, no trimming of
// trailing spaces in values — the way RocketMQ 4.7.1's BrokerStartup reads `-c` files. Use it to check that a
// rendered broker.conf means to the broker what we think it means.
//
//   const props = await loadWithJava([confPath])
//   assert.equal(props[confPath]!.dLegerSelfId, 'n0')
//
// Runs `java LoadProperties.java FILE...` (Java 11+ single-file source launcher; ~1 s per call, so pass all files
// of a test in one call). Non-ASCII bytes come back as ISO-8859-1 characters (a UTF-8 "é" reads as "Ã©"), exactly
// as the broker sees them.
import {run} from './dockerd.ts';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'LoadProperties.java');

export class PropertiesLoadError extends Error {
	constructor(
		readonly file: string,
		readonly javaError: string,
	) {
		super(`java.util.Properties.load failed for ${file}: ${javaError}`);
	}
}

export interface LoadResult {
	/** Entries per file (keys in sorted order); absent for files that failed. */
	props: Record<string, Record<string, string>>;
	/** "ExceptionClass: message" per file that failed (e.g. a malformed \uXXXX escape, a missing file). */
	errors: Record<string, string>;
}

const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Parses LoadProperties.java's output. Exported for tests of the parser itself. */
export function parseLoadPropertiesOutput(out: string): LoadResult {
	const props: Record<string, Record<string, string>> = {};
	const errors: Record<string, string> = {};
	let file: string | undefined;
	let entries: Record<string, string> = {};
	for (const line of out.split('\n')) {
		if (line === '') continue;
		const [tag, a, b] = line.split('\t');
		if (tag === 'FILE' && a !== undefined) {
			file = unb64(a);
			entries = {};
		} else if (tag === 'ENTRY' && file !== undefined && a !== undefined && b !== undefined) {
			entries[unb64(a)] = unb64(b);
		} else if (tag === 'ERROR' && file !== undefined && a !== undefined) {
			errors[file] = unb64(a);
		} else if (tag === 'END' && file !== undefined) {
			if (!(file in errors)) props[file] = entries;
			file = undefined;
		} else {
			throw new Error(`unexpected LoadProperties output line: ${JSON.stringify(line)}`);
		}
	}
	if (file !== undefined) throw new Error('truncated LoadProperties output (no END)');
	return {props, errors};
}

/** Loads files with real Java; never rejects for a file that fails to load (see errors). */
export async function loadWithJavaDetailed(
	files: string[],
	opts: {java?: string; timeoutMs?: number} = {},
): Promise<LoadResult> {
	if (files.length === 0) return {props: {}, errors: {}};
	const java = opts.java ?? 'java';
	const timeoutMs = opts.timeoutMs ?? 60_000;
	// -Xshare:auto + C1 only + serial GC: the launcher compiles the source in memory, this keeps it ~1 s
	const result = await run(java, ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', SOURCE, ...files], {timeoutMs}).catch(
		(e: Error) => {
			throw new Error(`cannot run ${java} LoadProperties.java: ${e.message}`);
		},
	);
	if (result.code !== 0) throw new Error(`java LoadProperties.java exited ${result.code}: ${result.stderr}`);
	return parseLoadPropertiesOutput(result.stdout);
}

/**
 * Loads each file with java.util.Properties.load(InputStream); resolves { [file]: { key: value } }.
 * Rejects with a PropertiesLoadError for the first file that fails (as BrokerStartup would fail to start).
 */
export async function loadWithJava(files: string[]): Promise<Record<string, Record<string, string>>> {
	const {props, errors} = await loadWithJavaDetailed(files);
	for (const f of files) {
		const e = errors[f];
		if (e !== undefined) throw new PropertiesLoadError(f, e);
	}
	return props;
}
