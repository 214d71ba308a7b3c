/** Who is deploying, as locks and audit lines name them: the local user, this machine, this process. */
import {hostname, userInfo} from 'node:os';
import type {Operator} from './execute.ts';

export function defaultOperator(): Operator {
	let user = process.env.USER ?? 'unknown';
	try {
		user = userInfo().username;
	} catch {}
	return {user, from: hostname(), pid: process.pid};
}

/** How the pane's drill journal names an operator: `user@machine (pid N)`. */
export const operatorLabel = (operator: Operator): string => `${operator.user}@${operator.from} (pid ${operator.pid})`;
