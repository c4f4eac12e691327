-- Sharing with people the wearer chooses (issue 12; PR-24, PR-44, PR-55): one row per share a wearer (owner_id)
-- gives, from the invitation until it ends. The invitation code is never stored, only its SHA-256 (it is a 256-bit
-- random secret, so a plain hash suffices); it is used once and expires. Whom the invitation was sent to (an e-mail
-- address or phone number) and the follower's alert thresholds are encrypted under the wearer's key: nothing here
-- holds a contact or a glucose value in clear.
--
-- Deleting the wearer's account deletes their shares (cascade); deleting the follower's account sets grantee_id to
-- null, which ends the share (an ended share gives no access) while the wearer's record of it stays.
create table share (
    owner_id            uuid not null references account (id) on delete cascade,
    id                  uuid not null,
    grantee_id          uuid references account (id) on delete set null,
    grantee_label       bytea,
    contact             bytea,
    contact_channel     text check (contact_channel in ('email', 'sms')),
    scopes              text not null check (char_length(scopes) <= 200),
    history_days        integer check (history_days between 1 and 3650),
    alerts              bytea,
    created_at          timestamptz not null,
    until               timestamptz,
    invitation_hash     bytea,
    invitation_expires  timestamptz not null,
    accepted_at         timestamptz,
    ended_at            timestamptz,
    ended_by            text check (ended_by in ('owner', 'follower')),
    primary key (owner_id, id)
);

create unique index share_invitation on share (invitation_hash);
create index share_by_grantee on share (grantee_id, owner_id) where ended_at is null;

-- Who saw my data: each read of the wearer's data by a follower, coalesced per share, scope, route and minute
-- (first and last time, how many) so that a live page does not write a row per request while who, what and when
-- stay. No data value is kept.
create table share_read (
    owner_id   uuid not null references account (id) on delete cascade,
    share_id   uuid not null,
    scope      text not null check (char_length(scope) <= 20),
    route      text not null check (char_length(route) <= 200),
    minute     timestamptz not null,
    first_at   timestamptz not null,
    last_at    timestamptz not null,
    reads      integer not null default 1 check (reads >= 1),
    primary key (owner_id, share_id, scope, route, minute),
    foreign key (owner_id, share_id) references share (owner_id, id) on delete cascade
);

create index share_read_by_time on share_read (owner_id, last_at desc);
