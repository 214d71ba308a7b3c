/** How each image reaches each host: present, archive, copy from the first holder, build on one host, or pull. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildHost, buildImageArgs, imagesOfHost, planImageSupply, type ImageSupply} from '../../source/deploy/image-supply.ts';
import {renderCluster} from '../../source/render/render.ts';
import {planOf, seed} from './sim-support.ts';

const RMQ = 'apacherocketmq/rocketmq:4.7.1-alpine';
const CONSOLE = 'apacherocketmq/rocketmq-console:2.0.0';
const plan = planOf(seed());
const files = renderCluster(plan);
const [A, B, C] = ['192.168.1.71', '192.168.1.76', '192.168.1.77'];
const present = (entries: Record<string, Record<string, string>>) => new Map(Object.entries(entries).map(([h, m]) => [h, new Map(Object.entries(m))]));
const summary = (supply: Map<string, ImageSupply[]>) =>
	Object.fromEntries([...supply].map(([h, list]) => [h, list.map(s => `${s.image.split('/')[1]} ${s.how}${s.from ? ` ${s.from}` : ''}`)]));

test('the images of a host: RocketMQ everywhere, the console only where it runs', () => {
	assert.deepEqual(imagesOfHost(files, A), [CONSOLE, RMQ]);
	assert.deepEqual(imagesOfHost(files, B), [RMQ]);
	assert.deepEqual(imagesOfHost(files, 'nowhere'), []);
});

test('present stays; the rest is copied from the first host (plan order) that has it, else pulled', () => {
	const supply = planImageSupply(plan, files, present({[B]: {[RMQ]: 'sha256:b'}, [C]: {[RMQ]: 'sha256:c', [CONSOLE]: 'sha256:cc'}}), {archive: false, build: false});
	assert.deepEqual(summary(supply), {
		[A]: [`rocketmq-console:2.0.0 copy ${C}`, `rocketmq:4.7.1-alpine copy ${B}`],
		[B]: ['rocketmq:4.7.1-alpine present'],
		[C]: ['rocketmq:4.7.1-alpine present'],
	});
	assert.equal(supply.get(B)![0]!.id, 'sha256:b');
	assert.deepEqual(summary(planImageSupply(plan, files, present({}), {archive: false, build: false}))[B], ['rocketmq:4.7.1-alpine pull']);
});

test('an archive serves every missing image, even one another host has', () => {
	const supply = planImageSupply(plan, files, present({[B]: {[RMQ]: 'sha256:b'}}), {archive: true, build: true});
	assert.deepEqual(summary(supply)[A], ['rocketmq-console:2.0.0 archive', 'rocketmq:4.7.1-alpine archive']);
	assert.equal(buildHost(supply), undefined);
});

test('--build-image: only when no host has the RocketMQ image; the first host builds, the others copy from it; the console image is still pulled', () => {
	const supply = planImageSupply(plan, files, present({}), {archive: false, build: true});
	assert.deepEqual(summary(supply), {
		[A]: ['rocketmq-console:2.0.0 pull', 'rocketmq:4.7.1-alpine build'],
		[B]: [`rocketmq:4.7.1-alpine copy ${A}`],
		[C]: [`rocketmq:4.7.1-alpine copy ${A}`],
	});
	assert.deepEqual(buildHost(supply), {host: A, image: RMQ});
	const held = planImageSupply(plan, files, present({[C]: {[RMQ]: 'sha256:c'}}), {archive: false, build: true});
	assert.equal(buildHost(held), undefined, 'a host has it: copying beats building');
	assert.deepEqual(summary(held)[A], ['rocketmq-console:2.0.0 pull', `rocketmq:4.7.1-alpine copy ${C}`]);
});

test('build-image.sh arguments from the image name, as the script tags it', () => {
	assert.deepEqual(buildImageArgs('apacherocketmq/rocketmq:4.7.1-alpine'), {ok: true, version: '4.7.1', base: 'alpine'});
	assert.deepEqual(buildImageArgs('apacherocketmq/rocketmq:4.9.4'), {ok: true, version: '4.9.4', base: 'centos'});
	assert.deepEqual(buildImageArgs('docker.io/apacherocketmq/rocketmq:4.7.1-alpine'), {ok: true, version: '4.7.1', base: 'alpine'});
	for (const image of ['registry.local/rocketmq:4.7.1-alpine', 'apacherocketmq/rocketmq:latest', 'apacherocketmq/rocketmq:4.7.1-ubuntu', 'foxiswho/rocketmq:4.7.1']) {
		const r = buildImageArgs(image);
		assert.equal(r.ok, false, image);
		if (!r.ok) {
			assert.match(r.error, new RegExp(`the cluster's image is ${image.replace(/[./]/g, '\\$&')}$`));
			assert.match(r.fix, /--image-archive FILE/);
		}
	}
});
