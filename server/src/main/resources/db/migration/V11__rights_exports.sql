-- Copies of a person's data (issue 11, PR-70). One row per export request; a poller on any server node claims a
-- queued row (FOR UPDATE SKIP LOCKED), writes the ZIP archive and stores it here in chunks encrypted with the
-- owner's data key (so destroying the key shreds archives too). A ready archive expires 7 days later or after its
-- 5th download; the daily purge deletes its chunks and keeps the row as "expired" (times and size only).
create table export_job (
    owner_id       uuid not null references account (id) on delete cascade,
    id             uuid not null,
    status         text not null check (status in ('queued', 'running', 'ready', 'failed', 'expired')),
    progress       real not null default 0 check (progress between 0 and 1),
    created_at     timestamptz not null,
    started_at     timestamptz,
    heartbeat_at   timestamptz,
    finished_at    timestamptz,
    expires_at     timestamptz,
    archive_bytes  bigint,
    downloads      int not null default 0,
    attempts       int not null default 0,
    primary key (owner_id, id)
);
-- One export at a time per person.
create unique index export_job_one_active on export_job (owner_id) where status in ('queued', 'running');
create index export_job_waiting on export_job (created_at) where status in ('queued', 'running');
create index export_job_expiring on export_job (expires_at) where status = 'ready';

create table export_chunk (
    owner_id   uuid not null references account (id) on delete cascade,
    export_id  uuid not null,
    seq        int not null,
    data       bytea not null,
    primary key (owner_id, export_id, seq),
    foreign key (owner_id, export_id) references export_job (owner_id, id) on delete cascade
);
