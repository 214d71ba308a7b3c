/**
 * One command in a private tmux server (its own socket and config in a temporary directory, never the user's
 * tmux): a window of exactly cols × rows (no status line), UTF-8 forced, the pane kept after the command exits so
 * that its last words stay on screen. Keys go in with send-keys; the screen comes out with capture-pane (-e:
 * colours and attributes as SGR, -N: trailing blanks kept with their background). `kill()` ends the server and
 * removes the directory; call it in a finally.
 */
import {execFile, execFileSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

export type SessionOptions = {
	/** argv of the command, run in `cwd` */
	readonly command: readonly string[];
	readonly cwd: string;
	/** the command's environment; tmux sets TERM, and HOME is an empty directory of the session's own (no user state) */
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly cols: number;
	readonly rows: number;
};

const CONFIG = ['set -g status off', 'set -g remain-on-exit on', 'set -g default-terminal tmux-256color', 'set -g history-limit 100', ''].join('\n');

export class TmuxSession {
	private killed = false;

	private constructor(
		private readonly dir: string,
		/** the private server's socket */
		readonly socket: string,
	) {}

	static start(options: SessionOptions): TmuxSession {
		const dir = mkdtempSync(join(tmpdir(), 'rmq-tui-demo-'));
		const home = join(dir, 'home');
		mkdirSync(home);
		const config = join(dir, 'tmux.conf');
		writeFileSync(config, CONFIG);
		const session = new TmuxSession(dir, join(dir, 'tmux.sock'));
		const env: Record<string, string> = {};
		for (const [k, v] of Object.entries({...options.env, HOME: home})) if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE') env[k] = v;
		try {
			execFileSync('tmux', ['-u', '-S', session.socket, '-f', config, 'new-session', '-d', '-x', String(options.cols), '-y', String(options.rows), '-c', options.cwd, ...options.command], {env, stdio: ['ignore', 'ignore', 'pipe']});
		} catch (error) {
			session.kill();
			throw new Error(`could not start tmux (${(error as Error).message.trim()}); is it installed? apt-get install tmux`);
		}
		return session;
	}

	/** The screen as rows of text with SGR sequences. */
	async capture(): Promise<string> {
		return (await this.tmux('capture-pane', '-p', '-e', '-N')).replace(/\n$/, '');
	}

	/** tmux key names, e.g. ['Tab', 'D', 'Enter', 'Escape', 'Down', 'C-c']. */
	async sendKeys(keys: readonly string[]): Promise<void> {
		if (keys.length > 0) await this.tmux('send-keys', ...keys);
	}

	/** Text typed as is (send-keys -l: no key names). */
	async sendText(text: string): Promise<void> {
		if (text !== '') await this.tmux('send-keys', '-l', text);
	}

	kill(): void {
		if (this.killed) return;
		this.killed = true;
		try {
			execFileSync('tmux', ['-S', this.socket, 'kill-server'], {stdio: 'ignore'});
		} catch {
			// the server was never started or is gone already
		}
		rmSync(this.dir, {recursive: true, force: true});
	}

	private async tmux(...args: string[]): Promise<string> {
		if (this.killed) throw new Error('the tmux session was killed');
		const {stdout} = await run('tmux', ['-S', this.socket, ...args], {encoding: 'utf8', maxBuffer: 16 * 1024 * 1024});
		return stdout;
	}
}
