import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
	decodeFrame,
	encodeFrame,
	encodeRequest,
	FLAG_ONEWAY,
	FrameDecoder,
	isOneway,
	isResponse,
	MAX_FRAME_BYTES,
	ProtocolError,
	type Frame,
} from '../../source/rocketmq/codec.ts';
import {fixtureFrame, fixtureFrames} from './fixtures.ts';
import {seededRandom} from '../../source/util/random.ts';

const frames = fixtureFrames();
const stream = Buffer.concat(frames.map(f => f.bytes));

/** The header exactly as written on the wire. */
const headerText = (bytes: Buffer): string => bytes.subarray(8, 8 + (bytes.readInt32BE(4) & 0xffffff)).toString('utf8');

function prefix(length: number, mark: number): Buffer {
	const b = Buffer.alloc(8);
	b.writeInt32BE(length | 0, 0);
	b.writeInt32BE(mark | 0, 4);
	return b;
}

/** A frame with an arbitrary header text. */
function rawFrame(header: string, body = Buffer.alloc(0), codec = 0): Buffer {
	const h = Buffer.from(header, 'utf8');
	return Buffer.concat([prefix(4 + h.length + body.length, (codec << 24) | h.length), h, body]);
}


function assertSameFrames(actual: Frame[], where: string): void {
	assert.equal(actual.length, frames.length, `${where}: frame count`);
	for (let i = 0; i < frames.length; i++) {
		const bytes = frames[i]!.bytes;
		const got = actual[i]!;
		if (!encodeFrame(got.header, got.body).equals(bytes)) assert.fail(`${where}: frame ${i} (${frames[i]!.name}) differs`);
	}
}

test('there are 56 fixture frames, top level and message-path/', () => {
	assert.equal(frames.length, 56);
	assert.equal(frames.filter(f => f.topLevel).length, 30);
	assert.ok(frames.some(f => f.name === 'message-path/notify-consumer-ids-changed.server-request.bin'));
	for (const f of frames) assert.equal(f.bytes.length, 4 + f.bytes.readInt32BE(0), `${f.name}: file size = 4 + length prefix`);
});

for (const f of frames) {
	test(`${f.name}: decodes, and encodeFrame(header, body) reproduces it byte for byte`, () => {
		const frame = decodeFrame(f.bytes);
		assert.equal(isResponse(frame.header), f.kind === 'response');
		assert.equal(JSON.stringify(frame.header), headerText(f.bytes), 'header key order and escapes are kept');
		const length = f.bytes.readInt32BE(0);
		const headerLength = f.bytes.readInt32BE(4) & 0xffffff;
		assert.equal(f.bytes[4], 0, 'codec byte is JSON');
		assert.equal(frame.body.length, length - 4 - headerLength);
		assert.ok(encodeFrame(frame.header, frame.body).equals(f.bytes));
	});
}

test('every top-level request is reproduced by encodeRequest from code/opaque/extFields/body', () => {
	const requests = frames.filter(f => f.topLevel && f.kind === 'request');
	assert.equal(requests.length, 15);
	for (const f of requests) {
		const {header, body} = decodeFrame(f.bytes);
		assert.deepEqual(Object.keys(header), ['code', 'language', 'version', 'opaque', 'flag', 'extFields'], f.name);
		const encoded = encodeRequest({code: header.code, opaque: header.opaque, extFields: header.extFields, ...(body.length > 0 ? {body} : {})});
		assert.ok(encoded.equals(f.bytes), `${f.name}: ${encoded.toString('latin1')} != ${f.bytes.toString('latin1')}`);
	}
});

test('encodeRequest: extFields defaults to {}, oneway sets flag 2', () => {
	const {header, body} = decodeFrame(encodeRequest({code: 106, opaque: 1}));
	assert.deepEqual(header, {code: 106, language: 'JAVA', version: 355, opaque: 1, flag: 0, extFields: {}});
	assert.equal(body.length, 0);
	assert.ok(encodeRequest({code: 106, opaque: 1}).equals(fixtureFrames().find(f => f.name === 'namesrv-cluster-info-2groups.request.bin')!.bytes));
	const oneway = decodeFrame(encodeRequest({code: 15, opaque: 2, oneway: true})).header;
	assert.equal(oneway.flag, FLAG_ONEWAY);
	assert.ok(isOneway(oneway));
});

test('headers with escapes round-trip: the real newline in a remark, \\" in extFields, \\u0001 in properties', () => {
	const route = fixtureFrame('namesrv-route-unknown-topic.response');
	assert.equal(route.header.remark, 'No topic route info in name server for the topic: NoSuchTopic\nSee http://rocketmq.apache.org/docs/faq/ for further details.');
	assert.equal(fixtureFrame('dledger-unknown-code.response').header.remark, ' request type 99999 not supported');
	assert.match(fixtureFrame('broker-config-leader.response').header.extFields!['version']!, /^\{"counter":0,"timestamp":\d+\}$/);
	const send = fixtureFrame('message-path/send-message-v2.request');
	assert.match(send.header.extFields!['i']!, /^UNIQ_KEY\u0001[0-9A-F]+\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002$/);
	assert.equal(send.body.toString(), 'Hello RocketMQ 0');
	// fastjson writes control characters as lowercase \u00XX, as JSON.stringify does; a different escape
	// spelling (e.g. "\/" or "\u0041") would decode to the same header but not re-encode byte for byte.
	const unusual = rawFrame('{"code":0,"flag":1,"opaque":1,"remark":"\\/\\u0041"}');
	const decoded = decodeFrame(unusual);
	assert.equal(decoded.header.remark, '/A');
	assert.ok(!encodeFrame(decoded.header, decoded.body).equals(unusual));
});

test('the concatenated stream in one push, and split in two at every byte boundary, yields the same frames', () => {
	const whole = new FrameDecoder().push(stream);
	assert.equal(whole.error, undefined);
	assertSameFrames(whole.frames, 'one push');
	for (let cut = 0; cut <= stream.length; cut++) {
		const decoder = new FrameDecoder();
		const a = decoder.push(stream.subarray(0, cut));
		const b = decoder.push(stream.subarray(cut));
		if (a.error || b.error) assert.fail(`cut ${cut}: ${(a.error ?? b.error)!.message}`);
		if (a.frames.length + b.frames.length !== frames.length) assert.fail(`cut ${cut}: ${a.frames.length}+${b.frames.length} frames`);
		if (cut === stream.length || cut % 997 === 0) assertSameFrames([...a.frames, ...b.frames], `cut ${cut}`);
		assert.equal(decoder.buffered, 0);
	}
});

test('each fixture frame split at every byte boundary decodes to itself', () => {
	for (const f of frames) {
		for (let cut = 0; cut <= f.bytes.length; cut++) {
			const decoder = new FrameDecoder();
			const a = decoder.push(f.bytes.subarray(0, cut));
			if (a.error || a.frames.length !== (cut === f.bytes.length ? 1 : 0)) assert.fail(`${f.name} cut ${cut}: first half`);
			if (decoder.buffered !== (cut === f.bytes.length ? 0 : cut)) assert.fail(`${f.name} cut ${cut}: buffered ${decoder.buffered}`);
			const b = decoder.push(f.bytes.subarray(cut));
			const got = [...a.frames, ...b.frames];
			if (b.error || got.length !== 1 || !encodeFrame(got[0]!.header, got[0]!.body).equals(f.bytes)) assert.fail(`${f.name} cut ${cut}`);
		}
	}
});

test('one byte at a time, and random chunk sizes (seeded), yield the same frames', () => {
	const decoder = new FrameDecoder();
	const got: Frame[] = [];
	for (let i = 0; i < stream.length; i++) {
		const r = decoder.push(stream.subarray(i, i + 1));
		assert.equal(r.error, undefined);
		got.push(...r.frames);
	}
	assertSameFrames(got, 'byte by byte');
	const random = seededRandom(0x5eed);
	for (let round = 0; round < 300; round++) {
		const d = new FrameDecoder();
		const out: Frame[] = [];
		const max = [2, 16, 300, 9000][round % 4]!;
		for (let i = 0; i < stream.length; ) {
			const n = 1 + Math.floor(random() * max);
			const r = d.push(stream.subarray(i, i + n));
			assert.equal(r.error, undefined);
			out.push(...r.frames);
			i += n;
		}
		assertSameFrames(out, `round ${round}`);
	}
});

test('a frame body is a copy: mutating the pushed chunk afterwards does not change it', () => {
	const bytes = Buffer.from(frames.find(f => f.name === 'dledger-metadata-ok.response.bin')!.bytes);
	const frame = decodeFrame(bytes);
	const before = Buffer.from(frame.body);
	bytes.fill(0);
	assert.ok(frame.body.equals(before));
});

test('declared length 16 MiB + 1: ProtocolError as soon as the 8-byte prefix is in, nothing allocated', () => {
	const decoder = new FrameDecoder();
	const head = prefix(MAX_FRAME_BYTES + 1, 20);
	assert.deepEqual(decoder.push(head.subarray(0, 7)), {frames: []});
	const before = process.memoryUsage().arrayBuffers;
	const started = performance.now();
	const r = decoder.push(head.subarray(7));
	assert.ok(performance.now() - started < 50);
	assert.ok(r.error instanceof ProtocolError);
	assert.match(r.error.message, /16777217/);
	assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024, 'no 16 MiB buffer was allocated');
	assert.equal(decoder.buffered, 0);
});

test('declared length exactly 16 MiB is accepted (the decoder waits for it); negative and < 4 are errors', () => {
	const ok = new FrameDecoder();
	assert.deepEqual(ok.push(prefix(MAX_FRAME_BYTES, 20)), {frames: []});
	assert.equal(ok.buffered, 8);
	for (const length of [-1, 0x80000000, 0, 3]) {
		const r = new FrameDecoder().push(prefix(length, 0));
		assert.ok(r.error instanceof ProtocolError, String(length));
	}
	const small = new FrameDecoder(1000);
	assert.ok(small.push(prefix(1001, 10)).error instanceof ProtocolError);
	assert.equal(new FrameDecoder(1000).push(prefix(1000, 10)).error, undefined);
});

test('header length larger than the frame is an error before the body arrives', () => {
	const r = new FrameDecoder().push(prefix(100, 97));
	assert.ok(r.error instanceof ProtocolError);
	assert.match(r.error.message, /header length 97 exceeds the frame \(96 bytes\)/);
	assert.equal(new FrameDecoder().push(prefix(100, 96)).error, undefined);
});

test('codec byte 1 (RocketMQ binary serialization) is rejected', () => {
	const r = new FrameDecoder().push(rawFrame('{"code":0,"flag":1,"opaque":1}', Buffer.alloc(0), 1));
	assert.ok(r.error instanceof ProtocolError);
	assert.match(r.error.message, /codec 1/);
	assert.deepEqual(r.frames, []);
});

test('a header that is not JSON, not an object, or lacks code/opaque/flag is a ProtocolError', () => {
	const bad = [
		'',
		'{',
		'not json',
		'{0:1}',
		'null',
		'[]',
		'42',
		'"x"',
		'{"opaque":1,"flag":0}',
		'{"code":1,"flag":0}',
		'{"code":1,"opaque":1}',
		'{"code":"1","opaque":1,"flag":0}',
		'{"code":1.5,"opaque":1,"flag":0}',
		'{"code":1,"opaque":null,"flag":0}',
		'{"code":1,"opaque":1,"flag":0,"extFields":[]}',
		'{"code":1,"opaque":1,"flag":0,"extFields":null}',
		'{"code":1,"opaque":1,"flag":0,"extFields":{"a":1}}',
		'{"code":1,"opaque":1,"flag":0,"remark":5}',
		'{"code":1,"opaque":1,"flag":0,"language":5}',
		'{"code":1,"opaque":1,"flag":0,"version":"355"}',
	];
	for (const header of bad) {
		const r = new FrameDecoder().push(rawFrame(header));
		assert.ok(r.error instanceof ProtocolError, header);
		assert.throws(() => decodeFrame(rawFrame(header)), ProtocolError, header);
	}
	assert.deepEqual(decodeFrame(rawFrame('{"code":1,"opaque":1,"flag":0}')).header, {code: 1, opaque: 1, flag: 0});
});

test('after an error the decoder stays failed, but frames before the error are returned', () => {
	const good = frames[0]!.bytes;
	const decoder = new FrameDecoder();
	const r = decoder.push(Buffer.concat([good, rawFrame('nope'), good]));
	assert.equal(r.frames.length, 1);
	assert.ok(r.error instanceof ProtocolError);
	assert.equal(decoder.buffered, 0);
	const again = decoder.push(good);
	assert.deepEqual(again.frames, []);
	assert.equal(again.error, r.error, 'the same error is returned');
	assert.equal(decoder.buffered, 0);
});

test('decodeFrame demands exactly one complete frame', () => {
	const good = frames[0]!.bytes;
	assert.throws(() => decodeFrame(Buffer.concat([good, good])), /exactly one frame/);
	assert.throws(() => decodeFrame(good.subarray(0, good.length - 1)), /exactly one frame/);
	assert.throws(() => decodeFrame(Buffer.concat([good, Buffer.from([0])])), /exactly one frame/);
	assert.throws(() => decodeFrame(Buffer.alloc(0)), ProtocolError);
});
