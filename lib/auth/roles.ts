/**
 * Who may do what (SPEC §5): admin everything; supervisor agents, their termination and Sync now; viewer
 * reads. Checked inside every domain write's caller — a server action or a route handler — so calling the
 * action directly does not get around it.
 */
import type { Role } from "../../db/schema";
import { DomainError } from "../errors";

const ALLOWED = {
  "sites.write": ["admin"],
  "servers.write": ["admin"],
  "servers.fullSync": ["admin"],
  "agents.terminate": ["admin", "supervisor"],
  "agents.sync": ["admin", "supervisor"],
  "users.write": ["admin"],
  "config.read": ["admin"],
  "config.write": ["admin"],
  "sources.write": ["admin"],
  "agents.move": ["admin"],
  "self.preferences": ["admin", "supervisor", "viewer"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof ALLOWED;

const WHAT: Record<Permission, string> = {
  "sites.write": "change sites",
  "servers.write": "change WFM Servers",
  "servers.fullSync": "start a full sync",
  "agents.terminate": "terminate or reinstate agents",
  "agents.sync": "sync an agent",
  "users.write": "change users",
  "config.read": "read the Configuration Database",
  "config.write": "write the Configuration Database",
  "sources.write": "add or delete configuration sources",
  "agents.move": "move agents between sites",
  "self.preferences": "change their own preferences",
};

export function can(user: { role: Role }, permission: Permission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(user.role);
}

export function authorize(user: { role: Role; username: string }, permission: Permission): void {
  if (!can(user, permission)) {
    const who = (ALLOWED[permission] as readonly Role[]).map((r) => (r === "admin" ? "an administrator" : "a supervisor")).join(" or ");
    throw new DomainError("FORBIDDEN", `Your role (${user.role}) may not ${WHAT[permission]}; ${who} can.`);
  }
}
