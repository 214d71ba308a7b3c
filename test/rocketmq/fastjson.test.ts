import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseFastjson, quoteBareIntegerKeys} from '../../source/rocketmq/fastjson.ts';
import {fixtureBody} from './fixtures.ts';

test('bare integer keys are quoted', () => {
	assert.equal(quoteBareIntegerKeys('{0:"a",12:"b"}'), '{"0":"a","12":"b"}');
	assert.deepEqual(parseFastjson('{"brokerAddrs":{0:"1.2.3.4:10911",2:"x"}}'), {brokerAddrs: {'0': '1.2.3.4:10911', '2': 'x'}});
});

test('negative keys are quoted', () => {
	assert.equal(quoteBareIntegerKeys('{-1:"a",-23:"b"}'), '{"-1":"a","-23":"b"}');
	assert.deepEqual(parseFastjson('{-1:"x"}'), {'-1': 'x'});
});

test('a lone minus sign is not a key', () => {
	assert.equal(quoteBareIntegerKeys('{-:"a"}'), '{-:"a"}');
	assert.throws(() => parseFastjson('{-:"a"}'), SyntaxError);
});

test('text inside strings is never touched, including escaped quotes and backslashes', () => {
	const cases = ['{"a":"{0:1}"}', '{"a":"x,1:y"}', '{"a":"\\"{0:","b":1}', '{"a":"\\\\","b":"{2:3}"}', '["{0:",",1:"]'];
	for (const text of cases) {
		assert.equal(quoteBareIntegerKeys(text), text, text);
		assert.deepEqual(parseFastjson(text), JSON.parse(text), text);
	}
	assert.deepEqual(parseFastjson('{"s":"{0:\\"x\\"}",5:"{1:"}'), {s: '{0:"x"}', '5': '{1:'});
});

test('nested maps', () => {
	const text = '{"watermarks":{1:{"n0":-1,"n1":5}},"t":{"a":{0:{1:{2:"deep"}}}}}';
	assert.deepEqual(parseFastjson(text), {watermarks: {'1': {n0: -1, n1: 5}}, t: {a: {'0': {'1': {'2': 'deep'}}}}});
});

test('whitespace around keys and before the colon', () => {
	assert.equal(quoteBareIntegerKeys('{ 0 :"a",\n\t1\t: "b" }'), '{ "0" :"a",\n\t"1"\t: "b" }');
	assert.deepEqual(parseFastjson('{ 0 :"a",\n\t1\t: "b" }'), {'0': 'a', '1': 'b'});
});

test('arrays of numbers and number values are untouched', () => {
	for (const text of ['[1,2,3]', '[ -1 , 2 ,3 ]', '{"a":[0,1],"b":-1,"c":{"d":[1,{"e":2}]}}', '{"x":1,"y":2}', '[[1,2],[3]]', '1', '-5']) {
		assert.equal(quoteBareIntegerKeys(text), text, text);
		assert.deepEqual(parseFastjson(text), JSON.parse(text), text);
	}
});

test('non-integer bare keys and other garbage stay invalid (SyntaxError)', () => {
	for (const text of ['{1.5:"a"}', '{a:1}', '{0:}', '{0:"a"', '', 'nope', '{,0:1}']) assert.throws(() => parseFastjson(text), SyntaxError, text);
});

test('Buffer and string input agree; UTF-8 is decoded', () => {
	const text = '{0:"héllo ✓"}';
	assert.deepEqual(parseFastjson(Buffer.from(text, 'utf8')), parseFastjson(text));
	assert.deepEqual(parseFastjson(text), {'0': 'héllo ✓'});
});

test('the real cluster-info and route bodies parse', () => {
	assert.deepEqual(parseFastjson(fixtureBody('namesrv-cluster-info-2groups.response')), {
		brokerAddrTable: {
			RaftNode01: {brokerAddrs: {'0': '127.0.0.1:11911', '2': '127.0.0.1:11921', '3': '127.0.0.1:11931'}, brokerName: 'RaftNode01', cluster: 'RaftCluster'},
			RaftNode00: {brokerAddrs: {'0': '127.0.0.1:10931', '1': '127.0.0.1:10911', '2': '127.0.0.1:10921'}, brokerName: 'RaftNode00', cluster: 'RaftCluster'},
		},
		clusterAddrTable: {RaftCluster: ['RaftNode01', 'RaftNode00']},
	});
	for (const name of ['namesrv-cluster-info-no-leader', 'namesrv-cluster-info-after-failover', 'namesrv-route-TBW102', 'message-path/java-route-TopicTest']) {
		const body = fixtureBody(`${name}.response`);
		assert.throws(() => JSON.parse(body.toString()), SyntaxError, `${name} is not plain JSON`);
		assert.equal(typeof parseFastjson(body), 'object', name);
	}
	// Bodies that are plain JSON already pass through unchanged.
	for (const name of ['dledger-metadata-ok.response', 'broker-runtime-info.response', 'message-path/heart-beat-consumer.request']) {
		const text = fixtureBody(name).toString();
		assert.equal(quoteBareIntegerKeys(text), text, name);
	}
});
