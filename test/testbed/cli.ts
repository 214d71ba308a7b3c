// The testbed from a shell (root):
//
//   PATH=$PWD/node_modules/.bin:$PATH node --import tsx test/testbed/cli.ts up [--hosts 3] [--images] [--hold]
//   ... status | env | ssh h1 [--user deployer] [CMD...] | exec h1 CMD... | cut h1 | heal h1 | freeze h1 | thaw h1
//   ... partition h1 h2 | unpartition h1 h2 | host-stop h1 [--graceful] | host-start h1 | docker-stop h1
//   ... docker-start h1 | rotate-host-key h1 | load-images [h1...] | images | down [--force]
//
// `up` leaves the testbed running after the command (until `down`; tests refuse to start meanwhile), or with
// --hold keeps it only while the command runs (Ctrl-C / SIGTERM removes it). HOST is h1..hN, N or an IP.
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, rmdirSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {testImages} from './images.ts';
import {attachTestbed, BASE_DIR, leftovers, reapAllSync, startTestbed, type Testbed} from './testbed.ts';

const USAGE = `usage: cli.ts up [--hosts N] [--images] [--hold] [--no-tmpfs]
       cli.ts down [--force] | status | env | images
       cli.ts ssh HOST [--user U] [CMD...] | exec HOST CMD...
       cli.ts cut|heal|freeze|thaw|host-start|docker-stop|docker-start|rotate-host-key HOST
       cli.ts host-stop HOST [--graceful] | partition|unpartition HOST HOST | load-images [HOST...]`;

function flag(args: string[], name: string): boolean {
	const i = args.indexOf(name);
	if (i < 0) return false;
	args.splice(i, 1);
	return true;
}

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	if (i < 0) return undefined;
	const v = args[i + 1];
	if (v === undefined) throw new Error(`${name} needs a value`);
	args.splice(i, 2);
	return v;
}

function describe(bed: Testbed): string {
	return [
		...bed.hosts.map(h => `${h.name} ${h.ip}  docker: DOCKER_HOST=unix://${h.dockerSocket}  files: ${h.fsRoot}`),
		`client key:   ${bed.clientKey}`,
		`known_hosts:  ${bed.knownHostsFile}`,
		`users:        ${bed.users.map(u => `${u.name}${u.docker ? '+docker' : ''}${u.sudo ? '+sudo' : ''}`).join(', ')} (password of non-root users: ${bed.password})`,
		`ssh:          ssh -i ${bed.clientKey} -o UserKnownHostsFile=${bed.knownHostsFile} root@${bed.hosts[0]?.ip}`,
	].join('\n');
}

function waitForever(): Promise<never> {
	return new Promise(() => setInterval(() => {}, 1 << 30));
}

async function main(argv: string[]): Promise<number> {
	const args = [...argv];
	const cmd = args.shift();
	const out = (s: string) => process.stdout.write(`${s}\n`);
	switch (cmd) {
		case 'up': {
			const hosts = Number(option(args, '--hosts') ?? '3');
			const hold = flag(args, '--hold');
			const images = flag(args, '--images');
			const tmpfs = !flag(args, '--no-tmpfs');
			const bed = await startTestbed({hosts, images, tmpfs, persistent: !hold, log: l => process.stderr.write(`[testbed] ${l}\n`)});
			out(describe(bed));
			out(`up in ${bed.timings.upMs} ms (hosts ${bed.timings.hostsMs} ms, reap ${bed.timings.reapMs} ms, images ${bed.timings.imagesMs} ms)`);
			if (!hold) return 0;
			out('READY (Ctrl-C or SIGTERM removes the testbed)');
			return waitForever();
		}
		case 'down': {
			const force = flag(args, '--force');
			const owner = (() => {
				try {
					return JSON.parse(readFileSync(join(BASE_DIR, 'owner.json'), 'utf8')) as {pid: number; persistent: boolean};
				} catch {
					return undefined;
				}
			})();
			if (owner && !owner.persistent && !force) {
				let alive = false;
				try {
					process.kill(owner.pid, 0);
					alive = true;
				} catch {}
				if (alive) throw new Error(`the testbed belongs to running process ${owner.pid} (a test?): it removes it itself; --force to remove it anyway`);
			}
			const t0 = Date.now();
			reapAllSync();
			if (existsSync(join(BASE_DIR, 'owner.json'))) unlinkSync(join(BASE_DIR, 'owner.json'));
			try {
				rmdirSync(BASE_DIR);
			} catch {}
			const left = leftovers();
			out(left.length === 0 ? `down in ${Date.now() - t0} ms` : `left behind:\n${left.join('\n')}`);
			return left.length === 0 ? 0 : 1;
		}
		case 'status': {
			const bed = attachTestbed();
			for (const s of await bed.status()) {
				out(`${s.name} ${s.ip} ${s.up ? 'up' : 'STOPPED'} sshd=${s.sshd ? 'up' : 'down'} dockerd=${s.dockerd ? 'up' : 'down'}${s.frozen ? ' FROZEN' : ''}${s.cut ? ' CUT' : ''} processes=${s.processes} memory=${(s.memoryBytes / 2 ** 20).toFixed(0)}MiB containers=${s.containers ?? '-'}`);
			}
			return 0;
		}
		case 'env': {
			const bed = attachTestbed();
			out(JSON.stringify({hosts: bed.hosts, clientKey: bed.clientKey, knownHostsFile: bed.knownHostsFile, users: bed.users, password: bed.password}, null, 2));
			return 0;
		}
		case 'images': {
			const r = await testImages();
			out(`${r.archive}\n${(r.bytes / 1e6).toFixed(1)} MB, ${r.built ? 'built' : 'cached'} in ${r.ms} ms\n${r.images.map(i => `${i.tag} ${i.id}`).join('\n')}`);
			return 0;
		}
		case 'ssh': {
			const bed = attachTestbed();
			const user = option(args, '--user') ?? 'root';
			const h = bed.host(args.shift() ?? '');
			const child = spawn('ssh', ['-F', '/dev/null', '-i', bed.clientKey, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${bed.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', ...(args.length === 0 ? ['-t'] : []), `${user}@${h.ip}`, ...args], {stdio: 'inherit'});
			return new Promise(resolve => child.on('exit', code => resolve(code ?? 1)));
		}
		case 'exec': {
			const bed = attachTestbed();
			const h = bed.host(args.shift() ?? '');
			if (args.length === 0) args.push('/bin/bash');
			const child = bed.spawn(h, args, {stdio: 'inherit'});
			return new Promise(resolve => child.on('exit', code => resolve(code ?? 1)));
		}
		case 'cut':
		case 'heal':
		case 'freeze':
		case 'thaw':
		case 'host-start':
		case 'docker-stop':
		case 'docker-start':
		case 'rotate-host-key':
		case 'host-stop': {
			const bed = attachTestbed();
			const graceful = flag(args, '--graceful');
			const h = bed.host(args.shift() ?? '');
			const t0 = Date.now();
			if (cmd === 'cut') await bed.cut(h);
			else if (cmd === 'heal') await bed.heal(h);
			else if (cmd === 'freeze') await bed.freeze(h);
			else if (cmd === 'thaw') await bed.thaw(h);
			else if (cmd === 'host-stop') await bed.hostStop(h, {graceful});
			else if (cmd === 'host-start') await bed.hostStart(h);
			else if (cmd === 'docker-stop') await bed.dockerStop(h);
			else if (cmd === 'docker-start') await bed.dockerStart(h);
			else out(await bed.rotateHostKey(h));
			out(`${cmd} ${h.name}: ${Date.now() - t0} ms`);
			return 0;
		}
		case 'partition':
		case 'unpartition': {
			const bed = attachTestbed();
			const a = bed.host(args.shift() ?? '');
			const b = bed.host(args.shift() ?? '');
			if (cmd === 'partition') {
				await bed.partition(a, b);
				await bed.partition(b, a);
			} else {
				await bed.unpartition(a, b);
				await bed.unpartition(b, a);
			}
			return 0;
		}
		case 'load-images': {
			const bed = attachTestbed();
			const t0 = Date.now();
			const r = await bed.loadImages(args.length > 0 ? args : undefined);
			out(`loaded ${r.images.map(i => i.tag).join(', ')} in ${Date.now() - t0} ms`);
			return 0;
		}
		default:
			process.stderr.write(`${USAGE}\n`);
			return 2;
	}
}

main(process.argv.slice(2)).then(
	code => {
		process.exitCode = code;
	},
	(e: unknown) => {
		process.stderr.write(`cli.ts: ${e instanceof Error ? e.message : String(e)}\n`);
		process.exitCode = 1;
	},
);
