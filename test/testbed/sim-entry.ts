// The entry of the test image's simulator: `rmq-tui sim namesrv | sim broker -c FILE`, with the project's own argument
// parser and sim command (source/cli/commands/sim.ts), without the rest of the CLI (the TUI, deploy, SSH, Docker):
// images.ts bundles THIS file, so the image stays small and rebuilds only when the simulator's code changes.
import {parseArgs} from '../../source/cli/args.ts';
import {simCommand} from '../../source/cli/commands/sim.ts';
import {EXIT, processIO, UsageError} from '../../source/cli/io.ts';

const io = processIO();
try {
	const args = parseArgs(process.argv.slice(2));
	const [kind, ...rest] = args.positionals;
	if (args.command !== 'sim') throw new UsageError(`the test image runs only the simulator, not "${args.command ?? ''}"`, 'write sim namesrv or sim broker -c FILE');
	if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'write sim namesrv or sim broker -c FILE');
	process.exitCode = await simCommand(kind, args.flags, io);
} catch (error) {
	if (!(error instanceof UsageError)) throw error;
	io.stderr(`rmq-tui: ${error.message}\n${error.hint ? `  fix: ${error.hint}\n` : ''}`);
	process.exitCode = EXIT.usage;
}
