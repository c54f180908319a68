/** Roles of the people who sign in; each is scoped to the subtree of the user's organisation. */

export const ROLES = [
  { code: 'central_admin', label: 'Администратор реестра (центр)', rank: 4 },
  { code: 'regional', label: 'Региональная организация', rank: 3 },
  { code: 'territorial', label: 'Территориальная организация', rank: 2 },
  { code: 'primary_chair', label: 'Председатель ППО', rank: 1 },
] as const;
export type Role = (typeof ROLES)[number]['code'];
export const ROLE_CODES = ROLES.map((r) => r.code) as [Role, ...Role[]];

export function roleRank(role: Role): number {
  return ROLES.find((r) => r.code === role)?.rank ?? 0;
}

export function roleLabel(role: Role): string {
  return ROLES.find((r) => r.code === role)?.label ?? role;
}

/** The role an account gets from the kind of organisation it is created for. */
export function roleForOrgKind(kind: string): Role | null {
  switch (kind) {
    case 'central':
      return 'central_admin';
    case 'regional':
      return 'regional';
    case 'territorial':
    case 'primary_territorial': // «ППО с правами территориальной» has the territorial organisation's rights
      return 'territorial';
    case 'primary':
      return 'primary_chair';
    default:
      return null;
  }
}
