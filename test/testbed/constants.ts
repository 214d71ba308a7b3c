// The testbed's fixed names, addresses and paths (one testbed per machine: every one of them is fixed).
import {join} from 'node:path';

export const BASE_DIR = process.env.RMQ_TUI_TESTBED_DIR ?? '/var/tmp/rmq-tui-testbed';
/** Everything of the hosts (a tmpfs by default). */
export const ROOT = join(BASE_DIR, 'bed');
export const LOCK = join(BASE_DIR, 'owner.json');
export const STATE = join(BASE_DIR, 'state.json');
/** The mount + UTS namespace handles (<host>.mnt, <host>.uts). */
export const NS_DIR = join(ROOT, 'ns');
export const NET = '10.99.0';
export const GATEWAY = `${NET}.1`;
export const BRIDGE = 'rmqtb0';
/** Where startRegistry() serves (the gateway, on the test bridge only); every host's Docker Hub mirror. */
export const REGISTRY = `${GATEWAY}:5000`;
/** Network namespaces and host-side veths: rmqtb-hN. */
export const NS_PREFIX = 'rmqtb-';
/** Every cgroup of the testbed (hosts, registry) starts with this (the private dockerds' never do). */
export const CG_PREFIX = 'rmq-tui-tb-';
export const REGISTRY_CG = `${CG_PREFIX}registry`;
export const MAX_HOSTS = 15;
/** Directories each host has its own copy of (bound from <fsRoot><dir>). */
export const PRIVATE_DIRS = ['/etc', '/run', '/var/lib/docker', '/var/lib/containerd', '/var/lib/docker-registry', '/root', '/home', '/opt', '/data', '/srv', '/var/log', '/tmp'];
/** Password of the non-root users. */
export const PASSWORD = 'testbed-pass';

export const hostIp = (n: number) => `${NET}.${10 + n}`;
export const hostMac = (n: number) => `02:99:00:00:00:${(10 + n).toString(16).padStart(2, '0')}`;
export const BRIDGE_MAC = '02:99:00:00:00:01';
