/**
 * For the demo tests: every TCP dial of this process goes through net.connect, net.createConnection or
 * Socket.prototype.connect; while watched, a dial to anything but loopback (127.0.0.0/8, ::1, localhost) is
 * refused (it throws, so it never leaves the machine) and recorded, and every loopback dial is recorded, so a test
 * can assert both that nothing else was dialled and that dials were seen at all.
 */
import net from 'node:net';

export interface DialWatch {
	loopback: string[];
	outside: string[];
	stop(): void;
}

type Target = {host?: string; port?: number | string; path?: string};

export function isLoopback(host: string): boolean {
	return host === 'localhost' || (net.isIPv4(host) && host.startsWith('127.')) || host === '::1' || /^::ffff:127\./i.test(host);
}

/** The destination of a connect call, whatever its form: (options), (port, host), (path) or Node's normalized [options, cb]. */
function targetOf(args: readonly unknown[]): Target {
	const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
	if (typeof first === 'object' && first !== null) return first as Target;
	if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return {port: first, ...(typeof args[1] === 'string' ? {host: args[1]} : {})};
	return {path: String(first)};
}

export function watchDials(): DialWatch {
	const watch = {loopback: [] as string[], outside: [] as string[]};
	const check = (args: readonly unknown[]) => {
		const target = targetOf(args);
		if (target.port === undefined && target.path !== undefined) return; // a local (unix) socket, not an address
		const host = target.host ?? 'localhost';
		const shown = `${host}:${target.port}`;
		if (isLoopback(host)) {
			watch.loopback.push(shown);
			return;
		}
		watch.outside.push(shown);
		throw new Error(`the demo dialled ${shown}, which is not loopback`);
	};
	type Dial = (this: unknown, ...args: unknown[]) => unknown;
	const patched = [
		[net as unknown as Record<string, Dial>, 'connect'],
		[net as unknown as Record<string, Dial>, 'createConnection'],
		[net.Socket.prototype as unknown as Record<string, Dial>, 'connect'],
	] as const;
	const originals = patched.map(([owner, name]) => owner[name]!);
	patched.forEach(([owner, name], i) => {
		const original = originals[i]!;
		owner[name] = function (this: unknown, ...args: unknown[]) {
			check(args);
			return original.apply(this, args);
		};
	});
	return {
		...watch,
		stop() {
			patched.forEach(([owner, name], i) => (owner[name] = originals[i]!));
		},
	};
}
