/**
 * `--build-image DIR` on real hosts: no host has the RocketMQ image and there is no registry; the first host gets
 * the checkout's image-build scripts and runs `sh build-image.sh 4.7.1 alpine` with its own docker CLI, as the guide
 * does; the other hosts get the built image copied (docker save | docker load through this machine); the cluster
 * elects. A build that fails (its download refused) stops at that host's image step, with the build's last lines and
 * the way out, before any container changes. The checkout is a stand-in (test/fixtures/rocketmq-docker-standin)
 * with the real script's interface whose Dockerfile starts from the test image instead of downloading RocketMQ.
 */
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {readBuildScripts} from '../../source/deploy/build-scripts.ts';
import type {Testbed} from '../testbed/testbed.ts';
import {BROKER_IMAGE} from '../testbed/images.ts';
import {deployTo, needTestbed, testCluster, useTestbed, wipeHosts} from './support.ts';

const testbed = useTestbed();
const CHECKOUT = fileURLToPath(new URL('../fixtures/rocketmq-docker-standin', import.meta.url));
const BASE = 'rmq-tui-test/rocketmq-base:build';

/** Only the first host has anything: the test images, the RocketMQ one re-tagged as the build's base. */
async function onlyABaseOnTheFirstHost(bed: Testbed): Promise<void> {
	await wipeHosts(bed);
	const [first] = bed.hosts;
	await bed.loadImages([first!]);
	await bed.dockerOk(first!, ['tag', BROKER_IMAGE, BASE]);
	await bed.dockerOk(first!, ['rmi', BROKER_IMAGE]);
}

test('--build-image: built on the first host with the uploaded scripts, copied to the others, the cluster elects', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	await onlyABaseOnTheFirstHost(bed);
	const [h1, h2, h3] = bed.hosts;
	const d = await deployTo(bed, testCluster(bed), {buildImage: readBuildScripts(CHECKOUT)});
	assert.deepEqual(d.result.failures, []);
	const image = d.events.filter(e => e.type === 'host' && e.step === 'image' && e.state === 'ok').map(e => `${(e as {host: string}).host}: ${(e as {detail?: string}).detail}`);
	assert.ok(image.includes(`${h1!.ip}: ${BROKER_IMAGE} built (build-image.sh 4.7.1 alpine)`), image.join('\n'));
	assert.ok(image.includes(`${h2!.ip}: ${BROKER_IMAGE} copied from ${h1!.ip}`), image.join('\n'));
	const progress = d.events.filter(e => e.type === 'image' && e.host === h1!.ip).map(e => (e as {progress: {text: string}}).progress.text);
	assert.ok(progress.some(p => /^build: .*Successfully tagged apacherocketmq\/rocketmq:4\.7\.1-alpine/.test(p)), `the build's own output streamed:\n${progress.join('\n')}`);
	for (const h of [h1!, h3!]) {
		const label = await bed.dockerOk(h, ['image', 'inspect', '--format', '{{index .Config.Labels "io.rmq-tui.built-by"}} {{index .Config.Labels "io.rmq-tui.rocketmq-version"}}', BROKER_IMAGE]);
		assert.equal(label, 'build-image.sh 4.7.1', `${h.name} runs the image build-image.sh made`);
	}
	const uploaded = await bed.execOk(h1!, ['sh', '-c', 'cd /data/docker-services/rocketmq/.rmq-tui/image-build && ls -l build-image.sh Dockerfile-alpine']);
	assert.match(uploaded, /^-rwxr-xr-x .* build-image\.sh$/m);
	const groups = await bed.dockerOk(h2!, ['ps', '--format', '{{.Names}} {{.Image}}']);
	assert.match(groups, new RegExp(`rocketmq-raftnode00-n\\d ${BROKER_IMAGE.replace(/[./]/g, '\\$&')}`));
});

test('--build-image whose download fails: stops at the first host\'s image step with the build\'s last lines and the way out; no cluster container anywhere', async t => {
	const bed = testbed.bed();
	if (!needTestbed(t) || !bed) return;
	await onlyABaseOnTheFirstHost(bed);
	const dir = mkdtempSync(join(tmpdir(), 'rmq-build-fail-'));
	try {
		cpSync(CHECKOUT, dir, {recursive: true});
		// As the real Dockerfile fetches rocketmq-all-VERSION-bin-release.zip: here from a test-network address where
		// nothing listens, as archive.apache.org is for a host without internet.
		const dockerfile = join(dir, 'image-build/Dockerfile-alpine');
		writeFileSync(dockerfile, `${readFileSync(dockerfile, 'utf8')}RUN wget -q -T 5 -O /tmp/rocketmq.zip http://${bed.hosts[0]!.ip}:9/rocketmq-all-\${version}-bin-release.zip\n`);
		const d = await deployTo(bed, testCluster(bed), {buildImage: readBuildScripts(dir)});
		assert.equal(d.result.ok, false);
		assert.deepEqual(d.result.failures.map(f => `${f.host} ${f.step}`), [`${bed.hosts[0]!.ip} image`]);
		const message = d.result.failures[0]!.message;
		assert.match(message, /build-image\.sh 4\.7\.1 alpine in \/data\/docker-services\/rocketmq\/\.rmq-tui\/image-build failed \(exit \d+\)/);
		assert.match(message, /wget/, 'the build\'s own last lines');
		assert.match(d.result.failures[0]!.fix ?? '', /--image-archive FILE/, 'the way out');
		// (the failed RUN step's container stays, as `docker build` without --force-rm leaves it; none of the cluster's)
		for (const h of bed.hosts) assert.doesNotMatch(await bed.dockerOk(h, ['ps', '-a', '--format', '{{.Names}}']), /rocketmq/, `${h.name}: no container of the cluster`);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
