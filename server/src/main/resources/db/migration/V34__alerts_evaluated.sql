-- Which readings the alert rules have seen (issue 13): ingest runs the rules after an upload committed; when that
-- fails (a database error, a failed decryption), the wearer's newest reading stays unevaluated and a job runs the
-- rules again. evaluated_at is the newest reading time the rules ran up to; the partial index holds only the
-- wearers waiting for it. No glucose value.
alter table alert_watch add column evaluated_at timestamptz;

create index alert_watch_unevaluated on alert_watch (last_reading_at)
    where evaluated_at is distinct from last_reading_at;
