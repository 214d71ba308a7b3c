/** `--help`, from the flag table. */
import {FLAGS, type FlagSpec} from './flags.ts';

const COMMANDS: Array<[string, string]> = [
	['rmq-tui --demo', 'try it all in a minute without servers: wizard → deploy → live pane and drills, on simulated hosts'],
	['rmq-tui --export DIR --hosts A,B,C', 'write every file of the cluster, one tree per host, with a RUNBOOK.md each'],
	['rmq-tui --export DIR --inventory FILE', 'the same from a cluster file (pinned placement kept)'],
	['rmq-tui --hosts A,B,C --json', 'print the plan (what runs where) without writing anything'],
	["rmq-tui status --namesrv 'A;B' | --inventory FILE [--json]", 'one probe of every DLedger group: leader per name server and per node, verdict (exit 0 only when healthy)'],
	['rmq-tui sim cluster [--hosts A,B,C | --inventory FILE]', 'run the whole cluster simulated on loopback (127.0.0.11, .12, …), real ports, until Ctrl-C'],
	['rmq-tui sim namesrv | sim broker -c FILE', 'run ONE simulated node (name server, or a broker from a real broker.conf), as mqnamesrv / mqbroker would'],
	['rmq-tui lint PATH...', 'check hand-written broker .conf / compose files or a cluster.yaml (exit 1 on errors)'],
	['rmq-tui deploy --inventory FILE [--dry-run] [--yes]', 'over SSH: preflight every host, show what will change, then put the files on every host and start the cluster (idempotent, Raft-aware)'],
	['rmq-tui down --inventory FILE [--purge]', 'stop and remove the cluster\'s containers and network on every host (data stays unless --purge)'],
	['rmq-tui console --inventory FILE', 'open the (loopback-only) RocketMQ console here through an SSH tunnel, until Ctrl-C'],
];

const EXAMPLES = [
	'rmq-tui --demo',
	'rmq-tui --export out --hosts 192.168.1.71,192.168.1.76,192.168.1.77',
	'rmq-tui --export out --hosts "10.0.0.1;10.0.0.2;10.0.0.3;10.0.0.4;10.0.0.5" --groups 3 --broker-heap 2g',
	'rmq-tui --export out --inventory cluster.yaml --force',
	'rmq-tui sim cluster --time-scale 5',
	'rmq-tui lint /data/docker-services/rocketmq',
	'rmq-tui lint out/        # a whole exported cluster, hosts mapped by folder',
	'rmq-tui deploy -i out/cluster.yaml --dry-run',
	'rmq-tui deploy -i out/cluster.yaml --image-archive rocketmq-images.tar --yes',
];

const label = (f: FlagSpec): string =>
	`${f.short ? `-${f.short}, ` : '    '}--${f.type === 'boolean' && f.name === 'console' ? '[no-]console' : f.name}${f.value ? ` ${f.value}` : ''}`;

export function helpText(version: string): string {
	const sections = [...new Set(FLAGS.map(f => f.section))];
	const width = Math.max(...FLAGS.map(f => label(f).length)) + 2;
	const lines = [
		`rmq-tui ${version} — stand up and operate an Apache RocketMQ 4.7.1 DLedger cluster over SSH and Docker`,
		'',
		'Usage',
		...COMMANDS.flatMap(([cmd, what]) => [`  ${cmd}`, `      ${what}`]),
		'',
	];
	for (const section of sections) {
		lines.push(section);
		for (const f of FLAGS.filter(x => x.section === section)) {
			lines.push(`  ${label(f).padEnd(width)}${f.description}`, `  ${''.padEnd(width)}e.g. rmq-tui ${f.example}`);
		}
		lines.push('');
	}
	lines.push('Examples', ...EXAMPLES.map(e => `  $ ${e}`), '');
	lines.push('Exit codes: 0 ok · 1 findings (lint errors, a failed deploy) · 2 usage (bad flags or input) · 3 unreachable');
	return `${lines.join('\n')}\n`;
}
