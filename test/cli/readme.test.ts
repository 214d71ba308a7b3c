import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {FLAGS} from '../../source/cli/flags.ts';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {scripts: Record<string, string>; bin: Record<string, string>};

test('the README documents every flag with its description', () => {
	for (const flag of FLAGS) {
		const shown = flag.name === 'console' ? '--[no-]console' : `--${flag.name}`;
		assert.ok(readme.includes(`\`${shown}${flag.value ? ` ${flag.value}` : ''}\``), `README lists ${shown}`);
		assert.ok(readme.includes(flag.description.replaceAll('|', '\\|')), `README describes ${shown} as --help does`);
	}
});

test('the README\'s install, run and test commands exist', () => {
	assert.match(readme, /```sh\nnpm install\nnpx rmq-tui /);
	assert.match(readme, /```sh\nnpm test\n```/);
	assert.ok(pkg.scripts.test, 'package.json has a test script');
	assert.ok(pkg.bin['rmq-tui'], 'package.json declares the rmq-tui bin');
});

test('the README has no unfilled placeholder', () => {
	assert.doesNotMatch(readme, /PLACEHOLDER/);
});

test('the README\'s wizard key reference is the key table', async () => {
	const {keysMarkdown} = await import('../../source/ui/keys.ts');
	assert.ok(readme.includes(keysMarkdown()), 'regenerate the README keys section from keysMarkdown()');
});
