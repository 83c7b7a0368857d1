"use client";

import type { ButtonHTMLAttributes } from "react";

/**
 * A submit button that, while its form is saving (or has nothing to submit), refuses clicks without being
 * `disabled`: a disabled button drops the keyboard focus to the page's start, and a keyboard user would have
 * to tab back through the whole page after every save.
 */
export function SubmitButton({
  pending,
  blocked = false,
  className = "button small",
  children,
  onClick,
  ...rest
}: { pending: boolean; blocked?: boolean } & Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type" | "disabled">) {
  const inactive = pending || blocked;
  return (
    <button
      type="submit"
      className={className}
      aria-disabled={inactive || undefined}
      aria-busy={pending || undefined}
      {...rest}
      onClick={(event) => {
        if (inactive) event.preventDefault();
        else onClick?.(event);
      }}
    >
      {children}
    </button>
  );
}
