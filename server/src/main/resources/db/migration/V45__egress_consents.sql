-- Each person's consent to each declared recipient (PR-44, PR-46, PR-82): append-only events naming the recipient,
-- its purposes (and their fingerprint: a change of purposes needs a new consent), the data categories, the exact
-- fields shown to the person and, for a
-- recipient outside the deployment's region, the country the person agreed to send their data to (a separate box).
create table egress_consent (
    owner_id              uuid not null references account (id) on delete cascade,
    id                    bigint generated always as identity,
    at                    timestamptz not null,
    recipient             text not null check (length(recipient) <= 64),
    granted               boolean not null,
    purposes              text not null,
    purposes_hash         text not null,
    categories            text not null,
    fields                text not null,
    cross_border_country  text check (cross_border_country ~ '^[A-Z]{2}$'),
    channel               text not null check (length(channel) <= 40),
    primary key (owner_id, id)
);

create index egress_consent_by_recipient on egress_consent (recipient, owner_id);

-- An event is never changed: a withdrawal is a new event.
create function egress_consent_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'egress_consent is append-only';
end $$;
create trigger egress_consent_no_update before update on egress_consent
    for each row execute function egress_consent_append_only();

-- How far each person's feed to each recipient has been sent.
create table egress_cursor (
    owner_id    uuid not null references account (id) on delete cascade,
    recipient   text not null check (length(recipient) <= 64),
    sent_until  timestamptz not null,
    primary key (owner_id, recipient)
);
