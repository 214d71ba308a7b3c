/** What an error says, for a flash or a host's status line (anything thrown, not only Errors). */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
