/** The scenes `npm run demo:record -- --scene NAME` can play. */
import type {Scene} from '../scene.ts';
import {demo} from './demo.ts';
import {monitorSim} from './monitor-sim.ts';

export const SCENES: ReadonlyMap<string, Scene> = new Map([demo, monitorSim].map(s => [s.name, s]));

export const DEFAULT_SCENE = demo.name;
