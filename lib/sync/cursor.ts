/**
 * A server's cursor in a source's change feed (wfm.sync_cursors): where real-time goes on from. It is written
 * in the transaction that applied what it covers, and only there. If postgres.js reconnects between two of a
 * transaction's statements, the later ones run on the new session in autocommit: the steps fail there (they use
 * the session's temp tables), but a cursor write would commit and move the cursor past changes that were rolled
 * back. So the write names the session of its transaction (`pid`, from inTransaction) and does nothing on any
 * other; the transaction's own check before COMMIT then reports the reconnect.
 */
import type { Sql } from "../db/client";

export interface CursorMove {
  server: string;
  source: string;
  seq: number;
  /** The backend pid of the transaction that applied everything up to `seq`. */
  pid: number;
}

/**
 * The statement that moves the cursor. "realtime": stamped with the moment it is written, and a NOTIFY
 * wfm_cursor (delivered at commit) tells the console and the bench. "full": stamped with the run's snapshot
 * time, and left alone when the run found the cursor where it was.
 */
export function moveCursor(tx: Sql, move: CursorMove, kind: "realtime" | "full") {
  const { server, source, seq, pid } = move;
  return kind === "realtime"
    ? tx`
      with moved as (
        insert into wfm.sync_cursors (server, source, last_seq, updated_at)
        select ${server}, ${source}, ${seq}, clock_timestamp() where pg_backend_pid() = ${pid}
        on conflict (server, source) do update set last_seq = excluded.last_seq, updated_at = excluded.updated_at
        returning last_seq
      )
      select pg_notify('wfm_cursor', ${server} || ':' || last_seq) from moved`
    : tx`
      insert into wfm.sync_cursors (server, source, last_seq)
      select ${server}, ${source}, ${seq} where pg_backend_pid() = ${pid}
      on conflict (server, source) do update set last_seq = excluded.last_seq, updated_at = now()
       where wfm.sync_cursors.last_seq is distinct from excluded.last_seq`;
}
