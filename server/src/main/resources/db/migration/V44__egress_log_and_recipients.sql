-- The one egress gateway (PR-43, PR-44, PR-46, PR-47): every transfer of a person's data to a recipient outside this
-- server is logged here, whether it went out or was refused, and the person reads their own entries. No data of the
-- transfer is kept: the recipient, the destination's host, the purpose, the data categories (codes), how many
-- records, the outcome and a fixed phrase. Owner first in the key.
create table egress_log (
    owner_id     uuid not null references account (id) on delete cascade,
    id           uuid not null,
    seq          bigint generated always as identity,
    at           timestamptz not null,
    recipient    text not null check (length(recipient) <= 64),
    destination  text check (length(destination) <= 253),
    purpose      text not null check (length(purpose) <= 40),
    categories   text not null check (length(categories) <= 80),
    records      integer not null default 0 check (records >= 0),
    outcome      text not null check (outcome in ('sent', 'failed', 'refused', 'blocked', 'consent-revoked',
                                                  'no-consent')),
    detail       text check (length(detail) <= 160),
    primary key (owner_id, id)
);

create index egress_log_by_time on egress_log (owner_id, at desc, seq desc);
create index egress_log_at on egress_log (at);

-- The declared recipients as last seen at start: a change of a recipient's purposes suspends it until each person
-- consents again (PR-46).
create table egress_recipient (
    id                   text primary key check (length(id) <= 64),
    purposes             text not null,
    purposes_hash        text not null,
    status               text not null check (status in ('ACTIVE', 'SUSPENDED')),
    declared_at          timestamptz not null,
    purposes_changed_at  timestamptz
);
