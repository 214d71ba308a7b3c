/** JVM options for the containers (facts §4: the image sizes heaps from the HOST's RAM unless told). */

/** `1g` → 1024, `768m` → 768. */
export function heapMegabytes(size: string): number {
	const m = /^(\d+)([mMgG])$/.exec(size);
	if (!m) throw new Error(`bad heap size "${size}"`);
	const n = Number(m[1]);
	return m[2]!.toLowerCase() === 'g' ? n * 1024 : n;
}

/** `-Xms1g -Xmx1g -Xmn512m -Duser.timezone=Asia/Shanghai`: fixed heap, young generation half of it. */
export function javaOptExt(heap: string, timezone: string): string {
	const young = Math.max(1, Math.floor(heapMegabytes(heap) / 2));
	return `-Xms${heap} -Xmx${heap} -Xmn${young}m -Duser.timezone=${timezone}`;
}
