import type { NextFunction } from 'grammy';
import type { BotContext, BotDeps } from '../context.js';

/** Attaches the dependencies, a per-update child logger and the sender's admin role. */
export function depsMiddleware(deps: BotDeps) {
  return async (ctx: BotContext, next: NextFunction) => {
    ctx.deps = deps;
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id, from: ctx.from?.id, chat: ctx.chat?.id });
    ctx.role = ctx.from ? await deps.services.admins.roleOf(ctx.from.id) : null;
    await next();
  };
}
