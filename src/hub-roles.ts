/**
 * What one hub process does (`hookhub start --role`). Ingress answers webhooks and the API; the router
 * turns events into jobs (and fires schedules); the worker runs the jobs. All three by default; on NATS,
 * processes with different roles share the work, so each part scales on its own.
 */
export const HUB_ROLES = ['ingress', 'router', 'worker'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

export const ALL_ROLES: ReadonlySet<HubRole> = new Set(HUB_ROLES);

/** Parses `ingress,router,worker` (any non-empty subset, any order). Throws with the known roles. */
export function parseRoles(value: string): ReadonlySet<HubRole> {
  const roles = new Set<HubRole>();
  for (const raw of value.split(',')) {
    const role = raw.trim();
    if (!(HUB_ROLES as readonly string[]).includes(role)) {
      throw new Error(`unknown role "${role.slice(0, 40)}" in --role (use a comma-separated list of ${HUB_ROLES.join(', ')})`);
    }
    roles.add(role as HubRole);
  }
  return roles;
}
