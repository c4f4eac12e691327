-- Minors and guardians (PR-77, PR-78, PR-79).
--
-- A sign-up's date of birth waits with the sign-up (V43, accounts' registration table) until the code is confirmed;
-- then it is kept encrypted with the account's own key.

-- Every account's date of birth, encrypted with the owner's key (nothing outside this column tells it).
create table birth_date (
    owner_id       uuid primary key references account (id) on delete cascade,
    birth_date_enc bytea not null,
    source         text not null check (source in ('signup', 'login', 'settings', 'operator')),
    recorded_at    timestamptz not null
);

-- An account under the age of majority: 'pending' until a guardian consents (nothing but the sign-up data is
-- stored meanwhile), then 'consented'. The row goes when control passes to the person at the age of majority.
create table minor (
    owner_id uuid primary key references account (id) on delete cascade,
    state    text not null check (state in ('pending', 'consented')),
    since    timestamptz not null
);

-- A child's invitation of a guardian: the contact (encrypted with the child's key) and a one-time code, stored as
-- a keyed hash; five tries; seven days.
create table guardian_invitation (
    owner_id    uuid not null references account (id) on delete cascade,
    id          uuid not null unique,
    contact_enc bytea not null,
    channel     text not null check (channel in ('email', 'sms')),
    code_hash   bytea not null,
    attempts    int not null default 0,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    primary key (owner_id, id)
);

-- Who is the guardian of which child, since when, and how it ended (the age of majority, a withdrawal).
create table guardianship (
    owner_id    uuid not null references account (id) on delete cascade,
    guardian_id uuid not null references account (id) on delete cascade,
    since       timestamptz not null,
    ended_at    timestamptz,
    end_reason  text check (end_reason in ('majority', 'withdrawn')),
    primary key (owner_id, guardian_id)
);

create index guardianship_guardian on guardianship (guardian_id);

-- "Report an account of a child without guardian consent": the reported account is suspended while the report is
-- open; an administrator confirms (the account is deleted) or dismisses it. The reporter's contact (sealed with a
-- deployment secret) is kept only until they are told the outcome.
create table child_report (
    id               uuid primary key,
    reference        text not null unique,
    reported_account uuid references account (id) on delete set null,
    reporter_enc     bytea,
    details_enc      bytea,
    reported_at      timestamptz not null,
    outcome          text check (outcome in ('deleted', 'dismissed')),
    decided_at       timestamptz,
    ticket_id        uuid
);

create index child_report_open on child_report (reported_account) where outcome is null;
