/**
 * User authentication for one ssh2 connection attempt, in ssh(1)'s order: `none` (to learn what the server accepts),
 * ssh-agent, key files (a passphrase is asked through `ask` for encrypted ones), keyboard-interactive, password (asked
 * through `ask`). Secrets live only for the attempt: nothing is stored, nothing is logged. `state.tried` records what
 * was offered, for the error message when everything fails. A prompt answered with undefined (cancelled, or no
 * terminal) skips that method; the attempt then fails as an authentication failure that says so.
 */
import {existsSync, readFileSync} from 'node:fs';
import ssh2, {type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type ParsedKey, type Prompt} from 'ssh2';

const {utils} = ssh2; // CommonJS: no named exports under ESM

/** Asks the user for a line (`secret` → not echoed). undefined = cancelled. */
export type Ask = (prompt: string, options: {secret: boolean}) => Promise<string | undefined>;

export interface AuthSetup {
	user: string;
	/** `user@host:port`, for prompts. */
	target: string;
	/** ssh-agent socket (SSH_AUTH_SOCK); skipped when absent or missing. */
	agent?: string | undefined;
	/** Key files configured for this host (IdentityFile / the inventory's identity); a missing one is reported. */
	identities: readonly string[];
	/** Tried when no identity is configured, silently skipped when missing (OpenSSH's ~/.ssh/id_*). */
	defaultIdentities: readonly string[];
	ask: Ask;
	/** Runs a user prompt; the connection attempt's timer must not run meanwhile. */
	interactive: <T>(prompt: () => Promise<T>) => Promise<T>;
	/** How many times a password / passphrase is asked (default 3, as NumberOfPasswordPrompts). */
	prompts?: number;
	/** Reads a key file (default fs.readFileSync); throws like fs. */
	readKey?: (path: string) => Buffer;
}

export interface AuthState {
	/** Human-readable attempts in order, e.g. `publickey (ssh-agent)`, `publickey (/root/.ssh/id_ed25519)`, `password`. */
	tried: string[];
	/** What the server said it accepts (after the first failure). */
	serverMethods: string[] | undefined;
	/** Every method was tried: the failure that follows is an authentication failure. */
	exhausted: boolean;
}

type Step = (allowed: ReadonlySet<string>) => Promise<AnyAuthMethod | undefined>;

const isEncryptedKeyError = (e: Error) => /no passphrase given/i.test(e.message);
const isBadPassphraseError = (e: Error) => /bad passphrase|integrity check failed/i.test(e.message);

/** The ssh2 auth handler for one attempt and the state it fills in. */
export function createAuth(setup: AuthSetup): {handler: AuthHandlerMiddleware; state: AuthState} {
	const state: AuthState = {tried: [], serverMethods: undefined, exhausted: false};
	const {user, target, ask, interactive} = setup;
	const maxPrompts = setup.prompts ?? 3;
	const readKey = setup.readKey ?? ((path: string) => readFileSync(path));
	let passwordPrompts = 0;
	/** keyboard-interactive rounds, and whether the last one asked anything (without PAM it never does: stop then). */
	let keyboardRounds = 0;
	let keyboardPrompted = false;
	/** The user gave no password (cancelled the prompt): not asked again in this attempt. */
	let declined = false;

	const keyStep = (path: string, explicit: boolean): Step => async allowed => {
		if (!allowed.has('publickey')) return undefined;
		let data: Buffer;
		try {
			data = readKey(path);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (explicit) state.tried.push(`publickey (${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message})`);
			return undefined;
		}
		let parsed = utils.parseKey(data);
		if (parsed instanceof Error && isEncryptedKeyError(parsed)) {
			let prompt = `Enter passphrase for key '${path}': `;
			for (let i = 0; i < maxPrompts && parsed instanceof Error; i++) {
				const passphrase = await interactive(() => ask(prompt, {secret: true}));
				if (passphrase === undefined || passphrase === '') {
					state.tried.push(`publickey (${path}: encrypted, no passphrase given)`);
					return undefined;
				}
				parsed = utils.parseKey(data, passphrase);
				if (parsed instanceof Error && isBadPassphraseError(parsed)) prompt = `Wrong passphrase. Enter passphrase for key '${path}': `;
				else if (parsed instanceof Error) break;
			}
		}
		if (parsed instanceof Error) {
			state.tried.push(`publickey (${path}: ${isBadPassphraseError(parsed) ? 'wrong passphrase' : `unusable key: ${parsed.message}`})`);
			return undefined;
		}
		const key: ParsedKey = Array.isArray(parsed) ? parsed[0]! : parsed;
		if (!key.isPrivateKey()) {
			state.tried.push(`publickey (${path}: not a private key)`);
			return undefined;
		}
		state.tried.push(`publickey (${path})`);
		return {type: 'publickey', username: user, key};
	};

	const agentStep: Step = async allowed => {
		if (!allowed.has('publickey') || !setup.agent) return undefined;
		if (!existsSync(setup.agent)) {
			state.tried.push(`publickey (ssh-agent: SSH_AUTH_SOCK ${setup.agent} does not exist)`);
			return undefined;
		}
		state.tried.push('publickey (ssh-agent)');
		return {type: 'agent', username: user, agent: setup.agent};
	};

	const keyboardStep: Step = async allowed => {
		if (!allowed.has('keyboard-interactive') || passwordPrompts >= maxPrompts || declined) return undefined;
		if (keyboardRounds > 0 && !keyboardPrompted) return undefined;
		keyboardRounds++;
		keyboardPrompted = false;
		state.tried.push('keyboard-interactive');
		return {
			type: 'keyboard-interactive',
			username: user,
			prompt: (_name: string, instructions: string, _lang: string, prompts: Prompt[], finish: (answers: string[]) => void) => {
				if (prompts.length > 0) keyboardPrompted = true;
				void (async () => {
					const answers: string[] = [];
					for (const p of prompts) {
						passwordPrompts++;
						const text = `${instructions ? `${instructions}\n` : ''}(${target}) ${p.prompt}`;
						const answer = await interactive(() => ask(text, {secret: p.echo !== true}));
						if (answer === undefined) {
							declined = true;
							state.tried.push('keyboard-interactive (not answered)');
							finish([]);
							return;
						}
						answers.push(answer);
					}
					finish(answers);
				})();
			},
		};
	};

	const passwordStep: Step = async allowed => {
		if (!allowed.has('password') || passwordPrompts >= maxPrompts || declined) return undefined;
		const prompt = `${passwordPrompts > 0 ? 'Permission denied, please try again.\n' : ''}${target}'s password: `;
		passwordPrompts++;
		const password = await interactive(() => ask(prompt, {secret: true}));
		if (password === undefined) {
			declined = true;
			state.tried.push('password (not entered)');
			return undefined;
		}
		state.tried.push('password');
		return {type: 'password', username: user, password};
	};

	const explicit = setup.identities.length > 0;
	const steps: Step[] = [
		agentStep,
		...(explicit ? setup.identities : setup.defaultIdentities).map(p => keyStep(p, explicit)),
	];
	const repeatable: Step[] = [keyboardStep, passwordStep];
	let first = true;
	let index = 0;

	const handler: AuthHandlerMiddleware = (methodsLeft, _partialSuccess, next) => {
		const give = next as (method: AnyAuthMethod | AuthenticationType | false) => void;
		if (first) {
			first = false;
			give({type: 'none', username: user});
			return;
		}
		state.serverMethods = methodsLeft ? [...methodsLeft] : state.serverMethods;
		const allowed = new Set<string>(methodsLeft ?? []);
		void (async () => {
			while (index < steps.length) {
				const method = await steps[index++]!(allowed);
				if (method) return give(method);
			}
			for (const step of repeatable) {
				const method = await step(allowed);
				if (method) return give(method);
			}
			state.exhausted = true;
			give(false);
		})().catch(() => {
			state.exhausted = true;
			give(false);
		});
	};
	return {handler, state};
}
