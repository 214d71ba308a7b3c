/** Every rendered broker conf, loaded by the real java.util.Properties (as BrokerStartup loads `-c`), says what the plan says. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {renderCluster} from '../../source/render/render.ts';
import {loadWithJava} from '../support/java-properties.ts';
import {needJava} from '../support/need.ts';
import {planOf} from '../plan/fixtures.ts';
import {expectedBrokerConf, LAYOUTS} from '../plan/layouts.ts';

test('Java reads every rendered broker conf of every layout as the plan\'s values', async t => {
	if (!needJava(t)) return;
	const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-render-java-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const expected = new Map<string, Record<string, string>>();
	LAYOUTS.forEach((layout, i) => {
		const plan = planOf(layout.cluster());
		const files = renderCluster(plan);
		for (const broker of plan.groups.flatMap(g => g.replicas)) {
			const conf = files.find(f => f.kind === 'broker-conf' && f.host === broker.host && f.path === broker.confHostPath);
			assert.ok(conf, `${layout.name}: no conf for ${broker.group}/${broker.selfId}`);
			const file = join(dir, `layout-${i}`, broker.host, `${broker.group}-${broker.selfId}.conf`);
			mkdirSync(join(file, '..'), {recursive: true});
			// the bytes as deployed: the renderer's text is ASCII, so latin1 and utf8 write the same bytes
			writeFileSync(file, conf.content, 'utf8');
			expected.set(file, expectedBrokerConf(plan, broker));
		}
	});
	const loaded = await loadWithJava([...expected.keys()]);
	for (const [file, values] of expected) assert.deepEqual(loaded[file], values, file);
});
