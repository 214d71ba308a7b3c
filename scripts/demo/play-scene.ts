/**
 * Plays a scene's steps on a running session while the capture loop records: waits look at the latest captured
 * screen (what the recording shows), keys and text go in through tmux. A wait that times out fails with the step,
 * its pattern and the last screen.
 */
import type {CaptureLoop} from './capture-loop.ts';
import {describeStep, matches, type PressUntilStep, type Scene, type Step} from './scene.ts';
import type {TmuxSession} from './tmux-session.ts';

const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_KEY_GAP_MS = 150;
const DEFAULT_CHAR_MS = 70;
const DEFAULT_MAX_PRESSES = 20;
/** how long a pressed key may take to change the screen */
const KEY_EFFECT_MS = 3_000;

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export type Stage = {readonly loop: CaptureLoop; readonly session: TmuxSession};

export class SceneError extends Error {}

export async function playScene(scene: Scene, stage: Stage, log: (line: string) => void = () => {}): Promise<void> {
	for (const [i, step] of scene.steps.entries()) {
		const where = `scene ${scene.name}, step ${i + 1} of ${scene.steps.length} (${describeStep(step)})`;
		log(`${(stage.loop.now() / 1000).toFixed(1).padStart(6)} s  ${describeStep(step)}`);
		await playStep(step, stage, where);
	}
}

async function playStep(step: Step, {loop, session}: Stage, where: string): Promise<void> {
	if ('wait' in step) {
		loop.speed = step.fastForward ?? 1;
		loop.onCamera = step.offCamera !== true;
		try {
			const pattern = step.wait;
			await waitForScreen(loop, text => matches(text, pattern), step.timeoutMs ?? DEFAULT_WAIT_MS, `${where}: not on the screen`);
		} finally {
			loop.speed = 1;
			loop.onCamera = true;
		}
	} else if ('keys' in step) {
		for (const [i, key] of step.keys.entries()) {
			if (i > 0) await sleep(step.gapMs ?? DEFAULT_KEY_GAP_MS);
			await session.sendKeys([key]);
		}
	} else if ('type' in step) {
		for (const ch of step.type) {
			await session.sendText(ch);
			await sleep(step.charMs ?? DEFAULT_CHAR_MS);
		}
	} else if ('hold' in step) {
		await sleep(step.hold);
	} else {
		await pressUntil(step, loop, session, where);
	}
}

async function waitForScreen(loop: CaptureLoop, shows: (text: string) => boolean, timeoutMs: number, failure: string): Promise<void> {
	const deadline = loop.now() + timeoutMs;
	for (;;) {
		const text = loop.latest()?.text;
		if (text !== undefined && shows(text)) return;
		if (loop.now() > deadline) throw new SceneError(`${failure} after ${timeoutMs} ms. The last screen:\n${text ?? '(nothing captured)'}`);
		await loop.nextCapture();
	}
}

async function pressUntil(step: PressUntilStep, loop: CaptureLoop, session: TmuxSession, where: string): Promise<void> {
	const max = step.max ?? DEFAULT_MAX_PRESSES;
	for (let presses = 0; ; presses++) {
		const before = loop.latest()?.text;
		if (before !== undefined && matches(before, step.until)) return;
		if (presses === max) throw new SceneError(`${where}: still not on the screen after ${max} presses. The last screen:\n${before ?? '(nothing captured)'}`);
		await session.sendKeys([step.press]);
		await waitForScreen(loop, text => text !== before, KEY_EFFECT_MS, `${where}: the screen did not change after ${step.press}`);
		await sleep(step.gapMs ?? DEFAULT_KEY_GAP_MS);
	}
}
