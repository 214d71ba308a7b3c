/**
 * The shell half of preflight on a real host: ONE constant POSIX sh script (no value is ever spliced into it: the
 * base dir and dirs arrive as positional arguments) that prints sections, and the pure parser of its output.
 * Everything it reads exists on any Linux: /proc, df, id, date; `ip`, `getenforce`, `docker compose` are optional.
 */
import type {Compose} from './preflight.ts';

/** `sh -s -- BASE_DIR DIR...` with this on stdin. */
export const FACTS_SCRIPT = String.raw`
section() { printf '\n@@%s\n' "$1"; }
section id; id -un; id -u
section sudo
if [ "$(id -u)" = 0 ]; then echo root
elif ! command -v sudo >/dev/null 2>&1; then echo none
elif sudo -n true 2>/dev/null; then echo nopasswd
elif sudo -n true 2>&1 | grep -qi password; then echo password-required
else echo none; fi
section clock; date +%s%3N
section compose
if docker compose version --short 2>/dev/null; then echo v2; elif docker-compose version --short 2>/dev/null; then echo v1; else echo none; fi
section tcp; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null
section mem; cat /proc/meminfo
section df
base="$1"; while [ ! -e "$base" ] && [ "$base" != / ]; do base=$(dirname "$base"); done
df -Pk "$base" | tail -n 1
section addr
if command -v ip >/dev/null 2>&1; then ip -o -4 addr show | awk '{print $4}'; else hostname -I 2>/dev/null | tr ' ' '\n'; fi
section selinux
if command -v getenforce >/dev/null 2>&1; then getenforce; elif [ -r /sys/fs/selinux/enforce ]; then [ "$(cat /sys/fs/selinux/enforce)" = 1 ] && echo Enforcing || echo Permissive; else echo Disabled; fi
section dirs
shift
for d in "$@"; do
  if [ -d "$d" ]; then
    if [ -n "$(ls -A "$d" 2>/dev/null)" ]; then e=0; else e=1; fi
    printf '%s %s %s\n' "$(stat -c %u "$d")" "$e" "$d"
  fi
done
section end
`;

export interface ShellFacts {
	user: {name: string; uid: number; sudo: 'root' | 'nopasswd' | 'password-required' | 'none'};
	/** The host's clock (ms since epoch) when the script ran. */
	clockMs: number;
	compose: Compose;
	listeningPorts: number[];
	memTotalBytes: number;
	memAvailableBytes: number;
	diskFreeBytes: number;
	addresses: string[];
	selinux: 'enforcing' | 'permissive' | 'disabled';
	existingDirs: Array<{path: string; uid: number; empty: boolean}>;
}

function sections(output: string): Map<string, string[]> {
	const map = new Map<string, string[]>();
	let current: string[] | undefined;
	for (const line of output.split('\n')) {
		const m = /^@@(\w+)$/.exec(line);
		if (m) map.set(m[1]!, (current = []));
		else if (current && line !== '') current.push(line);
	}
	return map;
}

/** Ports in state LISTEN (0A) in /proc/net/tcp{,6} lines: `sl local_address rem_address st …`, hex port. */
export function listeningPorts(lines: readonly string[]): number[] {
	const ports = new Set<number>();
	for (const line of lines) {
		const fields = line.trim().split(/\s+/);
		if (fields.length < 4 || fields[3] !== '0A') continue;
		const port = Number.parseInt(fields[1]!.split(':').pop()!, 16);
		if (Number.isInteger(port)) ports.add(port);
	}
	return [...ports].sort((a, b) => a - b);
}

const meminfo = (lines: readonly string[], key: string): number => {
	const m = lines.map(l => new RegExp(`^${key}:\\s+(\\d+) kB`).exec(l)).find(Boolean);
	return m ? Number(m[1]) * 1024 : 0;
};

/** `date +%s%3N`: GNU gives milliseconds; a date without %N support gives seconds followed by junk. */
function clockMs(text: string): number {
	const digits = /^\d+/.exec(text)?.[0] ?? '';
	return digits.length > 10 ? Number(digits.slice(0, 13)) : Number(digits) * 1000;
}

export function parseFacts(output: string): ShellFacts {
	const s = sections(output);
	if (!s.has('end')) throw new Error(`the preflight script did not finish; its output ends with: ${output.trim().split('\n').slice(-3).join(' | ')}`);
	const get = (name: string): string[] => s.get(name) ?? [];
	const [name = '?', uid = '-1'] = get('id');
	const sudo = get('sudo')[0];
	const compose = get('compose');
	const kind = compose.at(-1);
	const df = (get('df')[0] ?? '').trim().split(/\s+/);
	const selinux = (get('selinux')[0] ?? 'Disabled').toLowerCase();
	return {
		user: {name, uid: Number(uid), sudo: sudo === 'root' || sudo === 'nopasswd' || sudo === 'password-required' ? sudo : 'none'},
		clockMs: clockMs(get('clock')[0] ?? ''),
		compose: kind === 'v1' || kind === 'v2' ? {kind, version: compose[0] ?? '?'} : {kind: 'none'},
		listeningPorts: listeningPorts(get('tcp')),
		memTotalBytes: meminfo(get('mem'), 'MemTotal'),
		memAvailableBytes: meminfo(get('mem'), 'MemAvailable'),
		diskFreeBytes: Number(df[3] ?? 0) * 1024,
		addresses: get('addr').map(a => a.split('/')[0]!).filter(a => /^\d+\.\d+\.\d+\.\d+$/.test(a)),
		selinux: selinux === 'enforcing' || selinux === 'permissive' ? selinux : 'disabled',
		existingDirs: get('dirs').map(line => {
			const [owner, empty, ...path] = line.split(' ');
			return {path: path.join(' '), uid: Number(owner), empty: empty === '1'};
		}),
	};
}
