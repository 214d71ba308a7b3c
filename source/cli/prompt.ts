/**
 * Questions on the terminal for the non-interactive commands (deploy, down, console): passphrases and passwords
 * (never echoed, never stored), yes/no, and "type the name to confirm". Without a terminal every question gets
 * no answer, and the caller says which flag or file would have answered it.
 */
import {createInterface} from 'node:readline';
import type {Readable, Writable} from 'node:stream';

export interface Prompter {
	readonly interactive: boolean;
	/** undefined: no terminal, or the user gave up (Ctrl-C / Ctrl-D). */
	ask(question: string, options: {secret: boolean}): Promise<string | undefined>;
	confirm(question: string): Promise<boolean>;
}

export interface PromptStreams {
	input: Readable & {isTTY?: boolean; setRawMode?: (raw: boolean) => unknown};
	output: Writable;
}

function readLine(streams: PromptStreams, question: string): Promise<string | undefined> {
	return new Promise(resolve => {
		const rl = createInterface({input: streams.input, output: streams.output, terminal: false});
		let answered = false;
		streams.output.write(question);
		rl.once('line', line => {
			answered = true;
			rl.close();
			resolve(line);
		});
		rl.once('close', () => {
			if (!answered) resolve(undefined);
		});
	});
}

/** Raw mode, no echo: Enter ends, Backspace erases, Ctrl-C / Ctrl-D give up. */
function readSecret(streams: PromptStreams, question: string): Promise<string | undefined> {
	const {input, output} = streams;
	return new Promise(resolve => {
		output.write(question);
		let value = '';
		const wasRaw = (input as {isRaw?: boolean}).isRaw === true;
		input.setRawMode?.(true);
		input.resume();
		const finish = (result: string | undefined) => {
			input.off('data', onData);
			input.setRawMode?.(wasRaw);
			input.pause();
			output.write('\n');
			resolve(result);
		};
		const onData = (chunk: Buffer) => {
			for (const ch of chunk.toString('utf8')) {
				if (ch === '\r' || ch === '\n') return finish(value);
				if (ch === '\u0003' || ch === '\u0004') return finish(undefined);
				if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
				else if (ch >= ' ') value += ch;
			}
		};
		input.on('data', onData);
	});
}

export function terminalPrompter(streams: PromptStreams = {input: process.stdin, output: process.stderr}): Prompter {
	const interactive = streams.input.isTTY === true;
	return {
		interactive,
		async ask(question, {secret}) {
			if (!interactive) return undefined;
			return secret ? readSecret(streams, `${question} `) : readLine(streams, `${question} `);
		},
		async confirm(question) {
			if (!interactive) return false;
			const answer = await readLine(streams, `${question} [y/N] `);
			return /^(y|yes)$/i.test(answer?.trim() ?? '');
		},
	};
}

/** Answers from a list, for tests and scripted runs. */
export function scriptedPrompter(answers: readonly string[], log: (text: string) => void = () => {}): Prompter {
	const queue = [...answers];
	return {
		interactive: true,
		async ask(question) {
			log(`${question}\n`);
			return queue.shift();
		},
		async confirm(question) {
			log(`${question} [y/N]\n`);
			return /^(y|yes)$/i.test(queue.shift() ?? '');
		},
	};
}
