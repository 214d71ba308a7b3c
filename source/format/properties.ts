/**
 * Java `.properties` files, as `java.util.Properties.load(InputStream)` reads them (ISO-8859-1 with
 * `\uXXXX` escapes; RocketMQ's BrokerStartup loads `-c` files this way). One writer, one reader. Pure.
 */

export type PropertiesLine = {comment: string} | {key: string; value: string} | {blank: true};

function escape(text: string, isKey: boolean): string {
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		const unit = text.charCodeAt(i);
		if (ch === '\\') out += '\\\\';
		else if (ch === '\t') out += '\\t';
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\f') out += '\\f';
		else if (ch === ' ' && (isKey || i === 0)) out += '\\ ';
		else if (isKey && '=:#!'.includes(ch)) out += `\\${ch}`;
		else if (unit < 0x20 || unit > 0x7e) out += `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
		else out += ch;
	}
	return out;
}

export const escapeKey = (key: string): string => escape(key, true);
export const escapeValue = (value: string): string => escape(value, false);

/**
 * Writes lines. Keys escape separators; values escape only what Properties.load would misread
 * (backslashes, a leading space, control and non-ASCII characters), so `a:b` stays readable.
 * Comments may hold any text (non-ASCII is escaped so the file stays ISO-8859-1 safe).
 */
export function writeProperties(lines: readonly PropertiesLine[]): string {
	return lines
		.map(line => {
			if ('blank' in line) return '';
			if ('comment' in line) {
				return line.comment
					.split('\n')
					.map(c => `#${c === '' ? '' : ' '}${c.replace(/[^\x20-\x7e]/g, ch => escapeValue(ch))}`)
					.join('\n');
			}
			if (line.key === '') throw new Error('a properties key cannot be empty');
			return `${escapeKey(line.key)}=${escapeValue(line.value)}`;
		})
		.join('\n')
		.concat('\n');
}

export interface PropertyEntry {
	key: string;
	value: string;
	/** 1-based line where the entry starts. */
	line: number;
	/** The entry's text as written (continuations joined with newlines). */
	raw: string;
}

const WHITESPACE = new Set([' ', '\t', '\f']);

function unescape(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (ch !== '\\') {
			out += ch;
			continue;
		}
		const next = text[++i];
		if (next === undefined) break;
		if (next === 'u') {
			const hex = text.slice(i + 1, i + 5);
			if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`malformed \\uxxxx encoding "\\u${hex}"`);
			out += String.fromCharCode(parseInt(hex, 16));
			i += 4;
		} else out += ({t: '\t', n: '\n', r: '\r', f: '\f'} as Record<string, string>)[next] ?? next;
	}
	return out;
}

/** Is the final backslash run of `text` odd (a line continuation)? */
function continues(text: string): boolean {
	let n = 0;
	for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) n++;
	return n % 2 === 1;
}

/** Parse the way Properties.load does: later duplicates win in the map, but every entry is returned. */
export function parseProperties(text: string): PropertyEntry[] {
	const lines = text.split(/\r\n|\r|\n/);
	const entries: PropertyEntry[] = [];
	for (let i = 0; i < lines.length; i++) {
		let logical = lines[i]!.replace(/^[ \t\f]+/, '');
		const startLine = i + 1;
		const raw = [lines[i]!];
		if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
		while (continues(logical) && i + 1 < lines.length) {
			i++;
			raw.push(lines[i]!);
			logical = logical.slice(0, -1) + lines[i]!.replace(/^[ \t\f]+/, '');
		}
		if (continues(logical)) logical = logical.slice(0, -1);
		let keyEnd = 0;
		let escaped = false;
		for (; keyEnd < logical.length; keyEnd++) {
			const ch = logical[keyEnd]!;
			if (escaped) escaped = false;
			else if (ch === '\\') escaped = true;
			else if (ch === '=' || ch === ':' || WHITESPACE.has(ch)) break;
		}
		let valueStart = keyEnd;
		while (valueStart < logical.length && WHITESPACE.has(logical[valueStart]!)) valueStart++;
		if (valueStart < logical.length && (logical[valueStart] === '=' || logical[valueStart] === ':')) {
			valueStart++;
			while (valueStart < logical.length && WHITESPACE.has(logical[valueStart]!)) valueStart++;
		}
		entries.push({
			key: unescape(logical.slice(0, keyEnd)),
			value: unescape(logical.slice(valueStart)),
			line: startLine,
			raw: raw.join('\n'),
		});
	}
	return entries;
}

/** The map Properties.load would produce (last one wins). */
export function propertiesMap(text: string): Map<string, string> {
	return new Map(parseProperties(text).map(e => [e.key, e.value]));
}
