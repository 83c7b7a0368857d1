"use server";

import { formAction } from "@/app/lib/form-action";
import { preferencesInput, setPreferences } from "@/lib/console/preferences";

/** The signed-in user's own preferences; PATCH /api/v1/session is its REST twin. */
export const savePreferencesAction = formAction({
  permission: "self.preferences",
  parse: preferencesInput,
  run: async ({ user, input, sql }) => {
    const { timeZone } = await setPreferences(sql, user.id, input);
    return { message: timeZone ? `Times are shown in ${timeZone}.` : "Times are shown in your browser's time zone.", revalidate: ["/preferences"] };
  },
});
