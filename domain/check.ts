/** The result of checking one value: the normalised value, or a message a chair understands. */
export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = <T = never>(message: string): Check<T> => ({ ok: false, message });
