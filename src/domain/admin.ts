/** Owners manage admins; admins run campaigns; viewers see everything and change nothing. */
export const ADMIN_ROLES = ['owner', 'admin', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
