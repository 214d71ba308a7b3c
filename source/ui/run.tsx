/** Opens the wizard on the real terminal; resolves to the exit code when it closes. */
import {render} from 'ink';
import {writeTreeAtomically} from '../export/write-tree.ts';
import {App} from './App.tsx';

export async function runWizard(env: NodeJS.ProcessEnv): Promise<number> {
	const instance = render(
		<App
			env={env}
			rows={process.stdout.rows || 24}
			columns={process.stdout.columns || 80}
			exportTo={(dir, tree) => writeTreeAtomically(dir, tree, {force: false})}
		/>,
		{exitOnCtrlC: false},
	);
	await instance.waitUntilExit();
	return 0;
}
