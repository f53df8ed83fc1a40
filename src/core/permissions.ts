/**
 * Who may do what. The most specific rule wins: a user id, then the user's server name, then
 * `*`; someone no rule mentions is blocked, so an empty permissions section bridges nobody.
 */
import type { PermissionLevel } from "../config/schema.js";

const RANK: Record<PermissionLevel, number> = { block: 0, relay: 1, user: 2, admin: 3 };

export type PermissionRules = Readonly<Record<string, PermissionLevel>>;

export function serverNameOf(userId: string): string {
  const colon = userId.indexOf(":");
  return colon === -1 ? "" : userId.slice(colon + 1);
}

export function permissionLevelOf(userId: string, rules: PermissionRules): PermissionLevel {
  return rules[userId] ?? rules[serverNameOf(userId)] ?? rules["*"] ?? "block";
}

export function hasPermission(userId: string, rules: PermissionRules, required: PermissionLevel): boolean {
  return RANK[permissionLevelOf(userId, rules)] >= RANK[required];
}
