/**
 * The proof the change feed's design rests on: with several writers committing and rolling back in any
 * interleaving, a consumer that reads `seq > cursor` while they run sees every committed change exactly
 * once, never sees a rolled-back one, and never finds a later seq visible before an earlier one. Proven for
 * `main` (the cfg schema the migrations built) and for a source created at run time (built by sourceSchemaDdl),
 * whose feed has a counter of its own.
 */
import { describe, expect, it } from "vitest";
import { MAIN_SOURCE, schemaOf } from "../config/source-names";
import { createSource } from "../config/sources";
import { freshDatabase } from "../testing/database";
import { createClient } from "./client";

const WRITERS = 6;
const TRANSACTIONS_PER_WRITER = 250;

describe("the change feed under concurrent writers", () => {
  it.each([MAIN_SOURCE, "eu"])("is read gap-free, in commit order, exactly once, with no rolled-back change (source %s)", async (source) => {
    const database = await freshDatabase({ max: 2 });
    const url = database.url;
    if (source !== MAIN_SOURCE) await createSource(database.sql, { name: source });
    // A table of the source's schema as an identifier (postgres.js renders it in any client's query).
    const table = (name: string) => database.sql(`${schemaOf(source)}.${name}`);
    const [tenant] = await database.sql`insert into ${table("tenants")} (name) values ('Race') returning dbid`;
    const t = tenant!.dbid as number;
    const [{ seq: startSeq }] = (await database.sql`select seq from ${table("change_counter")}`) as unknown as [{ seq: number }];
    const mainSeq = async () => Number((await database.sql`select seq from cfg.change_counter`)[0]!.seq);
    const mainStart = await mainSeq();

    const committedSkills = new Set<number>();
    const rolledBackNames = new Set<string>();
    let writersDone = 0;

    const writer = async (w: number) => {
      const client = createClient(url, { max: 1 });
      try {
        for (let i = 0; i < TRANSACTIONS_PER_WRITER; i++) {
          const rollBack = (i * 7 + w) % 5 === 0;
          const name = `w${w}-t${i}`;
          try {
            await client.sql.begin(async (tx) => {
              const [skill] = await tx`insert into ${table("skills")} (tenant_dbid, name) values (${t}, ${name}) returning dbid`;
              // A second statement in the same transaction, sometimes touching a row another writer made.
              await tx`update ${table("skills")} set name = ${name + "'"} where dbid = ${skill!.dbid}`;
              if (i % 3 === 0) await tx`update ${table("tenants")} set name = ${"Race " + w + "-" + i} where dbid = ${t}`;
              // Yield so other writers interleave between our statements and our commit.
              await new Promise((r) => setImmediate(r));
              if (rollBack) throw new Error("roll back");
              committedSkills.add(skill!.dbid as number);
            });
          } catch (error) {
            if ((error as Error).message !== "roll back") throw error;
            rolledBackNames.add(name);
          }
        }
      } finally {
        writersDone++;
        await client.close();
      }
    };

    // The consumer reads while the writers write, as real-time sync will.
    const consumer = createClient(url, { max: 1 });
    const seen: { seq: number; objectType: string; op: string; dbid: number }[] = [];
    let cursor = startSeq;
    const consume = async () => {
      for (;;) {
        const finished = writersDone === WRITERS;
        const batch = await consumer.sql<{ seq: number; objectType: string; op: string; dbid: number }[]>`
          select seq, object_type as "objectType", op, dbid from ${table("changes")} where seq > ${cursor} order by seq limit 500`;
        batch.forEach((row, i) => {
          // Contiguous from the cursor at the moment of reading: no later change became visible before an
          // earlier one, so nothing can have been skipped.
          if (row.seq !== cursor + i + 1) throw new Error(`gap: read ${row.seq} right after ${cursor + i}`);
        });
        seen.push(...batch);
        cursor = batch.at(-1)?.seq ?? cursor;
        if (finished && batch.length === 0) return;
        if (batch.length === 0) await new Promise((r) => setTimeout(r, 1));
      }
    };

    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), consume()]);
    await consumer.close();

    // Exactly once.
    expect(new Set(seen.map((c) => c.seq)).size).toBe(seen.length);
    // Every committed skill appears created and changed; nothing else does.
    const created = seen.filter((c) => c.objectType === "skill" && c.op === "created").map((c) => c.dbid);
    const changed = seen.filter((c) => c.objectType === "skill" && c.op === "changed").map((c) => c.dbid);
    expect(new Set(created)).toEqual(committedSkills);
    expect(new Set(changed)).toEqual(committedSkills);
    expect(created).toHaveLength(committedSkills.size);
    // No rolled-back work left a trace in the feed or the table.
    const [leftovers] = await database.sql`select count(*)::int as n from ${table("skills")} where name = any(${[...rolledBackNames].flatMap((n) => [n, n + "'"])})`;
    expect(leftovers!.n).toBe(0);
    expect(rolledBackNames.size).toBeGreaterThan(0);
    // What was read is the whole feed.
    const [all] = await database.sql`select count(*)::int as n, max(seq) as max from ${table("changes")} where seq > ${startSeq}`;
    expect(seen).toHaveLength(all!.n);
    expect(cursor).toBe(all!.max);
    // Another source's writers never moved main's feed.
    if (source !== MAIN_SOURCE) expect(await mainSeq()).toBe(mainStart);
  });
});
