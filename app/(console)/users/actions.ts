"use server";

import { formAction } from "@/app/lib/form-action";
import { importUsers, importUsersInput, passwordInput, roleInput, setPassword, setRole } from "@/lib/console/users";
import { createToken, newTokenInput, revokeToken } from "@/lib/auth/tokens";

/** Users > Import: persons of one configuration source, with a role (admin only). */
export const importUsersAction = formAction({
  permission: "users.write",
  parse: (data) =>
    importUsersInput.parse({ source: String(data.get("source") ?? "") || undefined, cfgDbids: data.getAll("cfgDbid").map(Number), role: String(data.get("role") ?? "") }),
  run: async ({ input, sql }) => {
    const result = await importUsers(sql, input);
    return {
      message: `Imported ${result.imported.join(", ") || "nobody"}${result.already ? ` (${result.already} already users)` : ""}.`,
      revalidate: ["/users"],
    };
  },
});

export const setRoleAction = formAction({
  permission: "users.write",
  parse: (data) => roleInput.parse({ userId: Number(data.get("userId")), role: String(data.get("role") ?? "") }),
  run: async ({ input, sql }) => {
    await setRole(sql, input);
    return { message: "Role saved.", revalidate: ["/users"] };
  },
});

export const setPasswordAction = formAction({
  permission: "users.write",
  parse: (data) => passwordInput.parse({ userId: Number(data.get("userId")), password: String(data.get("password") ?? "") }),
  run: async ({ input, sql }) => {
    await setPassword(sql, input);
    return { message: "Password set; the user's sessions were ended.", revalidate: ["/users"] };
  },
});

/** Creates an API token acting as a user; the plain token is answered once, to be shown once. */
export const createTokenAction = formAction({
  permission: "users.write",
  parse: (data) => newTokenInput.parse({ name: String(data.get("name") ?? ""), userId: Number(data.get("userId")) }),
  run: async ({ user, input, sql }) => {
    const created = await createToken(sql, input, user.username);
    return { message: "Token created. Copy it now: it is not shown again.", token: created.token, revalidate: ["/users"] };
  },
});

export const revokeTokenAction = formAction({
  permission: "users.write",
  // revokeToken refuses a bad id itself, with the same message as over REST.
  parse: (data) => data.get("tokenId"),
  run: async ({ input, sql }) => {
    await revokeToken(sql, input);
    return { message: "Token revoked.", revalidate: ["/users"] };
  },
});
