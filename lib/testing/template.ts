/** The migrated database each test file clones its own from. */
export const TEMPLATE_DATABASE = "wfm_template";
