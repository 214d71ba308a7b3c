#!/usr/bin/env node
/**
 * rmq-tui entry point. Checks the Node version before loading anything that needs a newer one,
 * then hands argv to the command line.
 */
const REQUIRED = [22, 12] as const;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
	process.stderr.write(
		`rmq-tui needs Node.js ${REQUIRED.join('.')} or newer; this is ${process.version} (${process.execPath}).\n` +
			'  fix: install Node 22 LTS or 24 (e.g. with nvm or your package manager), or run it from a clone with\n' +
			'       `npm install && npx rmq-tui`, which uses the Node the project installs for itself.\n',
	);
	process.exit(1);
}

const {main} = await import('./source/cli/main.ts');
const {processIO} = await import('./source/cli/io.ts');
process.exitCode = await main(process.argv.slice(2), processIO());
