// Real test hosts on this machine: N "hosts", each with its own IP, a real OpenSSH server and a real Docker daemon.
//
//   const bed = await startTestbed({hosts: 3})
//   t.after(() => bed.stop())
//   await bed.exec('h1', ['docker', 'ps'])          // inside h1's namespaces
//   ssh -i bed.clientKey root@10.99.0.11            // what the code under test does
//
// Each host (hN, N = 1..15) is
//   - a network namespace `rmqtb-hN` whose eth0 (10.99.0.(10+N)/24, MAC 02:99:00:00:00:(10+N)) is a veth on the
//     bridge `rmqtb0` (10.99.0.1/24) in the root namespace. No default route: a host reaches 10.99.0.0/24 only.
//     Neighbour entries are static, so a cut host is silent (connects time out) rather than "No route to host".
//   - a persistent mount + UTS namespace (bound at <root>/ns/hN.{mnt,uts}) with hostname hN, its own sysfs (the
//     cgroup tree moved back in: dockerd needs it) and PRIVATE copies of /etc (a full copy: users, sudoers, ssh,
//     docker) and /run /var/lib/docker /var/lib/containerd /var/lib/docker-registry /root /home /opt /data /srv
//     /var/log /tmp, bound from <root>/hosts/hN/fs/... — so /var/run/docker.sock, authorized_keys and deployed files
//     are per host, and from here a host's file is at `bed.path(host, '/opt/x')`.
//   - sshd (Debian's, own ed25519 host key, port 22; root by key only; users below) and dockerd (Debian's, its own
//     managed containerd; bip 10.99.N.1/24, address pool 10.99.(16N).0/20, cgroup-parent /rmq-tui-tb-hN, insecure
//     registries 10.99.0.0/24, Docker Hub mirror http://10.99.0.1:5000) — never the machine's.
//   - cgroup `rmq-tui-tb-hN` (pids, memory, freezer; v2: one unified dir): sshd, dockerd, everything they start
//     (sessions, containerd, shims, containers via cgroup-parent) and whatever exec()/spawn() run there, so a host
//     can be counted, frozen and killed as a unit.
// Users on every host (all accept the client key; non-root ones also the password `bed.password`):
//   root; deployer (docker group + passwordless sudo); sudoer (passwordless sudo, NOT in the docker group: needs
//   `sudo -n docker ...`); nosudo (neither sudo nor docker).
//
// Faults: cut/heal (the host's link down: packets vanish), partition/unpartition (iptables raw DROP between two
// hosts), freeze/thaw (cgroup freezer: TCP connects, nothing answers), hostStop/hostStart (power loss: SIGKILL
// everything, namespaces gone; then a "boot" with the disk kept and /run cleared: sshd + dockerd again, containers
// with a restart policy come back), dockerStop/dockerStart (the Docker service only), rotateHostKey.
// Images: loadImages() (`docker load` of images.ts's archive), or startRegistry()/pushTestImages(): Debian's
// docker-registry on 10.99.0.1:5000, every host's Docker Hub mirror, so `docker pull apacherocketmq/rocketmq:...` works.
//
// One testbed at a time on a machine (the addresses are fixed): startTestbed() waits for a testbed owned by another
// live process (node --test runs files in parallel, and a file's tests too) and reaps one whose owner died;
// acquireTestbedLock() keeps the machine's testbed for a whole test (several beds one after another, children). Nothing is left behind: stop()
// removes everything; a crashed owner is covered by a synchronous 'exit' handler (and SIGINT/SIGTERM/SIGHUP), and
// the next startTestbed() (or `cli.ts down`) reaps whatever a SIGKILLed owner left. Everything lives under BASE_DIR
// (a tmpfs by default: fast, and teardown is an unmount); images are cached in images.ts's CACHE_DIR.
//
// Never touches: the machine's /etc, sshd, docker daemon or /var/lib/docker; the private dockerds of
// test/support/dockerd.ts (10.213.0.0/16, cgroups rmq-tui-test-*); any address outside 10.99.0.0/16.
//
// The parts: constants.ts (names, addresses, paths), types.ts, lock.ts (the machine-wide lock, exit hook),
// reap.ts (reapAllSync, leftovers), state.ts, network.ts (bridge, veths, netns, link faults), host-fs.ts (a host's
// disk), host-ns.ts (its namespaces, running a command inside), host-daemons.ts (boot/halt, sshd, dockerd),
// faults.ts, registry.ts, bed.ts (the Testbed object), start.ts (startTestbed, attachTestbed). This file is the
// public entry: import from here.
export {BASE_DIR, BRIDGE, GATEWAY, NET, REGISTRY} from './constants.ts';
export type {ExecOptions, ExecResult, HostRef, HostStatus, SpawnOptions, Testbed, TestbedHost, TestbedOptions, TestbedTimings, TestbedUser} from './types.ts';
export {acquireTestbedLock, leftovers, LOCK_HOLDER_ENV, type TestbedLock} from './lock.ts';
export {reapAllSync} from './reap.ts';
export {attachTestbed, startTestbed, testbedMissing} from './start.ts';
export {sshBanner, tcpConnects} from '../support/net.ts';
