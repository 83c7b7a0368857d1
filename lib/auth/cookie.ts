/** The session cookie's name. Its own module so that proxy.ts can use it without the password library. */
export const SESSION_COOKIE = "wfm_session";
