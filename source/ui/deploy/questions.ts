/**
 * Questions the SSH layer asks while deploying (a key's passphrase, a password, an unknown host key), answered in
 * the TUI. A small external store: the deploy screen subscribes and shows the oldest open question; answers
 * resolve the asking promise. Answers are handed over and forgotten, never stored.
 */
export type Question =
	| {id: number; kind: 'secret' | 'text'; text: string}
	| {id: number; kind: 'confirm'; text: string; detail?: string};

type Pending = {question: Question; resolve: (answer: string | boolean | undefined) => void};

export class QuestionBridge {
	private readonly queue: Pending[] = [];
	private readonly listeners = new Set<() => void>();
	private seq = 0;

	/** The question on screen (the oldest open one). Stable between changes, for useSyncExternalStore. */
	current = (): Question | undefined => this.queue[0]?.question;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	private open(question: Omit<Question, 'id'>): Promise<string | boolean | undefined> {
		return new Promise(resolve => {
			this.queue.push({question: {...question, id: ++this.seq} as Question, resolve});
			this.emit();
		});
	}

	ask = async (text: string, options: {secret: boolean}): Promise<string | undefined> =>
		(await this.open({kind: options.secret ? 'secret' : 'text', text})) as string | undefined;

	confirm = async (text: string, detail?: string): Promise<boolean> =>
		(await this.open({kind: 'confirm', text, ...(detail !== undefined ? {detail} : {})})) === true;

	/** Answers the current question (undefined: declined / no answer). */
	answer(value: string | boolean | undefined): void {
		const head = this.queue.shift();
		if (!head) return;
		head.resolve(value);
		this.emit();
	}

	/** Declines every open question (the screen closes). */
	cancelAll(): void {
		while (this.queue.length > 0) this.answer(undefined);
	}

	private emit(): void {
		for (const listener of this.listeners) listener();
	}
}
