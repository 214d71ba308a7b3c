/** Shared cases for the properties writer/reader tests (pure ones and the ones against real Java). */

/** Keys and values that a careless writer gets wrong. */
export const TRICKY: ReadonlyArray<readonly [key: string, value: string]> = [
	['plain', 'value'],
	['leadingSpaces', '   three spaces first'],
	['trailingSpaces', 'two spaces after  '],
	['onlySpaces', '   '],
	['backslashes', 'C:\\dir\\file \\\\ and a final \\'],
	['separatorsInValue', 'a=b:c d#e!f'],
	['startsWithSeparator', '=:value'],
	['hashFirst', '#not a comment'],
	['bangFirst', '!not a comment'],
	['key=with=equals', 'x'],
	['key:with:colons', 'y'],
	['key with spaces', 'z'],
	['#hashKey', 'h'],
	['!bangKey', 'b'],
	[' leadingSpaceKey', 'k'],
	['newlines', 'line one\nline two\r\nline three\r'],
	['tabs', '\tleading tab, inner\ttab, trailing tab\t'],
	['formFeed', 'a\fb'],
	['中文键', '中文值'],
	['nonAscii', 'café – naïve ✓ 😀'],
	['control', 'nul\u0000 bell\u0007 del\u007f'],
	['empty', ''],
	['unicodeEscapeLookalike', '\\u0041 is not A'],
	['continuationLookalike', 'ends with backslash\\'],
	['dLegerPeers', 'n0-192.168.1.71:20911;n1-192.168.1.76:20911;n2-192.168.1.77:20911'],
];

/**
 * Property texts and what java.util.Properties.load makes of them (the expected maps were checked against real Java
 * by test/format/properties-java.test.ts, which loads the same texts).
 */
export const READER_CASES: ReadonlyArray<readonly [name: string, text: string, expected: Record<string, string>]> = [
	['key=value and spaces around =', 'a=1\nb = 2\nc\t=\t3\n', {a: '1', b: '2', c: '3'}],
	['key:value', 'a:1\nb : 2\n', {a: '1', b: '2'}],
	['whitespace as separator', 'a 1\nb\t\t2\nc \f 3\n', {a: '1', b: '2', c: '3'}],
	['whitespace then one separator', 'a = = 1\nb :: 2\nc =:3\n', {a: '= 1', b: ': 2', c: ':3'}],
	['trailing spaces are kept', 'enableDLegerCommitLog=true  \n', {enableDLegerCommitLog: 'true  '}],
	['leading spaces of a line are skipped', '   a=1\n\t\tb=2\n', {a: '1', b: '2'}],
	['key alone', 'a\nb=\nc:\n', {a: '', b: '', c: ''}],
	['comments with # and !', '# a=1\n! b=2\n  # c=3\nd=4 # not a comment\n', {d: '4 # not a comment'}],
	['continuation lines', 'a=one, \\\n    two, \\\n\tthree\n', {a: 'one, two, three'}],
	['continuation into a # line', 'a=x\\\n#y\n', {a: 'x#y'}],
	['a comment does not continue', '# comment \\\na=1\n', {a: '1'}],
	['even backslashes do not continue', 'a=x\\\\\nb=y\n', {a: 'x\\', b: 'y'}],
	['continuation at end of file', 'a=x\\', {a: 'x'}],
	['continuation into an empty line ends it', 'a=x\\\n\n y\n', {a: 'x', y: ''}],
	['escaped separators in keys', 'a\\=b=1\nc\\:d:2\ne\\ f 3\n', {'a=b': '1', 'c:d': '2', 'e f': '3'}],
	['escapes in values', 'a=tab\\there\\nnew\\\\slash\\q\n', {a: 'tab\there\nnew\\slashq'}],
	['unicode escapes', 'a=\\u4E2D\\u6587\nb=\\u00e9\n', {a: '中文', b: 'é'}],
	['CRLF line ends', 'a=1\r\nb=2\r\n# c\r\nd=4\r\n', {a: '1', b: '2', d: '4'}],
	['CR line ends', 'a=1\rb=2\r', {a: '1', b: '2'}],
	['CRLF continuation', 'a=x\\\r\n  y\r\n', {a: 'xy'}],
	['the last duplicate wins', 'a=1\na=2\n', {a: '2'}],
	['blank and whitespace-only lines', '\n   \n\t\na=1\n\n', {a: '1'}],
];
