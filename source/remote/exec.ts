/**
 * Running a program on the remote host: argv (quoted by command.ts), optional stdin, a timeout, exit code or
 * signal, stdout/stderr captured up to a cap. `sudo: true` runs it as root (`sudo -n` for a non-root user) and turns
 * sudo's refusal into a RemoteError of kind `sudo` that says how to fix it.
 */
import {Readable} from 'node:stream';
import type {ClientChannel} from 'ssh2';
import {commandLine, sudoAdvice, sudoProblem} from './command.ts';
import {RemoteError} from './errors.ts';

/** What exec needs of a session (SshSession has it). */
export interface ExecTarget {
	/** `user@host:port`, for messages. */
	readonly label: string;
	/** The remote host name, for messages. */
	readonly host: string;
	readonly user: string;
	openExec(command: string): Promise<ClientChannel>;
}

export interface ExecOptions {
	/** Fed to the program's stdin, then EOF (without it: EOF at once). */
	stdin?: string | Buffer | Readable;
	/**
	 * Give up after this long (default: never): rejects at once with kind `timeout`, sends SIGKILL over the channel
	 * (sshd kills the session's process group; honoured for non-root users; through sudo: TERM, which sudo relays,
	 * then KILL) and closes it. Root
	 * sessions ignore signal requests, so for root the command runs under `timeout -s KILL` (coreutils/busybox),
	 * which kills it one second after the deadline.
	 */
	timeoutMs?: number;
	/** Bytes kept of stdout and of stderr each (the rest is read and dropped); default 4 MiB. */
	maxOutputBytes?: number;
	/** Run as root: plain for root, `sudo -n --` otherwise. */
	sudo?: boolean;
	signal?: AbortSignal;
	/** Sees stdout and stderr as they arrive (progress of a long command); the result still carries them. */
	onOutput?: (chunk: Buffer) => void;
}

export interface ExecResult {
	/** Exit status; null when killed by a signal. */
	code: number | null;
	/** The signal that killed it, e.g. `SIGTERM`. */
	signal: string | undefined;
	stdout: string;
	stderr: string;
	/** stdout as bytes (binary output, e.g. a file). */
	stdoutBytes: Buffer;
	/** Some output was dropped (over maxOutputBytes). */
	truncated: boolean;
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/** Does running as root need sudo for this user? */
export const needsSudo = (user: string) => user !== 'root';

class Capped {
	private readonly chunks: Buffer[] = [];
	private size = 0;
	truncated = false;
	constructor(private readonly max: number) {}
	push(chunk: Buffer): void {
		if (this.size >= this.max) {
			this.truncated = true;
			return;
		}
		const room = this.max - this.size;
		const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
		if (part.length < chunk.length) this.truncated = true;
		this.chunks.push(part);
		this.size += part.length;
	}
	bytes(): Buffer {
		return Buffer.concat(this.chunks);
	}
}

/**
 * Sends a signal to the program of a session channel (OpenSSH ≥ 7.9 delivers it to the process group).
 * ssh2's channel.signal() does nothing once stdin was ended (it checks `writable`), which is the normal state of a
 * command without input — so the request goes through the channel's protocol directly then.
 */
function signalChannel(channel: ClientChannel, signal: string): void {
	const internals = channel as unknown as {outgoing?: {id: number; state: string}; _client?: {_protocol?: {signal(id: number, name: string): void}}};
	try {
		if (channel.writable) channel.signal(signal);
		else if (internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') internals._client?._protocol?.signal(internals.outgoing.id, signal);
	} catch {
		// the channel is already going away
	}
}

/**
 * A session channel the server closed at once, with nothing on it (no output, no EOF, no exit status) while the
 * connection stayed up: seen about once in a hundred quick commands against OpenSSH 9.2. The program did not report
 * back; run it again (the callers' commands are idempotent, or check their own effect like the lock does).
 */
class SilentClose extends Error {}

const MAX_SILENT_RETRIES = 3;

/** Runs argv and resolves with how it ended (a non-zero exit is a result, not an error). */
export async function exec(target: ExecTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await execOnce(target, argv, options, attempt < MAX_SILENT_RETRIES && !(options.stdin instanceof Readable));
		} catch (error) {
			if (!(error instanceof SilentClose)) throw error;
		}
	}
}

async function execOnce(target: ExecTarget, argv: readonly string[], options: ExecOptions, retryable: boolean): Promise<ExecResult> {
	const sudo = options.sudo === true && needsSudo(target.user);
	// root sessions ignore signal requests: the remote `timeout` backstop kills the program (never inside sudo, where
	// it would not match sudoers rules that list commands; non-root sessions honour the signal request instead)
	const backstop = options.timeoutMs !== undefined && !needsSudo(target.user);
	const line = commandLine(argv, {sudo, ...(backstop ? {killAfterMs: options.timeoutMs! + 1000} : {})});
	const shown = argv.join(' ');
	if (options.signal?.aborted) throw new RemoteError('cancelled', target.label, `${target.label}: \`${shown}\` cancelled`);
	const channel = await target.openExec(line);
	const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
	const out = new Capped(max);
	const err = new Capped(max);
	const result = await new Promise<{code: number | null; signal: string | undefined}>((resolve, reject) => {
		let code: number | null = null;
		let signal: string | undefined;
		let failure: RemoteError | undefined;
		let settled = false;
		const settle = () => {
			settled = true;
			if (timer) clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
		};
		/**
		 * Gives up without waiting for the program: the channel is told to kill it and closed. sudo puts the program
		 * in a process group of its own, so a KILL of the session's group would only kill sudo: it gets TERM, which
		 * it relays, and KILL a second later.
		 */
		const stop = (error: RemoteError) => {
			if (settled) return;
			failure ??= error;
			if (sudo) {
				signalChannel(channel, 'TERM');
				setTimeout(() => {
					signalChannel(channel, 'KILL');
					channel.close();
				}, 1000).unref();
			} else {
				signalChannel(channel, 'KILL');
				channel.close();
			}
			settle();
			reject(failure);
		};
		const timer = options.timeoutMs !== undefined
			? setTimeout(() => stop(new RemoteError('timeout', target.label, `${target.label}: \`${shown}\` did not finish within ${options.timeoutMs} ms (killed)`)), options.timeoutMs)
			: undefined;
		const onAbort = () => stop(new RemoteError('cancelled', target.label, `${target.label}: \`${shown}\` cancelled`));
		options.signal?.addEventListener('abort', onAbort, {once: true});
		channel.on('data', (chunk: Buffer) => (out.push(chunk), options.onOutput?.(chunk)));
		channel.stderr.on('data', (chunk: Buffer) => (err.push(chunk), options.onOutput?.(chunk)));
		let exited = false;
		let heard = false;
		for (const event of ['eof', 'data']) channel.once(event, () => (heard = true));
		channel.stderr.once('data', () => (heard = true));
		channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
			exited = true;
			code = exitCode;
			signal = exitSignal ? (exitSignal.startsWith('SIG') ? exitSignal : `SIG${exitSignal}`) : undefined;
		});
		channel.on('error', (error: Error) => {
			failure ??= new RemoteError('remote', target.label, `${target.label}: \`${shown}\`: ${error.message}`, {}, {cause: error});
		});
		channel.once('close', () => {
			if (settled) return;
			settle();
			const connected = (target as {state?: string}).state === undefined || (target as {state?: string}).state === 'ready';
			if (!failure && !exited && !heard && retryable && connected) {
				reject(new SilentClose());
				return;
			}
			if (!failure && !exited) {
				failure = new RemoteError('disconnected', target.label, `${target.label}: the connection was lost while \`${shown}\` ran (it may or may not have finished)`);
			}
			if (failure) reject(failure);
			else resolve({code, signal});
		});
		const stdin = options.stdin;
		if (stdin === undefined) {
			channel.end();
		} else if (stdin instanceof Readable) {
			stdin.on('error', error => stop(new RemoteError('remote', target.label, `${target.label}: stdin of \`${shown}\`: ${error.message}`, {}, {cause: error})));
			stdin.pipe(channel);
		} else {
			channel.end(stdin);
		}
	});
	const stdoutBytes = out.bytes();
	const stderr = err.bytes().toString('utf8');
	if (sudo) {
		const problem = sudoProblem(result.code, stderr);
		if (problem) {
			throw new RemoteError('sudo', target.label, sudoAdvice(problem, target.user, target.host, argv));
		}
	}
	return {
		code: result.code,
		signal: result.signal,
		stdout: stdoutBytes.toString('utf8'),
		stderr,
		stdoutBytes,
		truncated: out.truncated || err.truncated,
	};
}

/** Like exec, but a non-zero exit (or a signal) rejects with the command, its status and its stderr. */
export async function execOk(target: ExecTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
	const result = await exec(target, argv, options);
	if (result.code !== 0) {
		const how = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with ${result.code}`;
		const detail = result.stderr.trim() || result.stdout.trim();
		throw new RemoteError('remote', target.label, `${target.label}: \`${argv.join(' ')}\` ${how}${detail ? `: ${detail.slice(0, 2000)}` : ''}`);
	}
	return result;
}
