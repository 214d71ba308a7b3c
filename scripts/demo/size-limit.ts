/** The limit for demo.gif, and the loud failure when a recording goes over it. */
export const MAX_GIF_BYTES = 3_000_000;

export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;

export function checkGifSize(bytes: number, max = MAX_GIF_BYTES): void {
	if (bytes <= max) return;
	throw new Error(
		`the GIF would be ${megabytes(bytes)}, over the ${megabytes(max)} limit; nothing written. Shorten the scene's holds, or fast-forward its long waits (fastForward on a wait step)`,
	);
}
