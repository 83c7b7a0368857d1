"use server";

import { redirect } from "next/navigation";
import { endSession } from "@/app/lib/session";

export async function signOutAction(): Promise<void> {
  await endSession();
  redirect("/signin");
}
