/**
 * npm run demo:record [-- --scene NAME] [--out FILE] [--png DIR] [--no-build]
 *
 * Builds dist, runs the scene's command in a private tmux of the scene's size, plays the scene's keys while the
 * screen is captured every 100 ms, draws the frames with Debian's Terminus/Unifont bitmap fonts and writes the GIF
 * (default: demo.gif at the repo's top level). Fails, writing nothing, when the GIF would be over 3 MB.
 * Needs tmux, xfonts-terminus and xfonts-unifont (apt-get install tmux xfonts-terminus xfonts-unifont).
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {delimiter, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {CaptureLoop} from './capture-loop.ts';
import {loadFontSet} from './debian-fonts.ts';
import {playScene} from './play-scene.ts';
import {indexedPng} from './png.ts';
import {DEFAULT_SCENE, SCENES} from './scenes/index.ts';
import {screensToGif} from './screens-to-gif.ts';
import {checkGifSize, megabytes} from './size-limit.ts';
import {TOMORROW_NIGHT} from './terminal-theme.ts';
import {TmuxSession} from './tmux-session.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** a frame that does not change for longer than this is cut to it */
const MAX_FRAME_MS = 4_000;
const CAPTURE_EVERY_MS = 100;

const log = (line: string) => process.stderr.write(`[demo:record] ${line}\n`);

async function main(): Promise<void> {
	const {values} = parseArgs({
		options: {
			scene: {type: 'string', default: DEFAULT_SCENE},
			out: {type: 'string', default: join(ROOT, 'demo.gif')},
			png: {type: 'string'},
			'no-build': {type: 'boolean', default: false},
		},
	});
	const scene = SCENES.get(values.scene);
	if (scene === undefined) throw new Error(`no scene "${values.scene}"; the scenes: ${[...SCENES.keys()].join(', ')}`);
	const fonts = loadFontSet();

	if (!values['no-build']) {
		log('building dist (tsc -p tsconfig.json)');
		const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {cwd: ROOT, stdio: 'inherit'});
		if (build.status !== 0) throw new Error('the build failed (see above); fix it or record an existing build with --no-build');
	}

	log(`scene ${scene.name}: ${scene.description} (${scene.cols}×${scene.rows})`);
	const session = TmuxSession.start({
		command: scene.command,
		cwd: ROOT,
		env: {
			...process.env,
			PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
			// Ink draws only the last frame under CI; a recording wants every frame
			CI: 'false',
			CONTINUOUS_INTEGRATION: 'false',
			...scene.env,
		},
		cols: scene.cols,
		rows: scene.rows,
	});
	// Ctrl-C or a kill while recording: the private tmux server (and the app in it) go too
	const interrupted = (signal: NodeJS.Signals) => {
		session.kill();
		log(`stopped by ${signal}; nothing written`);
		process.exit(130);
	};
	process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
	const loop = new CaptureLoop(session, scene.cols, scene.rows, CAPTURE_EVERY_MS);
	try {
		loop.start();
		await playScene(scene, {loop, session}, log);
		await loop.stop();
	} finally {
		session.kill();
		process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
	}
	const screens = loop.timeline.frames(loop.now(), MAX_FRAME_MS);
	log(`${loop.timeline.length} distinct captures; drawing ${screens.length} frames`);

	if (values.png !== undefined) mkdirSync(values.png, {recursive: true});
	const gif = screensToGif(screens, {
		cols: scene.cols,
		rows: scene.rows,
		fonts,
		theme: TOMORROW_NIGHT,
		onFrame:
			values.png === undefined
				? undefined
				: (bitmap, palette, index) => writeFileSync(join(values.png!, `frame-${String(index + 1).padStart(4, '0')}.png`), indexedPng(bitmap, palette)),
	});
	const missing = [...fonts.missing].map(c => `${c} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
	log(`${gif.frames} frames, ${(gif.durationMs / 1000).toFixed(1)} s, ${gif.width}×${gif.height} px, ${megabytes(gif.bytes.length)}`);
	log(`missing glyphs: ${missing.length === 0 ? 'none' : missing.join(', ')}`);
	if (gif.colorsMerged > 0) log(`${gif.colorsMerged} colours over the GIF's 256 were drawn with their nearest neighbour`);
	checkGifSize(gif.bytes.length);
	const out = resolve(values.out);
	writeFileSync(out, gif.bytes);
	log(`wrote ${out}`);
}

main().catch((error: unknown) => {
	log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
