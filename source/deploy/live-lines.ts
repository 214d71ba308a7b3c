/**
 * Lines out of chunked streams (a remote `tail -F`, `docker logs --follow`, Docker's event stream), and the
 * delivery of those lines to a LogSink: batched, bounded, never after the subscriber left, ended exactly once.
 */
import {StringDecoder} from 'node:string_decoder';
import type {LogSink} from './host.ts';

/** Longest line kept whole; a longer one is cut into pieces of this size (a line without end must not grow forever). */
export const MAX_LINE_CHARS = 64 * 1024;

const withoutCR = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Splits a byte or text stream into complete lines (LF or CRLF; UTF-8 sequences may be cut anywhere between
 * chunks). A partial last line waits for the rest, or for end().
 */
export class LineSplitter {
	private readonly decoder = new StringDecoder('utf8');
	private partial = '';

	constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

	push(chunk: Buffer | string): string[] {
		const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
		const parts = text.split('\n');
		this.partial = parts.pop()!;
		const lines = parts.map(withoutCR);
		while (this.partial.length > this.maxLineChars) {
			lines.push(this.partial.slice(0, this.maxLineChars));
			this.partial = this.partial.slice(this.maxLineChars);
		}
		return lines;
	}

	/** The stream ended: the partial last line, if any. */
	end(): string[] {
		const rest = withoutCR(this.partial + this.decoder.end());
		this.partial = '';
		return rest === '' ? [] : [rest];
	}
}

/** Lines of text that may hold several (a multi-line log entry), as separate lines. */
export const splitLines = (texts: readonly string[]): string[] => texts.flatMap(t => t.split('\n').map(withoutCR));

/** The last `n` of `lines` (none for n ≤ 0). */
export const lastLines = (lines: readonly string[], n: number): string[] => (n > 0 ? lines.slice(-n) : []);

/** Lines kept waiting for the sink at most (a flood faster than the event loop drops the oldest). */
export const MAX_PENDING_LINES = 10_000;

/**
 * Delivers lines to a sink on the next turn of the event loop, many at a time: the producer never calls into the
 * UI synchronously, at most `max` lines wait (the oldest are dropped beyond), `end` comes after the last lines and
 * once, and nothing reaches the sink after close() (the subscriber left).
 */
export class LineBatcher {
	private pending: string[] = [];
	private scheduled = false;
	private ending: {error?: Error} | undefined;
	private closed = false;
	/** Lines dropped because the sink fell behind by more than `max`. */
	dropped = 0;

	constructor(
		private readonly sink: LogSink,
		private readonly max = MAX_PENDING_LINES,
	) {}

	get done(): boolean {
		return this.closed || this.ending !== undefined;
	}

	push(lines: readonly string[]): void {
		if (this.done || lines.length === 0) return;
		for (const line of lines) this.pending.push(line);
		if (this.pending.length > this.max) {
			const excess = this.pending.length - this.max;
			this.dropped += excess;
			this.pending.splice(0, excess);
		}
		this.schedule();
	}

	/** The stream ended (error: it failed): the pending lines first, then sink.end. */
	end(error?: Error): void {
		if (this.done) return;
		this.ending = error ? {error} : {};
		this.schedule();
	}

	/** The subscriber left: nothing more reaches the sink. */
	close(): void {
		this.closed = true;
		this.pending = [];
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => this.flush());
	}

	private flush(): void {
		this.scheduled = false;
		if (this.closed) return;
		const lines = this.pending;
		this.pending = [];
		if (lines.length > 0) this.sink.lines(lines);
		if (this.ending && !this.closed) {
			this.closed = true;
			this.sink.end(this.ending.error);
		}
	}
}
