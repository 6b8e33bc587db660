/** The bot's i18n `t` as a plain function (the dispatcher never sees a Context). */
export type Translate = (locale: string, key: string, params?: Record<string, string | number>) => string;

/** Injected so that tests can move time (recurring campaigns, leases); defaults to the system clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
