-- Direct transfers of a person's data to a third party they designated (PR-71): one row per transfer, listed to the
-- person. Only the destination's host is kept (never the path, the query or the credential, which is not stored at
-- all), and a fixed phrase for a failure.
create table transfer_log (
    owner_id     uuid not null references account (id) on delete cascade,
    id           uuid not null,
    at           timestamptz not null,
    finished_at  timestamptz,
    kind         text not null check (kind in ('fhir', 'nightscout')),
    destination  text not null check (length(destination) <= 253),
    status       text not null check (status in ('running', 'done', 'failed')),
    readings     integer not null default 0 check (readings >= 0),
    requests     integer not null default 0 check (requests >= 0),
    failure      text check (length(failure) <= 100),
    primary key (owner_id, id)
);

create index transfer_log_by_time on transfer_log (owner_id, at desc);
