/** A timeout that can be paused while the user is being asked something (a prompt must not eat the connect timeout). */
export class Deadline {
	private timer: NodeJS.Timeout | undefined;
	private remaining: number;
	private startedAt = 0;
	private pauses = 0;
	private done = false;

	constructor(ms: number, private readonly onExpire: () => void) {
		this.remaining = ms;
		this.start();
	}

	/** Runs `fn` with the clock stopped (nested calls are fine). */
	async during<T>(fn: () => Promise<T>): Promise<T> {
		this.pause();
		try {
			return await fn();
		} finally {
			this.resume();
		}
	}

	clear(): void {
		this.done = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	private start(): void {
		if (this.done || !Number.isFinite(this.remaining)) return;
		this.startedAt = Date.now();
		this.timer = setTimeout(() => {
			this.done = true;
			this.onExpire();
		}, Math.max(0, this.remaining));
	}

	private pause(): void {
		if (this.pauses++ > 0 || this.done || !this.timer) return;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.remaining -= Date.now() - this.startedAt;
	}

	private resume(): void {
		if (--this.pauses > 0 || this.done) return;
		this.start();
	}
}
