/** Colours, or none when NO_COLOR is set (https://no-color.org). */
import {createContext, useContext} from 'react';

export interface Theme {
	accent?: string;
	error?: string;
	ok?: string;
	dim: boolean;
}

export const themeFor = (env: NodeJS.ProcessEnv): Theme =>
	env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? {dim: false} : {accent: 'cyan', error: 'red', ok: 'green', dim: true};

export const ThemeContext = createContext<Theme>(themeFor({}));
export const useTheme = (): Theme => useContext(ThemeContext);
