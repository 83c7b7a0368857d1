/**
 * How a console write tells the WFM Servers about itself: after its transaction commits, the write calls its
 * Announce with the cache entity, the keys it changed and the version it made. Behind the console that is
 * the mesh (lib/mesh/console-peer's announcerOf); in tests and the CLI, nobody.
 */
import type { CachedEntity } from "../mesh/message";

/** Where the console announces its writes (the mesh, when it has joined one); a no-op otherwise. */
export type Announce = (entity: CachedEntity, keys: (string | number)[], version: number) => void;

/** Announces nothing: servers learn of the write by their own timestamp checks, within CacheSlack. */
export const nobody: Announce = () => {};
