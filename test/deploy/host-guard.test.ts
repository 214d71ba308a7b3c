/** No host call may hang: the deadline, a dropped session, and a stream that opens after it was given up on. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {guardCall, guarded, type SessionEvents} from '../../source/deploy/host-guard.ts';
import {HostError} from '../../source/deploy/host.ts';

function fakeSession(): SessionEvents & {emit(event: {type: string; error?: Error}): void; listeners: number} {
	const listeners = new Set<(event: {type: string; error?: Error}) => void>();
	return {
		on(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		emit: event => listeners.forEach(l => l(event)),
		get listeners() {
			return listeners.size;
		},
	};
}

const later = <T>(ms: number, value: T) => new Promise<T>(resolve => setTimeout(() => resolve(value), ms));
const rejection = async (p: Promise<unknown>): Promise<HostError> => {
	try {
		await p;
	} catch (error) {
		assert.ok(error instanceof HostError, String(error));
		return error;
	}
	assert.fail('resolved');
};

test('the value or the call\'s own error passes through; the session listener is removed', async () => {
	const session = fakeSession();
	assert.equal(await guardCall('h1', 'listing', later(5, 42), session, 1000), 42);
	await assert.rejects(guardCall('h1', 'listing', Promise.reject(new Error('boom')), session, 1000), /boom/);
	assert.equal(session.listeners, 0);
});

test('a call past its deadline fails as a timeout naming host, call and deadline', async () => {
	const session = fakeSession();
	const error = await rejection(guardCall('10.0.0.2', 'pullImage', new Promise(() => {}), session, 30));
	assert.equal(error.kind, 'timeout');
	assert.equal(error.message, '10.0.0.2: pullImage: no answer within 0 s');
	assert.equal(session.listeners, 0);
});

test('a session that drops (retrying or closed) fails the call at once with the session\'s error', async () => {
	for (const type of ['retrying', 'closed']) {
		const session = fakeSession();
		const pending = guardCall('h2', 'facts', new Promise(() => {}), session, 60_000);
		session.emit({type: 'connected'});
		session.emit({type, error: new Error('keepalive timeout')});
		const error = await rejection(pending);
		assert.equal(error.kind, 'unreachable');
		assert.equal(error.message, 'h2: facts: keepalive timeout');
	}
});

test('a stream that opens after its call was given up on is closed, not left running', async () => {
	const session = fakeSession();
	let closed = 0;
	const unsubscribe = async () => {
		closed++;
	};
	await rejection(guardCall('h3', 'watchEvents', later(40, unsubscribe), session, 10));
	await later(60, undefined);
	assert.equal(closed, 1);
	// In time: the caller gets it and nothing is closed for it.
	const value = await guardCall('h3', 'watchEvents', later(5, unsubscribe), session, 1000);
	assert.equal(value, unsubscribe);
	assert.equal(closed, 1);
});

test('guarded: every promise-returning method gets its own deadline; close and plain values are left alone', async () => {
	const session = fakeSession();
	const host = {
		name: 'h4',
		slow: () => new Promise(() => {}),
		quick: () => later(1, 'ok'),
		count: () => 7,
		close: () => new Promise(() => {}),
	};
	const g = guarded(host, session, {default: 20, quick: 1000});
	assert.equal(await g.quick(), 'ok');
	assert.equal(g.count(), 7);
	assert.match((await rejection(g.slow())).message, /^h4: slow: no answer within 0 s$/);
	let settled = false;
	void g.close().then(() => (settled = true));
	await later(50, undefined);
	assert.equal(settled, false, 'close is never cut short');
});
