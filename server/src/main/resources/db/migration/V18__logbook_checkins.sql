-- The logbook: a wearer's check-ins (meals, insulin, exercise, medication, finger-sticks, notes). Only what queries
-- need is in clear (when, at which UTC offset, which kind); the amounts, names, notes and photo ids are one JSON
-- document encrypted with the owner's key.
create table logbook_checkin (
    owner_id       uuid not null references account (id) on delete cascade,
    id             uuid not null,
    time           timestamptz not null,
    offset_seconds integer not null check (offset_seconds between -64800 and 64800),
    kind           text not null check (kind in ('meal', 'insulin', 'exercise', 'medication', 'fingerstick', 'note')),
    data_enc       bytea not null,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    primary key (owner_id, id)
);

create index logbook_checkin_time on logbook_checkin (owner_id, time desc);
