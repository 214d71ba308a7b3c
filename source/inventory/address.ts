/** Address shapes accepted for hosts. Pure. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export function isIPv4(value: string): boolean {
	return IPV4.test(value);
}

export function isIPv6(value: string): boolean {
	const v = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
	if (!/^[0-9a-f:.]+$/i.test(v) || !v.includes(':')) return false;
	const double = v.split('::');
	if (double.length > 2) return false;
	const groups = (s: string) => (s === '' ? [] : s.split(':'));
	const parts = [...groups(double[0] ?? ''), ...groups(double[1] ?? '')];
	let budget = 8;
	for (const [i, p] of parts.entries()) {
		if (i === parts.length - 1 && p.includes('.')) {
			if (!isIPv4(p)) return false;
			budget -= 2;
			continue;
		}
		if (!/^[0-9a-f]{1,4}$/i.test(p)) return false;
		budget -= 1;
	}
	return double.length === 2 ? budget >= 1 : budget === 0;
}

export function isHostname(value: string): boolean {
	if (value.length === 0 || value.length > 253) return false;
	const labels = value.replace(/\.$/, '').split('.');
	if (labels.every(l => /^\d+$/.test(l))) return false; // looks like a broken IP
	return labels.every(l => HOST_LABEL.test(l));
}

/** Something that is almost an IPv4 (four dotted numbers) but not a valid one. */
export function looksLikeBadIPv4(value: string): boolean {
	return /^\d+(\.\d+){2,4}$/.test(value) && !isIPv4(value);
}

export function describeAddressProblem(value: string): string | undefined {
	if (value.trim() !== value) return `"${value}" has leading or trailing spaces`;
	if (value === '') return 'the address is empty';
	if (isIPv4(value) || isIPv6(value) || isHostname(value)) return undefined;
	if (looksLikeBadIPv4(value)) return `"${value}" is not a valid IPv4 address (four numbers 0–255 separated by dots)`;
	return `"${value}" is neither an IPv4/IPv6 address nor a valid host name`;
}
