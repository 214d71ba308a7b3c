/** A counting semaphore: at most `size` holders; the others wait in order. */
export class Slots {
	private used = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly size: number) {}

	/** Resolves with a release function (idempotent) once a slot is free. */
	async acquire(): Promise<() => void> {
		if (this.used >= this.size) await new Promise<void>(resolve => this.waiting.push(resolve));
		else this.used++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiting.shift();
			if (next) next(); // the slot passes straight to the next waiter
			else this.used--;
		};
	}

	get inUse(): number {
		return this.used;
	}

	get queued(): number {
		return this.waiting.length;
	}
}
