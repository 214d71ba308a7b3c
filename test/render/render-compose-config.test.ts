/** Every rendered compose file of every layout passes `docker-compose config` (Debian's Compose v1, 1.29.2). */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {renderCluster} from '../../source/render/render.ts';
import {composeConfig} from '../support/compose.ts';
import {needCompose} from '../support/need.ts';
import {planOf} from '../plan/fixtures.ts';
import {LAYOUTS} from '../plan/layouts.ts';

test('docker-compose config accepts every rendered compose file', async t => {
	if (!needCompose(t)) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-compose-config-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const composeFiles: string[] = [];
	LAYOUTS.forEach((layout, i) => {
		for (const f of renderCluster(planOf(layout.cluster()))) {
			if (f.kind === 'broker-conf') continue;
			// one directory per file (compose names the project after it), laid out as on the host
			const file = join(dir, `layout-${i}`, f.host, f.path);
			mkdirSync(join(file, '..'), {recursive: true});
			writeFileSync(file, f.content);
			composeFiles.push(file);
		}
	});
	assert.ok(composeFiles.length >= 3 * 3, `only ${composeFiles.length} compose files rendered`);
	// two at a time: each run is a ~0.6 s, CPU-bound Python start-up
	const queue = [...composeFiles];
	const worker = async () => {
		for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
			const result = await composeConfig(file);
			assert.ok(result.ok, `${file}: docker-compose config failed (exit ${result.code}):\n${result.stderr}${result.stdout}`);
			assert.doesNotMatch(result.stderr, /WARN|invalid|unsupported/i, `${file}: ${result.stderr}`);
		}
	};
	await Promise.all([worker(), worker()]);
});
