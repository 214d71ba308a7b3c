// A host's disk before its first boot: a private copy of /etc with the host's own hostname, hosts, machine-id, sshd
// config and host key, Docker's daemon.json, the test users (passwd, group, shadow, sudoers, authorized_keys) and
// the other private directories (PRIVATE_DIRS), all under the host's fsRoot.
import {chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runOk} from '../support/run.ts';
import {GATEWAY, NET, PASSWORD, PRIVATE_DIRS, REGISTRY} from './constants.ts';
import type {TestbedHost, TestbedUser} from './types.ts';

interface UserSpec {
	name: string;
	docker: boolean;
	sudo: boolean;
}
const USER_SPECS: UserSpec[] = [
	{name: 'deployer', docker: true, sudo: true},
	{name: 'sudoer', docker: false, sudo: true},
	{name: 'nosudo', docker: false, sudo: false},
];

function sshdConfig(h: TestbedHost): string {
	return `# rmq-tui testbed host ${h.name} (${h.ip}) — test/testbed/testbed.ts
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
StrictModes yes
MaxStartups 200:30:400
MaxSessions 200
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
AcceptEnv LANG LC_*
LogLevel VERBOSE
Subsystem sftp internal-sftp
`;
}

function daemonJson(h: TestbedHost): string {
	return `${JSON.stringify(
		{
			bip: h.dockerBip,
			'default-address-pools': [{base: h.dockerPool, size: 24}],
			'cgroup-parent': `/${h.cgroup}`,
			'exec-opts': ['native.cgroupdriver=cgroupfs'],
			'insecure-registries': [`${NET}.0/24`],
			// Docker Hub's stand-in: `docker pull apacherocketmq/rocketmq:...` asks the testbed registry first (when
			// startRegistry() runs it); otherwise the pull fails at once (no DNS, no route out)
			'registry-mirrors': [`http://${REGISTRY}`],
			'log-driver': 'json-file',
		},
		null,
		2,
	)}\n`;
}

/** A new ed25519 host key in the host's /etc/ssh (the old one removed); sets and returns h.hostKey. */
export async function newHostKey(h: TestbedHost): Promise<string> {
	const key = join(h.fsRoot, 'etc/ssh/ssh_host_ed25519_key');
	rmSync(key, {force: true});
	rmSync(`${key}.pub`, {force: true});
	await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', key]);
	h.hostKey = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
	return h.hostKey;
}

/** Copies /etc and writes the host's own files (hostname, hosts, sshd, docker, users, sudoers, keys). */
export async function seedHost(h: TestbedHost, all: readonly TestbedHost[], clientPub: string): Promise<TestbedUser[]> {
	const fs = h.fsRoot;
	for (const d of PRIVATE_DIRS) if (d !== '/etc') mkdirSync(join(fs, d), {recursive: true});
	await runOk('cp', ['-a', '/etc', join(fs, 'etc')]);
	chmodSync(join(fs, 'tmp'), 0o1777);
	chmodSync(join(fs, 'root'), 0o700);
	mkdirSync(join(fs, 'run/sshd'), {recursive: true, mode: 0o755});
	mkdirSync(join(fs, 'run/lock'), {recursive: true});
	chmodSync(join(fs, 'run/lock'), 0o1777);
	mkdirSync(join(fs, '.cg'));
	const etc = (p: string) => join(fs, 'etc', p);
	writeFileSync(etc('hostname'), `${h.name}\n`);
	writeFileSync(
		etc('hosts'),
		[`127.0.0.1\tlocalhost`, `127.0.1.1\t${h.name}`, `${GATEWAY}\ttestbed-gateway`, ...all.map(o => `${o.ip}\t${o.name}`), '::1\tlocalhost ip6-localhost ip6-loopback', ''].join('\n'),
	);
	rmSync(etc('resolv.conf'), {force: true});
	writeFileSync(etc('resolv.conf'), '# rmq-tui testbed: no DNS (hosts reach 10.99.0.0/24 only)\noptions timeout:1 attempts:1\n');
	rmSync(etc('machine-id'), {force: true});
	writeFileSync(etc('machine-id'), `${'0'.repeat(30)}${h.index.toString(16).padStart(2, '0')}\n`);
	// ssh: only our config and host key
	for (const f of readdirSync(etc('ssh'))) if (f.startsWith('ssh_host_')) rmSync(etc(`ssh/${f}`));
	rmSync(etc('ssh/sshd_config.d'), {recursive: true, force: true});
	writeFileSync(etc('ssh/sshd_config'), sshdConfig(h));
	await newHostKey(h);
	// docker
	mkdirSync(etc('docker'), {recursive: true});
	rmSync(etc('docker/key.json'), {force: true});
	writeFileSync(etc('docker/daemon.json'), daemonJson(h));
	// users
	let passwd = readFileSync(etc('passwd'), 'utf8');
	let group = readFileSync(etc('group'), 'utf8');
	let shadow = readFileSync(etc('shadow'), 'utf8');
	const usedUids = new Set(passwd.split('\n').map(l => Number(l.split(':')[2])));
	const usedGids = new Set(group.split('\n').map(l => Number(l.split(':')[2])));
	const addToGroup = (name: string, user: string) => {
		const lines = group.split('\n');
		let found = false;
		group = lines
			.map(l => {
				const f = l.split(':');
				if (f[0] !== name) return l;
				found = true;
				const members = (f[3] ?? '').split(',').filter(m => m !== '');
				members.push(user);
				f[3] = members.join(',');
				return f.join(':');
			})
			.join('\n');
		if (!found) {
			let gid = 990;
			while (usedGids.has(gid)) gid--;
			usedGids.add(gid);
			group = `${group.replace(/\n*$/, '\n')}${name}:x:${gid}:${user}\n`;
		}
	};
	const users: TestbedUser[] = [{name: 'root', uid: 0, docker: true, sudo: true}];
	let next = 1101;
	for (const spec of USER_SPECS) {
		while (usedUids.has(next) || usedGids.has(next)) next++;
		const uid = next++;
		usedUids.add(uid);
		usedGids.add(uid);
		passwd = `${passwd.replace(/\n*$/, '\n')}${spec.name}:x:${uid}:${uid}:rmq-tui testbed ${spec.name}:/home/${spec.name}:/bin/bash\n`;
		group = `${group.replace(/\n*$/, '\n')}${spec.name}:x:${uid}:\n`;
		shadow = `${shadow.replace(/\n*$/, '\n')}${spec.name}:*:19000:0:99999:7:::\n`;
		if (spec.docker) addToGroup('docker', spec.name);
		if (spec.sudo) addToGroup('sudo', spec.name);
		const home = join(fs, 'home', spec.name);
		mkdirSync(join(home, '.ssh'), {recursive: true});
		await runOk('cp', ['-a', '/etc/skel/.', home]).catch(() => '');
		writeFileSync(join(home, '.ssh', 'authorized_keys'), clientPub);
		chmodSync(home, 0o750);
		chmodSync(join(home, '.ssh'), 0o700);
		chmodSync(join(home, '.ssh', 'authorized_keys'), 0o600);
		await runOk('chown', ['-R', `${uid}:${uid}`, home]);
		users.push({name: spec.name, uid, docker: spec.docker, sudo: spec.sudo, password: PASSWORD});
	}
	writeFileSync(etc('passwd'), passwd);
	writeFileSync(etc('group'), group);
	writeFileSync(etc('shadow'), shadow);
	mkdirSync(etc('sudoers.d'), {recursive: true});
	writeFileSync(
		etc('sudoers.d/rmq-tui-testbed'),
		`# rmq-tui testbed: passwordless sudo for the deploy users\n${USER_SPECS.filter(u => u.sudo).map(u => `${u.name} ALL=(ALL:ALL) NOPASSWD: ALL`).join('\n')}\n`,
	);
	chmodSync(etc('sudoers.d/rmq-tui-testbed'), 0o440);
	// root
	await runOk('cp', ['-a', '/etc/skel/.', join(fs, 'root')]).catch(() => '');
	mkdirSync(join(fs, 'root/.ssh'), {recursive: true, mode: 0o700});
	writeFileSync(join(fs, 'root/.ssh/authorized_keys'), clientPub);
	chmodSync(join(fs, 'root/.ssh/authorized_keys'), 0o600);
	chownSync(join(fs, 'root'), 0, 0);
	return users;
}
