-- Clinician links (issue 12, PR-24): a read-only AGP report of a period the wearer chose, opened without an account
-- through an unguessable link until it ends (at most 30 days) or is revoked. Only the SHA-256 of the link's token is
-- stored (the token is shown once, at creation); the optional PIN as an Argon2id hash; the label (the clinician's
-- name) encrypted with the wearer's key. Views are recorded for "who saw my data" with the time only (no address).
create table clinician_link (
    owner_id            uuid not null references account (id) on delete cascade,
    id                  uuid not null,
    token_hash          bytea not null unique check (length(token_hash) = 32),
    label_enc           bytea not null,
    first_day           date not null,
    last_day            date not null,
    created_at          timestamptz not null,
    expires_at          timestamptz not null,
    revoked_at          timestamptz,
    pin_hash            text,
    pin_failures        integer not null default 0 check (pin_failures >= 0),
    pin_window_start    timestamptz,
    pin_window_failures integer not null default 0 check (pin_window_failures >= 0),
    primary key (owner_id, id),
    check (first_day <= last_day and last_day - first_day < 90),
    check (expires_at > created_at and expires_at <= created_at + interval '30 days')
);

create table clinician_link_view (
    owner_id uuid not null references account (id) on delete cascade,
    id       uuid not null,
    link_id  uuid not null,
    at       timestamptz not null,
    what     text not null check (what in ('report', 'pdf')),
    primary key (owner_id, id),
    foreign key (owner_id, link_id) references clinician_link (owner_id, id) on delete cascade
);

create index clinician_link_view_by_time on clinician_link_view (owner_id, at desc);
