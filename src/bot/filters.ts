import type { BotContext } from './context.js';

export const isAdmin = (ctx: BotContext): boolean => ctx.role !== null;
/** Viewers see everything but change nothing. */
export const canChange = (ctx: BotContext): boolean => ctx.role === 'owner' || ctx.role === 'admin';
export const isOwner = (ctx: BotContext): boolean => ctx.role === 'owner';
