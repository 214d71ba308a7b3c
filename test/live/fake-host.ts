/** A scripted LiveHost for the controller's tests: records every call, streams on demand, fails when told. */
import type {ContainerEvent, LiveHost, LogSink, Unsubscribe} from '../../source/deploy/host.ts';
import type {ObservedContainer} from '../../source/deploy/observed.ts';

export class FakeHost {
	readonly calls: string[] = [];
	readonly files = new Map<string, string>();
	containers: ObservedContainer[] = [];
	private readonly watchers = new Set<{onEvent: (e: ContainerEvent) => void; onEnd: (error?: Error) => void}>();
	readonly follows = new Map<string, Set<LogSink>>();
	/** Every call fails with this while set. */
	down: string | undefined;
	/** The next drill action fails with this. */
	failAction: string | undefined;

	constructor(
		readonly name: string,
		readonly address = `root@${name}:22`,
	) {}

	private check(call: string): void {
		this.calls.push(call);
		if (this.down) throw new Error(this.down);
	}

	asLive(): LiveHost {
		return this as unknown as LiveHost;
	}

	async listContainers(): Promise<ObservedContainer[]> {
		this.check('listContainers');
		return this.containers;
	}

	async clockOffset(): Promise<number> {
		this.check('clockOffset');
		return 0;
	}

	async watchEvents(onEvent: (e: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<Unsubscribe> {
		this.check('watchEvents');
		const w = {onEvent, onEnd};
		this.watchers.add(w);
		return async () => void this.watchers.delete(w);
	}

	emit(e: Omit<ContainerEvent, 'host'>): void {
		for (const w of this.watchers) w.onEvent({host: this.name, ...e});
	}

	/** The host drops: every stream ends with the error, every call fails until heal(). */
	cut(reason: string): void {
		this.down = reason;
		for (const w of [...this.watchers]) w.onEnd(new Error(reason));
		this.watchers.clear();
		for (const sinks of this.follows.values()) for (const s of sinks) s.end(new Error(reason));
		this.follows.clear();
	}

	heal(): void {
		this.down = undefined;
	}

	get watching(): number {
		return this.watchers.size;
	}

	private follow(key: string, tail: number, sink: LogSink): Unsubscribe {
		const set = this.follows.get(key) ?? new Set();
		set.add(sink);
		this.follows.set(key, set);
		const first = this.files.get(key);
		if (first !== undefined) queueMicrotask(() => sink.lines(first.split('\n').filter(Boolean).slice(-tail)));
		return async () => void set.delete(sink);
	}

	async followFile(path: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		this.check(`followFile ${path}`);
		return this.follow(path, tail, sink);
	}

	async followContainerLogs(name: string, tail: number, sink: LogSink): Promise<Unsubscribe> {
		this.check(`followContainerLogs ${name}`);
		return this.follow(`docker:${name}`, tail, sink);
	}

	/** New lines on a file (or `docker:<name>`): kept in it, as a real file keeps them, and sent to its follows. */
	write(key: string, lines: string[]): void {
		this.files.set(key, (this.files.get(key) ?? '') + lines.map(l => `${l}\n`).join(''));
		for (const s of this.follows.get(key) ?? []) s.lines(lines);
	}

	async readFile(path: string): Promise<string | undefined> {
		this.check(`readFile ${path}`);
		return this.files.get(path);
	}

	/** When set, appending needs the parent dir to be in here (as a real shell would). */
	dirs: Set<string> | undefined;

	async makeDirs(dirs: ReadonlyArray<{path: string}>): Promise<void> {
		this.check(`makeDirs ${dirs.map(d => d.path).join(' ')}`);
		for (const d of dirs) this.dirs?.add(d.path);
	}

	async appendFile(path: string, text: string): Promise<void> {
		this.check(`appendFile ${path}`);
		if (this.dirs && !this.dirs.has(path.slice(0, path.lastIndexOf('/')))) throw new Error(`${path.slice(0, path.lastIndexOf('/'))}: No such file or directory`);
		this.files.set(path, (this.files.get(path) ?? '') + text);
	}

	private async action(what: string, name: string): Promise<void> {
		this.check(`${what} ${name}`);
		if (this.failAction) {
			const error = this.failAction;
			this.failAction = undefined;
			throw new Error(error);
		}
	}

	stopContainer = (name: string) => this.action('stop', name);
	killContainer = (name: string) => this.action('kill', name);
	pauseContainer = (name: string) => this.action('pause', name);
	unpauseContainer = (name: string) => this.action('unpause', name);
	startContainer = (name: string) => this.action('start', name);
	restartContainer = (name: string) => this.action('restart', name);
}
