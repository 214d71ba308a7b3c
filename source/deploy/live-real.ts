/**
 * The live streams of a real host, all over its ONE SSH connection: Docker's event stream and `docker logs
 * --follow` (long HTTP responses of the Docker API through the same channels as every other call), a remote
 * `tail -F` of a file (an exec channel), and the host's clock. Every stream ends with an error when the connection
 * drops (ssh keepalive notices a silent one), never hangs; stopping one closes its channel and ends the remote
 * process.
 */
import type {Readable} from 'node:stream';
import type Docker from 'dockerode';
import type {ClientChannel} from 'ssh2';
import {commandLine, sudoAdvice, sudoProblem} from '../remote/command.ts';
import {RemoteError, type RemoteErrorKind} from '../remote/errors.ts';
import {exec, needsSudo, type ExecTarget} from '../remote/exec.ts';
import {HostError, type ContainerEvent, type HostErrorKind, type LogSink, type Unsubscribe} from './host.ts';
import {containerEventOf, offsetFrom, parseDateMs, parseEventLine, type ClockSample} from './live-events.ts';
import {LineBatcher, LineSplitter} from './live-lines.ts';

/**
 * `tail -n N -F -- FILE` that dies when its channel goes: the shell keeps the channel's stdin and kills tail at EOF
 * (sent by the unsubscribe, or by sshd when the connection is gone). Signals are not enough: sshd ignores signal
 * requests of root sessions, and a closed channel stops a quiet `tail` only at its next write.
 */
export const FOLLOW_SCRIPT = [
	'exec 3<&0',
	'tail -n "$1" -F -- "$2" </dev/null &',
	't=$!',
	'(read -r _ <&3; kill "$t") >/dev/null 2>&1 &',
	'wait "$t"',
].join('\n');

const messageOf = (error: unknown): string => {
	const e = error as {json?: {message?: string}; message?: string};
	return e?.json?.message ?? e?.message ?? String(error);
};

const KIND_OF: Partial<Record<RemoteErrorKind, HostErrorKind>> = {
	timeout: 'timeout',
	auth: 'auth',
	'host-key-changed': 'host-key',
	'host-key-revoked': 'host-key',
	'host-key-declined': 'host-key',
	sudo: 'permission',
	remote: 'command',
};

/** Any failure as the HostError the port promises (a RemoteError keeps its meaning: lost, auth, sudo…). */
export function hostErrorOf(host: string, what: string, error: unknown): HostError {
	if (error instanceof HostError) return error;
	if (error instanceof RemoteError) return new HostError(host, KIND_OF[error.kind] ?? 'unreachable', `${what}: ${error.message}`);
	return new HostError(host, 'docker', `${what}: ${messageOf(error)}`);
}

const waitClose = (closed: Promise<void>, ms: number) => Promise.race([closed, new Promise<void>(resolve => setTimeout(resolve, ms).unref())]);

interface ResponseEnd {
	/** The response came to its end (Docker ended it); false: it was cut. */
	complete: boolean;
	error?: Error;
}

/**
 * Follows a long HTTP response of the Docker API until it ends, fails or is cut (the channel under it closed).
 * `onEnd` is called once, and never after the returned Unsubscribe was called; that one destroys the response
 * (its channel closes, Docker stops sending) and resolves once it is closed.
 */
export function watchResponse(stream: NodeJS.ReadableStream, onData: ((chunk: Buffer) => void) | undefined, onEnd: (end: ResponseEnd) => void): Unsubscribe {
	const readable = stream as Readable;
	let finished = false;
	let left = false;
	let complete = false;
	const closed = new Promise<void>(resolve => readable.once('close', resolve));
	const finish = (error?: Error) => {
		if (finished) return;
		finished = true;
		if (!left) onEnd({complete: complete && !error, ...(error ? {error} : {})});
	};
	readable.on('data', (chunk: Buffer) => {
		if (!finished && !left) onData?.(chunk);
	});
	readable.once('end', () => {
		complete = true;
		finish();
	});
	readable.once('error', (error: Error) => finish(error));
	readable.once('close', () => finish());
	return async () => {
		if (left) return;
		left = true;
		if (readable.closed) return;
		readable.destroy();
		await waitClose(closed, 2000);
	};
}

export interface StreamContext {
	/** The host's name, for errors. */
	host: string;
	/** Whether the SSH connection is still up (tells "Docker ended it" from "the connection was lost"). */
	connected: () => boolean;
}

function endedError(context: StreamContext, what: string, end: ResponseEnd): HostError {
	if (!context.connected()) return new HostError(context.host, 'unreachable', `${what} ended: the SSH connection was lost${end.error ? ` (${end.error.message})` : ''}`);
	return new HostError(context.host, 'docker', `${what} ended: ${end.complete ? 'Docker closed it' : end.error?.message ?? 'its channel closed'}`);
}

/** Container events of Docker's /events stream (type=container) as ContainerEvents on this machine's clock. */
export async function watchDockerEvents(
	docker: Docker,
	context: StreamContext,
	offsetMs: number,
	onEvent: (event: ContainerEvent) => void,
	onEnd: (error?: Error) => void,
): Promise<Unsubscribe> {
	let stream: NodeJS.ReadableStream;
	try {
		stream = await docker.getEvents({filters: {type: ['container']}});
	} catch (error) {
		throw hostErrorOf(context.host, 'watching Docker events', error);
	}
	const lines = new LineSplitter();
	let left = false;
	const stop = watchResponse(
		stream,
		chunk => {
			for (const line of lines.push(chunk)) {
				const event = containerEventOf(context.host, parseEventLine(line), offsetMs);
				if (event && !left) onEvent(event);
			}
		},
		end => onEnd(endedError(context, 'the Docker event stream', end)),
	);
	return async () => {
		left = true;
		await stop();
	};
}

/** `docker logs --follow --tail N` of a container, stdout and stderr demultiplexed, line by line. */
export async function followDockerLogs(docker: Docker, context: StreamContext, name: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
	let stream: NodeJS.ReadableStream;
	try {
		stream = await docker.getContainer(name).logs({follow: true, stdout: true, stderr: true, tail: Math.max(0, Math.floor(tail))});
	} catch (error) {
		throw hostErrorOf(context.host, `following the logs of ${name}`, error);
	}
	const batch = new LineBatcher(sink);
	const out = new LineSplitter();
	const err = new LineSplitter();
	const writer = (lines: LineSplitter) => ({write: (chunk: Buffer) => (batch.push(lines.push(chunk)), true)}) as unknown as NodeJS.WritableStream;
	// a container with a TTY sends its output raw: demuxStream notices the missing frame header and passes it through
	docker.modem.demuxStream(stream, writer(out), writer(err));
	const stop = watchResponse(stream, undefined, end => {
		batch.push([...out.end(), ...err.end()]);
		// the logs of a container that stops end normally
		batch.end(end.complete ? undefined : endedError(context, `the logs of ${name}`, end));
	});
	return async () => {
		batch.close();
		await stop();
	};
}

/** `tail -n N -F -- PATH` on the host (as root: sudo for another user; broker logs belong to uid 3000), line by line. */
export async function followRemoteFile(target: ExecTarget, context: StreamContext, path: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
	const sudo = needsSudo(target.user);
	const argv = ['sh', '-c', FOLLOW_SCRIPT, 'sh', String(Math.max(0, Math.floor(tail))), path];
	let channel: ClientChannel;
	try {
		channel = await target.openExec(commandLine(argv, {sudo}));
	} catch (error) {
		throw hostErrorOf(context.host, `following ${path}`, error);
	}
	const batch = new LineBatcher(sink);
	const lines = new LineSplitter();
	let stderr = '';
	let exit: {code: number | null; signal: string | undefined} | undefined;
	let left = false;
	channel.on('data', (chunk: Buffer) => batch.push(lines.push(chunk)));
	channel.stderr.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString('utf8')).slice(-4096);
	});
	channel.on('exit', (code: number | null, signal?: string) => {
		exit = {code, signal};
	});
	channel.on('error', () => {
		// 'close' follows and says how it ended
	});
	const closed = new Promise<void>(resolve =>
		channel.once('close', () => {
			batch.push(lines.end());
			if (!left) batch.end(tailEnded(context, target, argv, path, exit, stderr));
			resolve();
		}),
	);
	return async () => {
		if (left) return;
		left = true;
		batch.close();
		try {
			channel.end(); // EOF: the script kills tail and exits, sshd closes the channel
		} catch {
			// already gone
		}
		await waitClose(closed, 3000);
		channel.close();
	};
}

function tailEnded(context: StreamContext, target: ExecTarget, argv: readonly string[], path: string, exit: {code: number | null; signal: string | undefined} | undefined, stderr: string): HostError {
	if (!exit) return new HostError(context.host, 'unreachable', `following ${path} ended: the SSH connection was lost`);
	const problem = needsSudo(target.user) ? sudoProblem(exit.code, stderr) : undefined;
	if (problem) return new HostError(context.host, 'permission', sudoAdvice(problem, target.user, target.host, argv));
	const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with ${exit.code}`;
	return new HostError(context.host, 'command', `following ${path}: tail ${how}${stderr.trim() ? `: ${stderr.trim().slice(-500)}` : ''}`);
}

/** How far the host's clock is ahead of this one (ms): `date +%s%3N`, the shortest of `samples` round trips, at its midpoint. */
export async function measureClockOffset(target: ExecTarget, host: string, samples = 3, now: () => number = Date.now): Promise<number> {
	const taken: ClockSample[] = [];
	for (let i = 0; i < samples; i++) {
		const sentMs = now();
		let stdout: string;
		try {
			const result = await exec(target, ['date', '+%s%3N'], {timeoutMs: 10_000});
			stdout = result.stdout;
		} catch (error) {
			throw hostErrorOf(host, 'reading the clock', error);
		}
		const backMs = now();
		const hostMs = parseDateMs(stdout);
		if (hostMs === undefined) throw new HostError(host, 'command', `reading the clock: \`date +%s%3N\` said ${JSON.stringify(stdout.trim().slice(0, 80))}`);
		taken.push({sentMs, hostMs, backMs});
	}
	return offsetFrom(taken) ?? 0;
}
