/**
 * Per-file rules about how 4.7.1 READS a conf (pure): the ISO-8859-1 encoding, key spelling, duplicates,
 * trailing whitespace and value shapes. 4.7.1 ignores unknown keys and unparsable values silently.
 */
import type {PropertyEntry} from '../format/properties.ts';
import {closest, editDistance} from '../inventory/parse.ts';
import {BROKER_KEYS_4_7_1} from './known-keys.ts';
import {BOOLEAN_KEYS, DLEDGER_KEYS, ENUM_KEYS, NUMBER_KEYS, SYSTEM_ENV_KEYS} from './key-types.ts';
import {dledgerOn, type BrokerConf} from './conf-model.ts';
import type {Finding} from './types.ts';

const KNOWN_KEYS = [...BROKER_KEYS_4_7_1, ...SYSTEM_ENV_KEYS];

/** Keys people write that 4.7.1 does not have, with what to do instead. */
const ABSENT_IN_4_7_1: Record<string, {why: string; fix: string}> = {
	fastListenPort: {why: 'the fast channel is always listenPort−2', fix: 'remove fastListenPort; change listenPort to move both ports'},
};
const isKnownKey = (key: string): boolean => BROKER_KEYS_4_7_1.has(key) || SYSTEM_ENV_KEYS.has(key);

/** The DLedger key a misspelling such as `dLedgerPeers` or `dlegerSelfId` meant, if any. */
export function misspelledDledgerKey(key: string): string | undefined {
	if (isKnownKey(key) || !/le(d)?ger/i.test(key)) return undefined;
	const respelled = key.replace(/ledger/i, 'Leger');
	return DLEDGER_KEYS.find(k => k.toLowerCase() === respelled.toLowerCase()) ?? closest(respelled, DLEDGER_KEYS);
}

function keyFindings(conf: BrokerConf, entry: PropertyEntry): Finding[] {
	const {key, line} = entry;
	if (isKnownKey(key)) return [];
	const dledgerKey = misspelledDledgerKey(key);
	if (dledgerKey) {
		const effect = dledgerKey === 'enableDLegerCommitLog' ? 'the broker starts as a plain broker without DLedger' : 'DLedger never gets this value';
		return [conf.finding('dledger-key-misspelled', 'error', line,
			`${key} is misspelled: 4.7.1 reads ${dledgerKey} ("Leger") and ignores ${key} silently, so ${effect}`,
			`rename ${key} to ${dledgerKey}`)];
	}
	const absent = ABSENT_IN_4_7_1[key];
	if (absent) {
		return [conf.finding('unknown-key', 'warning', line, `${key} is not a RocketMQ 4.7.1 broker key and is ignored silently: ${absent.why}`, absent.fix)];
	}
	const suggestion = closest(key, KNOWN_KEYS);
	const distance = suggestion === undefined ? Infinity : editDistance(key.toLowerCase(), suggestion.toLowerCase());
	const caseOnly = distance === 0 ? ' (keys are case-sensitive)' : '';
	const hint = suggestion ? `; did you mean ${suggestion}?` : '';
	// Within two edits the intent is clear and the setting is silently lost: an error. Further away it is only a hint.
	return [conf.finding('unknown-key', distance <= 2 ? 'error' : 'warning', line,
		`${key} is not a RocketMQ 4.7.1 broker key${caseOnly} and is ignored silently${hint}`,
		suggestion ? `rename ${key} to ${suggestion}, or remove it` : `remove ${key}, or check its spelling against the 4.7.1 broker configuration`)];
}

function nonAsciiFinding(conf: BrokerConf, entry: PropertyEntry): Finding[] {
	if (/[^\x00-\x7f]/.test(entry.key)) return []; // an unknown key already
	const match = /[^\x00-\x7f]/.exec(entry.raw);
	if (!match) return [];
	const ch = match[0];
	const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
	return [conf.finding('non-ascii-value', 'error', entry.line,
		`the value of ${entry.key} contains "${ch}" (${code}): Java reads .conf files as ISO-8859-1, so the broker sees other characters`,
		`type "${ch}" as its ASCII equivalent (e.g. ":" for "："), or escape it as \\u${code.slice(2)}`)];
}

/** What Java makes of a value with trailing whitespace, by the key's type. */
function trailingEffect(key: string, value: string): string {
	const shown = JSON.stringify(value);
	if (BOOLEAN_KEYS.has(key)) {
		const extra = key === 'enableDLegerCommitLog' ? ': the broker starts without DLedger' : '';
		return `Boolean.parseBoolean(${shown}) is false${extra}`;
	}
	if (NUMBER_KEYS.has(key)) return `parsing ${shown} as a number fails and 4.7.1 keeps the default silently`;
	if (ENUM_KEYS.has(key)) return `${shown} is no ${key} value, so 4.7.1 keeps the default silently`;
	return `the value is ${shown}, spaces included`;
}

function valueFindings(conf: BrokerConf, entry: PropertyEntry): Finding[] {
	const {key, value, line} = entry;
	if (!isKnownKey(key)) return [];
	if (/[ \t\f]$/.test(value)) {
		return [conf.finding('trailing-space', 'error', line,
			`${key} has trailing whitespace after "${value.trimEnd()}": ${trailingEffect(key, value)}`,
			`delete the whitespace at the end of line ${line}`)];
	}
	if (BOOLEAN_KEYS.has(key) && !/^(true|false)$/i.test(value)) {
		return [conf.finding('bad-boolean', 'error', line,
			`${key}=${value} is not true or false: Boolean.parseBoolean reads it as false`,
			`write ${key}=true or ${key}=false`)];
	}
	if (NUMBER_KEYS.has(key) && !/^[+-]?\d{1,19}$/.test(value)) {
		return [conf.finding('bad-number', 'error', line,
			`${key}=${value} is not a whole number: 4.7.1 ignores it silently and keeps the default`,
			`write ${key} as digits only, e.g. ${key}=10911`)];
	}
	const allowed = ENUM_KEYS.get(key);
	if (allowed && !allowed.includes(value) && !(key === 'brokerRole' && dledgerOn(conf))) {
		return [conf.finding('bad-enum', 'error', line,
			`${key}=${value} is not one of ${allowed.join(', ')}: 4.7.1 ignores it silently and keeps the default`,
			`write one of ${allowed.map(v => `${key}=${v}`).join(', ')} (exact case)`)];
	}
	return [];
}

function duplicateFindings(conf: BrokerConf): Finding[] {
	const first = new Map<string, PropertyEntry>();
	const findings: Finding[] = [];
	for (const entry of conf.entries) {
		const earlier = first.get(entry.key);
		if (!earlier) {
			first.set(entry.key, entry);
			continue;
		}
		const same = earlier.value === entry.value;
		findings.push(conf.finding('duplicate-key', same ? 'info' : 'warning', entry.line,
			same
				? `${entry.key} is set again with the same value (first on line ${earlier.line})`
				: `${entry.key} is set twice: line ${earlier.line} says "${earlier.value}", but this later "${entry.value}" wins`,
			`keep one ${entry.key} line and delete the other`));
	}
	return findings;
}

export function lintConfSyntax(conf: BrokerConf): Finding[] {
	const bom = conf.text.startsWith('\uFEFF')
		? [conf.finding('conf-bom', 'error', 1,
			`the file starts with a UTF-8 byte order mark: Java reads the first key as "ï»¿${conf.entries[0]?.key.replace(/^\uFEFF/, '') ?? ''}" and ignores it`,
			'save the file as UTF-8 without BOM (or plain ASCII)')]
		: [];
	return [
		...bom,
		...conf.entries.flatMap(e => [...keyFindings(conf, {...e, key: e.key.replace(/^\uFEFF/, '')}), ...nonAsciiFinding(conf, e), ...valueFindings(conf, e)]),
		...duplicateFindings(conf),
	];
}
