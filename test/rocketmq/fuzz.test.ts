/**
 * Seeded fuzzing of the frame decoder, the fastjson parser and the message decoders. Reproducible: a failure
 * message names the seed and the case number. The properties checked:
 *  - FrameDecoder.push never throws; a protocol error only comes back as `error` (a ProtocolError), and a
 *    failed decoder holds no bytes; `buffered` never exceeds MAX_FRAME_BYTES + the chunk just pushed;
 *  - a strict prefix of a valid frame is never an error;
 *  - parseFastjson throws only SyntaxError; the message decoders throw only MessageError;
 *  - the heap does not grow without bound over the run.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {FrameDecoder, MAX_FRAME_BYTES, ProtocolError, type Frame} from '../../source/rocketmq/codec.ts';
import {parseFastjson} from '../../source/rocketmq/fastjson.ts';
import {
	decodeBrokerConfig,
	decodeClusterInfo,
	decodeDledgerMetadata,
	decodeRuntimeInfo,
	decodeTopicRoute,
	MessageError,
	runtimeFigures,
} from '../../source/rocketmq/messages.ts';
import {fixtureFrames} from './fixtures.ts';
import {seededRandom} from '../../source/util/random.ts';

const SEED = 0x00c0ffee;


const random = seededRandom(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

function gcFunction(): (() => void) | undefined {
	try {
		setFlagsFromString('--expose-gc');
		return runInNewContext('gc') as () => void;
	} catch {
		return undefined;
	}
}

const frames = fixtureFrames();
const stream = Buffer.concat(frames.map(f => f.bytes));
/** Bodies worth feeding to the JSON decoders (the fastjson ones first). */
const jsonBodies = frames
	.map(f => f.bytes.subarray(8 + (f.bytes.readInt32BE(4) & 0xffffff)))
	.filter(b => b.length > 0 && (b[0] === 0x7b || b[0] === 0x5b));
const configBodies = frames.filter(f => f.name.startsWith('broker-config') && f.kind === 'response').map(f => f.bytes.subarray(8 + (f.bytes.readInt32BE(4) & 0xffffff)));
const JSONISH = Buffer.from('{}[]:,"\\0123456789-.eE ntrufalse\u0000\n');

let decoderCalls = 0;
let bodyCalls = 0;

function where(caseNo: number): string {
	return `seed ${SEED.toString(16)}, case ${caseNo}`;
}

/** Push the chunks; check the decoder's contract after each push. */
function feed(chunks: Buffer[], caseNo: number): {frames: Frame[]; error?: ProtocolError} {
	const decoder = new FrameDecoder();
	const out: Frame[] = [];
	let error: ProtocolError | undefined;
	for (const chunk of chunks) {
		let r;
		try {
			r = decoder.push(chunk);
		} catch (thrown) {
			assert.fail(`${where(caseNo)}: FrameDecoder.push threw ${String(thrown)}`);
		}
		decoderCalls++;
		// Stronger than "MAX_FRAME_BYTES + chunk": complete frames are always taken out, so what stays is less than one
		// maximal frame (4 + MAX_FRAME_BYTES), whatever the chunk size.
		if (decoder.buffered > MAX_FRAME_BYTES + 3) assert.fail(`${where(caseNo)}: buffered ${decoder.buffered}`);
		out.push(...r.frames);
		if (r.error) {
			if (!(r.error instanceof ProtocolError)) assert.fail(`${where(caseNo)}: error is not a ProtocolError: ${String(r.error)}`);
			if (error && r.error !== error) assert.fail(`${where(caseNo)}: a failed decoder changed its error`);
			if (decoder.buffered !== 0) assert.fail(`${where(caseNo)}: a failed decoder holds ${decoder.buffered} bytes`);
			error = r.error;
		} else if (error) assert.fail(`${where(caseNo)}: the decoder recovered after an error`);
	}
	for (const frame of out) checkBody(frame.body, caseNo);
	return error ? {frames: out, error} : {frames: out};
}

function randomChunks(bytes: Buffer, maxChunk: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let i = 0; i < bytes.length; ) {
		const n = 1 + int(maxChunk);
		chunks.push(bytes.subarray(i, i + n));
		i += n;
	}
	return chunks;
}

function expectOnly(fn: () => unknown, allowed: ReadonlyArray<new (...args: never[]) => Error>, what: string, caseNo: number): void {
	try {
		fn();
	} catch (thrown) {
		if (!allowed.some(type => thrown instanceof type)) assert.fail(`${where(caseNo)}: ${what} threw ${String((thrown as Error)?.stack ?? thrown)}`);
	}
}

/** Every decoder on a body: only MessageError may escape (parseFastjson: only SyntaxError). */
function checkBody(body: Buffer, caseNo: number): void {
	bodyCalls++;
	expectOnly(() => parseFastjson(body), [SyntaxError], 'parseFastjson', caseNo);
	expectOnly(() => decodeClusterInfo(body), [MessageError], 'decodeClusterInfo', caseNo);
	expectOnly(() => decodeTopicRoute(body), [MessageError], 'decodeTopicRoute', caseNo);
	expectOnly(() => decodeDledgerMetadata(body), [MessageError], 'decodeDledgerMetadata', caseNo);
	expectOnly(() => decodeBrokerConfig(body), [MessageError], 'decodeBrokerConfig', caseNo);
	expectOnly(() => runtimeFigures(decodeRuntimeInfo(body)), [MessageError], 'decodeRuntimeInfo/runtimeFigures', caseNo);
}

function randomBytes(n: number): Buffer {
	const b = Buffer.allocUnsafe(n);
	for (let i = 0; i < n; i++) b[i] = int(256);
	return b;
}

function flipBits(bytes: Buffer, flips: number): Buffer {
	const b = Buffer.from(bytes);
	for (let i = 0; i < flips; i++) {
		// Half of the flips land in the first 8 bytes + header, where they matter most.
		const limit = random() < 0.5 ? Math.min(b.length, 8 + (bytes.readInt32BE(4) & 0xffffff)) : b.length;
		const at = int(limit);
		b[at] = b[at]! ^ (1 << int(8));
	}
	return b;
}

/** Mutate JSON-ish text: replace, insert or delete characters from a JSON alphabet. */
function mutateText(bytes: Buffer): Buffer {
	const out = [...bytes];
	const edits = 1 + int(4);
	for (let e = 0; e < edits; e++) {
		const at = int(out.length + 1);
		const op = int(3);
		if (op === 0 && out.length > 0) out[Math.min(at, out.length - 1)] = pick([...JSONISH]);
		else if (op === 1) out.splice(at, 0, pick([...JSONISH]));
		else out.splice(at, 1);
	}
	return Buffer.from(out);
}

const VALUES: readonly unknown[] = [null, 0, -1, 1.5, 2 ** 60, '', 'x', '12', true, [], [1], ['a'], {}, {'0': 'a'}, {a: 1}, {__proto__: 1}];

/** Structure-aware mutation: parse, replace or delete one random node, re-serialise. */
function mutateStructure(body: Buffer): Buffer {
	const root = parseFastjson(body);
	const nodes: Array<{parent: Record<string, unknown> | unknown[]; key: string | number}> = [];
	const walk = (value: unknown): void => {
		if (Array.isArray(value)) value.forEach((v, i) => (nodes.push({parent: value, key: i}), walk(v)));
		else if (typeof value === 'object' && value !== null) {
			for (const [k, v] of Object.entries(value)) {
				nodes.push({parent: value as Record<string, unknown>, key: k});
				walk(v);
			}
		}
	};
	walk(root);
	if (nodes.length === 0) return Buffer.from(JSON.stringify(pick(VALUES)));
	const {parent, key} = pick(nodes);
	if (random() < 0.2 && !Array.isArray(parent)) delete parent[key as string];
	else (parent as Record<string | number, unknown>)[key] = structuredClone(pick(VALUES));
	return Buffer.from(JSON.stringify(root));
}

function overSizedPrefix(): Buffer {
	const b = Buffer.alloc(8 + int(8));
	const lengths = [MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 1 + int(2 ** 30), 0x7fffffff, -1 - int(2 ** 30), int(4)];
	b.writeInt32BE(pick(lengths) | 0, 0);
	b.writeInt32BE(int(2 ** 31), 4);
	return b;
}

test(`fuzz: 100,000+ inputs through FrameDecoder, parseFastjson and the message decoders (seed ${SEED.toString(16)})`, () => {
	const gc = gcFunction();
	gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	const started = performance.now();
	const counts = {random: 0, truncated: 0, flipped: 0, oversized: 0, stream: 0, text: 0, structure: 0};
	const TOTAL = 100_000;
	for (let caseNo = 0; caseNo < TOTAL; caseNo++) {
		const kind = caseNo % 20;
		if (kind < 6) {
			// Random bytes, sometimes behind a plausible prefix so the header parser is reached.
			counts.random++;
			const n = int(80);
			let bytes = randomBytes(n);
			if (random() < 0.6) {
				const head = Buffer.alloc(8);
				const h = int(n + 2);
				head.writeInt32BE(4 + n + int(3) - 1, 0);
				head.writeInt32BE(h, 4);
				bytes = Buffer.concat([head, bytes]);
			}
			feed(randomChunks(bytes, 1 + int(24)), caseNo);
		} else if (kind < 9) {
			// A strict prefix of a real frame: never an error, never a frame.
			counts.truncated++;
			const f = pick(frames).bytes;
			const cut = int(f.length);
			const r = feed(randomChunks(f.subarray(0, cut), 1 + int(64)), caseNo);
			if (r.error || r.frames.length > 0) assert.fail(`${where(caseNo)}: a prefix of ${cut} bytes gave ${r.frames.length} frames, ${r.error?.message}`);
		} else if (kind < 12) {
			counts.flipped++;
			const f = pick(frames).bytes;
			feed(randomChunks(flipBits(f, 1 + int(4)), 1 + int(512)), caseNo);
		} else if (kind < 13) {
			counts.oversized++;
			const bytes = Buffer.concat([overSizedPrefix(), randomBytes(int(32))]);
			const r = feed(randomChunks(bytes, 1 + int(12)), caseNo);
			if (!r.error) assert.fail(`${where(caseNo)}: an impossible declared length was accepted`);
		} else if (kind < 14) {
			// A window of the real stream, cut at random points, random chunking, optional garbage tail.
			counts.stream++;
			const start = random() < 0.5 ? 0 : int(stream.length);
			const window = stream.subarray(start, start + int(6000));
			const bytes = random() < 0.3 ? Buffer.concat([window, randomBytes(int(16))]) : window;
			const r = feed(randomChunks(bytes, 1 + int(700)), caseNo);
			if (start === 0 && bytes === window && r.error) assert.fail(`${where(caseNo)}: a prefix of the real stream failed: ${r.error.message}`);
		} else if (kind < 17) {
			counts.text++;
			const source = random() < 0.15 ? pick(configBodies) : pick(jsonBodies);
			checkBody(mutateText(source.length > 2000 ? source.subarray(0, 200 + int(1800)) : source), caseNo);
		} else {
			counts.structure++;
			checkBody(mutateStructure(pick(jsonBodies)), caseNo);
		}
	}
	const seconds = (performance.now() - started) / 1000;
	gc?.();
	const growth = process.memoryUsage().heapUsed - heapBefore;
	assert.ok(decoderCalls >= TOTAL, `${decoderCalls} decoder pushes`);
	assert.ok(growth < 64 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB over the run`);
	assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s`);
	console.log(`# fuzz: ${TOTAL} cases ${JSON.stringify(counts)}, ${decoderCalls} pushes, ${bodyCalls} bodies decoded, ${seconds.toFixed(1)} s, heap ${growth >= 0 ? '+' : ''}${(growth / 1048576).toFixed(1)} MiB${gc ? '' : ' (no gc)'}`);
});

test('fuzz: one long-lived decoder, random garbage until it fails, memory stays bounded', () => {
	for (let round = 0; round < 200; round++) {
		const decoder = new FrameDecoder(4096);
		for (let i = 0; i < 100; i++) {
			const chunk = random() < 0.5 ? pick(frames).bytes.subarray(0, 1 + int(300)) : randomBytes(1 + int(300));
			const r = decoder.push(chunk);
			assert.ok(decoder.buffered <= 4096 + 3);
			if (r.error) {
				assert.ok(r.error instanceof ProtocolError);
				assert.equal(decoder.buffered, 0);
				break;
			}
		}
	}
});
