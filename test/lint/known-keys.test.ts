import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {BROKER_KEYS_4_7_1} from '../../source/lint/known-keys.ts';
import {BOOLEAN_KEYS, ENUM_KEYS, NUMBER_KEYS} from '../../source/lint/key-types.ts';

/** The captured GET_BROKER_CONFIG response: int32 BE length, int32 BE (codec << 24 | header length), JSON header, body. */
function capturedBrokerConfig(): Map<string, string> {
	const frame = readFileSync(new URL('../fixtures/rocketmq-4.7.1/broker-config-leader.response.bin', import.meta.url));
	assert.equal(frame.readInt32BE(0), frame.length - 4, 'the length field counts everything after it');
	const codecAndLength = frame.readUInt32BE(4);
	assert.equal(codecAndLength >>> 24, 0, 'JSON header codec');
	const headerLength = codecAndLength & 0xffffff;
	const header = JSON.parse(frame.subarray(8, 8 + headerLength).toString('utf8')) as {code: number; flag: number};
	assert.equal(header.code, 0, 'SUCCESS');
	assert.equal(header.flag & 1, 1, 'a response');
	const body = frame.subarray(8 + headerLength).toString('latin1');
	return new Map(body.split('\n').filter(Boolean).map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

test('BROKER_KEYS_4_7_1 is exactly the key set of the captured GET_BROKER_CONFIG body', () => {
	const captured = [...capturedBrokerConfig().keys()].sort();
	assert.ok(captured.length > 150, `parsed ${captured.length} keys`);
	assert.deepEqual([...BROKER_KEYS_4_7_1].sort(), captured);
});

test('the key types partition the captured keys by the shape of their values', () => {
	const config = capturedBrokerConfig();
	for (const [key, value] of config) {
		const isBoolean = value === 'true' || value === 'false';
		const isNumber = /^-?\d+$/.test(value) && key !== 'deleteWhen';
		assert.equal(BOOLEAN_KEYS.has(key), isBoolean, `${key}=${value}: boolean?`);
		assert.equal(NUMBER_KEYS.has(key), isNumber, `${key}=${value}: number?`);
	}
	for (const [key, allowed] of ENUM_KEYS) assert.ok(allowed.includes(config.get(key)!), `${key}=${config.get(key)} is one of ${allowed.join(', ')}`);
	for (const key of [...BOOLEAN_KEYS, ...NUMBER_KEYS, ...ENUM_KEYS.keys()]) assert.ok(BROKER_KEYS_4_7_1.has(key), `${key} is a 4.7.1 key`);
});
