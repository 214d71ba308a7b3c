/**
 * fastjson writes maps with integer keys BARE: `{"brokerAddrs":{0:"1.2.3.4:10911"}}`, which JSON.parse rejects.
 * Quote such keys — only where a key can stand (after `{` or `,`), never inside a string. Pure.
 */
export function quoteBareIntegerKeys(text: string): string {
	let out = '';
	let inString = false;
	let expectKey = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (inString) {
			out += ch;
			if (ch === '\\') out += text[++i] ?? '';
			else if (ch === '"') inString = false;
			continue;
		}
		if (ch === '"') {
			inString = true;
			expectKey = false;
			out += ch;
			continue;
		}
		if (expectKey && (ch === '-' || (ch >= '0' && ch <= '9'))) {
			let j = i + 1;
			while (j < text.length && text[j]! >= '0' && text[j]! <= '9') j++;
			let k = j;
			while (k < text.length && /\s/.test(text[k]!)) k++;
			if (text[k] === ':' && j > i + (ch === '-' ? 1 : 0)) {
				out += `"${text.slice(i, j)}"`;
				i = j - 1;
				expectKey = false;
				continue;
			}
		}
		if (ch === '{' || ch === ',') expectKey = true;
		else if (!/\s/.test(ch)) expectKey = false;
		out += ch;
	}
	return out;
}

/** Parse a fastjson body. Throws SyntaxError on anything that is not JSON after quoting bare keys. */
export function parseFastjson(body: Buffer | string): unknown {
	return JSON.parse(quoteBareIntegerKeys(typeof body === 'string' ? body : body.toString('utf8')));
}
