-- What the signal-loss check needs, per wearer whose readings the alerts feature saw (issue 13): the time of the
-- newest reading and when it becomes a signal loss (null: signal loss off, or already raised for this silence).
-- Written on ingest only when the newest reading moves forward; the job reads only the due rows (partial index).
-- No glucose value.
create table alert_watch (
    owner_id         uuid not null references account (id) on delete cascade,
    last_reading_at  timestamptz not null,
    silent_due       timestamptz,
    primary key (owner_id)
);

create index alert_watch_silent_due on alert_watch (silent_due) where silent_due is not null;
