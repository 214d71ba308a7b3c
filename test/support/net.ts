// Network probes of the test harness: does a socket connect, does a server greet with an SSH banner, does an HTTP
// endpoint answer 200; and a free local port.
import {request, type RequestOptions} from 'node:http';
import {connect, createServer, type NetConnectOpts} from 'node:net';

/** Does a connect (TCP host:port, or a unix socket {path}) succeed within ms? */
export function connects(to: NetConnectOpts, ms = 2_000): Promise<boolean> {
	return new Promise(resolve => {
		const s = connect(to);
		const done = (v: boolean) => {
			clearTimeout(timer);
			s.destroy();
			resolve(v);
		};
		const timer = setTimeout(() => done(false), ms);
		s.once('connect', () => done(true));
		s.once('error', () => done(false));
	});
}

/** Does a TCP connect to ip:port succeed within ms? */
export function tcpConnects(ip: string, port: number, ms = 2_000): Promise<boolean> {
	return connects({host: ip, port}, ms);
}

/** The first line ip:port sends (an SSH server's banner, e.g. `SSH-2.0-OpenSSH_9.2p1`) within ms, if any. */
export function sshBanner(ip: string, ms = 2_000, port = 22): Promise<string | undefined> {
	return new Promise(resolve => {
		const s = connect({host: ip, port});
		let buf = '';
		const done = (v: string | undefined) => {
			clearTimeout(timer);
			s.destroy();
			resolve(v);
		};
		const timer = setTimeout(() => done(undefined), ms);
		s.on('data', d => {
			buf += d.toString('latin1');
			const nl = buf.indexOf('\n');
			if (nl >= 0) done(buf.slice(0, nl).trim());
		});
		s.on('error', () => done(undefined));
		s.on('close', () => done(undefined));
	});
}

/** Does a GET (a URL, or options such as {socketPath, path}) answer 200 within ms? */
export function http200(target: string | RequestOptions, ms = 2_000): Promise<boolean> {
	return new Promise(resolve => {
		const onResponse = (res: import('node:http').IncomingMessage) => {
			res.resume();
			resolve(res.statusCode === 200);
		};
		const req = typeof target === 'string' ? request(target, {timeout: ms}, onResponse) : request({...target, timeout: ms}, onResponse);
		req.on('error', () => resolve(false));
		req.on('timeout', () => {
			req.destroy();
			resolve(false);
		});
		req.end();
	});
}

/** GET /_ping on a Docker socket answers 200. */
export const dockerPing = (socket: string, ms = 2_000): Promise<boolean> => http200({socketPath: socket, path: '/_ping'}, ms);

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen({port: 0, host: '127.0.0.1'}, () => {
			const port = (s.address() as {port: number}).port;
			s.close(() => resolve(port));
		});
	});
}
