/** The real RocketMQ 4.7.1 frames in test/fixtures/rocketmq-4.7.1 (each .bin is one complete frame, length prefix included). */
import {readdirSync, readFileSync} from 'node:fs';
import {decodeFrame, type Frame} from '../../source/rocketmq/codec.ts';

export const FIXTURE_DIR = new URL('../fixtures/rocketmq-4.7.1/', import.meta.url);

export interface FixtureFrame {
	/** Path relative to the fixture directory, e.g. "namesrv-route-TBW102.request.bin" or "message-path/pull-message-code0.response.bin". */
	name: string;
	/** True for the files at the top level (sent and received by our own Node client). */
	topLevel: boolean;
	kind: 'request' | 'response' | 'server-request';
	bytes: Buffer;
}

function kindOf(name: string): FixtureFrame['kind'] {
	if (name.endsWith('.server-request.bin')) return 'server-request';
	if (name.endsWith('.request.bin')) return 'request';
	if (name.endsWith('.response.bin')) return 'response';
	throw new Error(`fixture ${name} is neither a request nor a response`);
}

let cache: FixtureFrame[] | undefined;

/** Every fixture frame, top level first, then message-path/, each sorted by name. */
export function fixtureFrames(): FixtureFrame[] {
	cache ??= ['', 'message-path/'].flatMap(sub =>
		readdirSync(new URL(sub || '.', FIXTURE_DIR))
			.filter(f => f.endsWith('.bin'))
			.sort()
			.map(f => ({name: sub + f, topLevel: sub === '', kind: kindOf(f), bytes: readFileSync(new URL(sub + f, FIXTURE_DIR))})),
	);
	return cache;
}

/** One fixture's bytes, by its relative name (".bin" may be left out). */
export function fixtureBytes(name: string): Buffer {
	const file = name.endsWith('.bin') ? name : `${name}.bin`;
	const found = fixtureFrames().find(f => f.name === file);
	if (!found) throw new Error(`no fixture frame ${file}`);
	return found.bytes;
}

/** One fixture, decoded. */
export function fixtureFrame(name: string): Frame {
	return decodeFrame(fixtureBytes(name));
}

/** A response fixture's body. */
export const fixtureBody = (name: string): Buffer => fixtureFrame(name).body;
