// The roles of Faldone's users (string ids stored with each user) and their Italian names for the UI.
export const ROLES = ['admin', 'archivist', 'records_manager', 'professional'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Amministratore',
  archivist: 'Archivista',
  records_manager: 'Responsabile protocollo',
  professional: 'Professionista',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
