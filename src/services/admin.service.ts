import { createAdminRepository } from '../db/admin.repository.js';
import type { AdminRole } from '../domain/admin.js';
import { NotFoundError, PermissionDeniedError } from '../domain/errors.js';
import { assertTimeZone } from '../domain/schedule.js';
import type { ServiceConfig, ServiceDeps } from './deps.js';

export interface AdminView {
  id: number;
  role: AdminRole;
  name?: string;
  /** listed in ADMIN_IDS: always an owner, cannot be removed or demoted from the bot */
  fromConfig: boolean;
}

/** Config admins (ADMIN_IDS) are owners; owners add others as owner, admin or viewer. */
export function createAdminService({ models, logger, config }: ServiceDeps & { config: ServiceConfig }) {
  const repo = createAdminRepository(models);
  const configIds = new Set(config.ADMIN_IDS);

  async function roleOf(userId: number): Promise<AdminRole | null> {
    if (configIds.has(userId)) return 'owner';
    return (await repo.get(userId))?.role ?? null;
  }

  async function assertCanManage(actorId: number, targetId: number): Promise<void> {
    if ((await roleOf(actorId)) !== 'owner') throw new PermissionDeniedError('manage-admins');
    if (configIds.has(targetId)) throw new PermissionDeniedError('change-config-admin');
  }

  return {
    roleOf,

    async isAdmin(userId: number): Promise<boolean> {
      return (await roleOf(userId)) !== null;
    },

    async list(): Promise<AdminView[]> {
      const added = await repo.withRoles();
      const byId = new Map(added.map((a) => [a.id, a]));
      const owners = config.ADMIN_IDS.map((id) => {
        const name = byId.get(id)?.name;
        return { id, role: 'owner' as const, fromConfig: true, ...(name ? { name } : {}) };
      });
      const others = added
        .filter((a) => !configIds.has(a.id))
        .map((a) => ({ id: a.id, role: a.role!, fromConfig: false, ...(a.name ? { name: a.name } : {}) }));
      return [...owners, ...others];
    },

    /** Idempotent: adding someone who is already an admin sets their role. */
    async add(actorId: number, userId: number, role: AdminRole, name?: string): Promise<void> {
      await assertCanManage(actorId, userId);
      await repo.upsert(userId, { role, addedBy: actorId, ...(name ? { name } : {}) });
      logger.info({ actorId, userId, role }, 'admin added');
    },

    async changeRole(actorId: number, userId: number, role: AdminRole): Promise<void> {
      await assertCanManage(actorId, userId);
      if ((await roleOf(userId)) === null) throw new NotFoundError('admin', userId);
      await repo.update(userId, { role });
      logger.info({ actorId, userId, role }, 'admin role changed');
    },

    async remove(actorId: number, userId: number): Promise<boolean> {
      await assertCanManage(actorId, userId);
      const removed = await repo.removeRole(userId);
      if (removed) logger.info({ actorId, userId }, 'admin removed');
      return removed;
    },

    /** The admin's zone, else DEFAULT_TIMEZONE: new campaigns and date filters use it. */
    async timeZoneOf(userId: number): Promise<string> {
      return (await repo.get(userId))?.timeZone ?? config.DEFAULT_TIMEZONE;
    },

    async setTimeZone(userId: number, zone: string): Promise<string> {
      const timeZone = assertTimeZone(zone);
      await repo.upsert(userId, { timeZone });
      return timeZone;
    },

    async languageOf(userId: number): Promise<string | undefined> {
      return (await repo.get(userId))?.language;
    },

    async setLanguage(userId: number, language: string): Promise<void> {
      await repo.upsert(userId, { language });
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
