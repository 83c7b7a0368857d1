-- Agents are listed and paged by id; nothing read them in name order, and every insert of a cold sync kept it up.
DROP INDEX "wfm"."agents_name_order_idx";