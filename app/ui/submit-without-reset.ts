"use client";

import { startTransition, type FormEvent } from "react";

/**
 * A form's onSubmit that runs its action without React's automatic form reset, which would put the old
 * values back into fields the user just changed (a select, a check box). Keep `action={…}` on the form as
 * well: without JavaScript the browser still posts it.
 */
export const submitWithoutReset = (action: (data: FormData) => void) => (event: FormEvent<HTMLFormElement>) => {
  event.preventDefault();
  const data = new FormData(event.currentTarget);
  startTransition(() => action(data));
};
