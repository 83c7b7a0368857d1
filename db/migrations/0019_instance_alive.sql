-- When a server's instance counts as alive: it heartbeated (every 2 s) within the last 15 s. One rule in one
-- place, for everyone who asks — the servers removing dead instances, the console's Servers page and its
-- "is it running" checks, the request queue's "waiting" text. A plain SQL function, so the planner inlines it.
CREATE FUNCTION wfm.instance_alive(heartbeat_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN heartbeat_at >= now() - interval '15 seconds';
