/** Deploy progress state from events, and the plain lines the CLI prints. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {DeployEvent} from '../../source/deploy/events.ts';
import {eventLine, initialProgress, progressReducer} from '../../source/deploy/progress.ts';

const fold = (events: DeployEvent[]) => events.reduce((s, e, i) => progressReducer(s, e, 1000 + i * 100), initialProgress(['h1', 'h2']));

test('host steps, details, image progress and checks per host; unknown hosts are added', () => {
	const s = fold([
		{type: 'host', host: 'h1', step: 'connect', state: 'running'},
		{type: 'host', host: 'h1', step: 'connect', state: 'ok'},
		{type: 'host', host: 'h1', step: 'image', state: 'running'},
		{type: 'image', host: 'h1', image: 'img', progress: {text: 'uploading 90 MiB / 180 MiB', fraction: 0.5}},
		{type: 'host', host: 'h2', step: 'files', state: 'failed', detail: 'h2, step files: connection lost'},
		{type: 'checks', host: 'h2', checks: [{id: 'clock', title: 'Clock offset', status: 'warn', detail: '+900 ms', fix: 'run NTP'}]},
		{type: 'host', host: 'h3', step: 'lock', state: 'ok'},
	]);
	assert.equal(s.hosts[0]!.steps.connect, 'ok');
	assert.deepEqual(s.hosts[0]!.image, {image: 'img', text: 'uploading 90 MiB / 180 MiB', fraction: 0.5});
	assert.equal(s.hosts[1]!.steps.files, 'failed');
	assert.equal(s.hosts[1]!.detail, 'h2, step files: connection lost');
	assert.equal(s.hosts[1]!.checks[0]!.id, 'clock');
	assert.deepEqual(s.hosts.map(h => h.host), ['h1', 'h2', 'h3']);
	const done = progressReducer(s, {type: 'host', host: 'h1', step: 'image', state: 'ok', detail: 'loaded'});
	assert.equal(done.hosts[0]!.image, undefined, 'image progress cleared when the step ends');
});

test('rollout rows keep their start and end times', () => {
	const s = fold([
		{type: 'rollout', index: 0, total: 2, title: 'name servers', state: 'running'},
		{type: 'rollout', index: 0, total: 2, title: 'name servers', state: 'ok'},
		{type: 'rollout', index: 1, total: 2, title: 'brokers', state: 'running'},
		{type: 'rollout', index: 1, total: 2, title: 'brokers', state: 'failed', detail: 'timed out'},
		{type: 'note', level: 'warn', text: 'containers not changed'},
	]);
	assert.deepEqual(s.rollout.map(r => [r.title, r.state, r.startedAt, r.endedAt]), [['name servers', 'ok', 1000, 1100], ['brokers', 'failed', 1200, 1300]]);
	assert.equal(s.rollout[1]!.detail, 'timed out');
	assert.deepEqual(s.notes, [{level: 'warn', text: 'containers not changed'}]);
});

test('plain lines: finished steps, non-ok checks with fixes, rollout, notes; chatty events dropped', () => {
	assert.equal(eventLine({type: 'host', host: 'h1', step: 'connect', state: 'running'}), undefined);
	assert.equal(eventLine({type: 'host', host: 'h1', step: 'files', state: 'ok', detail: '5 written'}), 'h1  files      ok  5 written');
	assert.equal(eventLine({type: 'checks', host: 'h1', checks: [{id: 'docker', title: 'Docker reachable', status: 'ok', detail: 'Docker 20.10'}]}), undefined);
	assert.equal(eventLine({type: 'checks', host: 'h1', checks: [{id: 'ports', title: 'Ports free', status: 'fail', detail: '9876 held', fix: 'stop it'}]}), 'h1  preflight  fail  Ports free: 9876 held\n    fix: stop it');
	assert.equal(eventLine({type: 'image', host: 'h1', image: 'i', progress: {text: 'x', fraction: 0.3}}), undefined);
	assert.equal(eventLine({type: 'image', host: 'h1', image: 'i', progress: {text: 'loaded 180 MiB', fraction: 1}}), 'h1  image      loaded 180 MiB');
	assert.equal(eventLine({type: 'rollout', index: 1, total: 3, title: 'brokers', state: 'ok'}), 'rollout 2/3  brokers: ok');
	assert.equal(eventLine({type: 'note', level: 'warn', text: 'x'}), 'warning: x');
});
