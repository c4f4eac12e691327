-- Glucose data at scale (issue 5). Readings of the last two days live one per row, their payload encrypted with the
-- owner's data key; older readings are compacted into one row per user per local day holding the whole day as a
-- compressed block (DayBlockCodec), encrypted with the owner's key. A year of data is 365 rows, a 90-day read
-- touches 90 rows, and destroying the owner's key shreds all of it.

-- Readings stored by V1 in plain rows are kept aside, to be re-stored encrypted by the server at its next start
-- (ReadingStore.adoptV1Readings: it needs the owners' keys, which SQL does not have), then this table is dropped.
alter table glucose_reading rename to glucose_reading_v1;

create table glucose_recent (
    owner_id  uuid not null references account (id) on delete cascade,
    time      timestamptz not null,
    payload   bytea not null,
    primary key (owner_id, time)
);

create table glucose_day (
    owner_id    uuid not null references account (id) on delete cascade,
    day         date not null,
    first_time  timestamptz not null,
    last_time   timestamptz not null,
    readings    int not null,
    block       bytea not null,
    primary key (owner_id, day)
);

-- Sensors and their sessions (one sensor wear, from insertion to end).
create table sensor (
    owner_id        uuid not null references account (id) on delete cascade,
    id              uuid not null,
    model           text not null,
    serial_enc      bytea,
    transmitter_enc bytea,
    created_at      timestamptz not null,
    primary key (owner_id, id)
);

create table sensor_session (
    owner_id         uuid not null references account (id) on delete cascade,
    id               uuid not null,
    sensor_id        uuid not null,
    started_at       timestamptz not null,
    warmup_ends_at   timestamptz not null,
    expected_end_at  timestamptz,
    ended_at         timestamptz,
    end_reason       text check (end_reason in ('expired', 'failed', 'removed', 'replaced', 'other')),
    primary key (owner_id, id),
    foreign key (owner_id, sensor_id) references sensor (owner_id, id) on delete cascade
);

create table calibration (
    owner_id  uuid not null references account (id) on delete cascade,
    id        uuid not null,
    time      timestamptz not null,
    mgdl      smallint not null check (mgdl between 20 and 600),
    source    text,
    primary key (owner_id, id)
);

-- The user's notes on stretches of data; "exclude" ones (e.g. sensor error) are left out of statistics but kept,
-- shown and exported (PR-62). The note text is encrypted.
create table glucose_annotation (
    owner_id    uuid not null references account (id) on delete cascade,
    id          uuid not null,
    start_time  timestamptz not null,
    end_time    timestamptz not null,
    kind        text not null check (kind in ('sensor-error', 'calibration', 'compression-low', 'exercise', 'illness',
                                              'meal', 'other')),
    note_enc    bytea,
    exclude     boolean not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (owner_id, id),
    check (end_time >= start_time)
);

-- Whole-batch retries: the response of an upload with an Idempotency-Key is kept for a day and replayed.
create table idempotency_key (
    owner_id      uuid not null references account (id) on delete cascade,
    key           text not null,
    request_hash  bytea not null,
    status        int not null,
    body          text not null,
    created_at    timestamptz not null,
    primary key (owner_id, key)
);

-- Consent ledger (append-only): the health-data consent that CGM processing needs (PR-19) is the first purpose;
-- the privacy-rights issue adds the others.
create table consent_event (
    owner_id        uuid not null references account (id) on delete cascade,
    id              uuid not null,
    purpose         text not null,
    granted         boolean not null,
    at              timestamptz not null,
    channel         text not null,
    policy_version  text,
    primary key (owner_id, id)
);
create index consent_event_purpose on consent_event (owner_id, purpose, at desc);

-- The sign-up form's separate, unticked health-data consent box (PR-19, PR-32), carried to the account.
alter table registration add column health_data_consent boolean not null default false;
