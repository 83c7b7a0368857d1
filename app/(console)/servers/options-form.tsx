"use client";

import { FormActions } from "@/app/ui/form-actions";
import { useFormAction } from "@/app/ui/use-form-action";
import { serverOptionsAction } from "./actions";
import { ServerOptionFields, type OptionValues } from "./server-option-fields";

export function OptionsForm({ server, values, sources }: { server: string; values: OptionValues; sources: string[] }) {
  const [state, action, pending] = useFormAction(serverOptionsAction);
  return (
    <form action={action} className="form-grid" noValidate aria-label={`Options of ${server}`}>
      <input type="hidden" name="server" value={server} />
      <ServerOptionFields idPrefix={server} values={values} state={state} sources={sources} />
      <FormActions label="Save options" pending={pending} state={state} />
    </form>
  );
}
