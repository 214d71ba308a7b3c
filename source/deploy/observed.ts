/** What a host reports about itself, normalised by its adapter (real Docker or the simulator). Pure data. */
import type {Mount, PortBinding} from './spec.ts';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ObservedContainer {
	id: string;
	name: string;
	/** The image reference it was created from, and the image ID that reference resolved to then. */
	image: string;
	imageId: string;
	command: string[];
	/** The whole environment, the image's own variables included. */
	env: Array<[string, string]>;
	ports: PortBinding[];
	mounts: Mount[];
	init: boolean;
	restart: string;
	stopTimeoutSeconds?: number;
	/** Every label, the image's included. */
	labels: Record<string, string>;
	networks: string[];
	state: ContainerState;
	/** ISO time; empty when never started. */
	startedAt: string;
	restartCount: number;
}

export const envOf = (pairs: readonly string[]): Array<[string, string]> =>
	pairs.map(pair => {
		const eq = pair.indexOf('=');
		return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
	});
