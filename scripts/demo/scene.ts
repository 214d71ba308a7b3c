/**
 * A scene is data: the command to record, the terminal size, and the steps played on it.
 *
 *   {wait: 'text' | /regex/, timeoutMs?, fastForward?, offCamera?}
 *       until the screen shows it (plain text, rows joined by \n); fastForward: 4 plays that wait 4× faster;
 *       offCamera: true leaves it out of the recording (e.g. a boot); a timeout fails with the last screen
 *   {keys: ['Tab', 'D', 'Enter'], gapMs?}
 *       tmux key names, one at a time with gapMs (default 150) between them
 *   {type: 'text', charMs?}
 *       typed one character at a time, charMs (default 70) apart
 *   {hold: ms}
 *       keep showing the screen
 *   {press: 'j', until: /▸ n\d .*leader/, max?, gapMs?}
 *       press a key until the screen matches (checked before each press, after the screen changed), at most max
 *       times (default 20)
 */
export type Pattern = string | RegExp;

export type WaitStep = {readonly wait: Pattern; readonly timeoutMs?: number; readonly fastForward?: number; readonly offCamera?: boolean};
export type KeysStep = {readonly keys: readonly string[]; readonly gapMs?: number};
export type TypeStep = {readonly type: string; readonly charMs?: number};
export type HoldStep = {readonly hold: number};
export type PressUntilStep = {readonly press: string; readonly until: Pattern; readonly max?: number; readonly gapMs?: number};

export type Step = WaitStep | KeysStep | TypeStep | HoldStep | PressUntilStep;

export type Scene = {
	readonly name: string;
	readonly description: string;
	/** argv, run at the repo's top level (after the build) */
	readonly command: readonly string[];
	/** added to the recorder's environment */
	readonly env?: Readonly<Record<string, string>>;
	readonly cols: number;
	readonly rows: number;
	readonly steps: readonly Step[];
};

export const matches = (text: string, pattern: Pattern): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));

export function describeStep(step: Step): string {
	if ('wait' in step) return `wait for ${String(step.wait)}`;
	if ('keys' in step) return `keys ${step.keys.join(' ')}`;
	if ('type' in step) return `type ${JSON.stringify(step.type)}`;
	if ('hold' in step) return `hold ${step.hold} ms`;
	return `press ${step.press} until ${String(step.until)}`;
}
