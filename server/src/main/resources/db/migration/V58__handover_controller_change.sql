-- A change of controller: merger, acquisition or bankruptcy (issue 15: PR-51). The operator announces it with the
-- successor, the successor's contact and the transfer date (at least 30 days after the announcement), and whether
-- the successor changes the terms. While it is open the privacy policy is frozen (policy_freeze, privacy's table).
-- At the transfer date the manifest of the accounts that go to the successor is kept here (ids and counts, no
-- other personal data); the operator reads it from the command line.
create table controller_change (
    id                 uuid primary key,
    successor          text not null check (length(successor) between 1 and 300),
    successor_contact  text not null check (length(successor_contact) between 1 and 500),
    transfer_date      date not null,
    terms_changed      boolean not null,
    reason             text check (length(reason) <= 2000),
    policy_version     integer not null,
    announced_at       timestamptz not null,
    check (transfer_date >= (announced_at at time zone 'UTC')::date + 30),
    -- when every active account of the announcement was served (new accounts are served as they come)
    notified_at        timestamptz,
    -- how many people were told (kept when their accounts are erased later)
    told               integer not null default 0,
    cancelled_at       timestamptz,
    -- asked from the command line; the running server's job completes it within a minute
    complete_requested_at timestamptz,
    completed_at       timestamptz,
    check (cancelled_at is null or completed_at is null),
    -- at completion: {"accounts": [ids], "counts": {...}, "policyVersion": n, "successor": ...}
    manifest           jsonb,
    check ((completed_at is null) = (manifest is null))
);
-- At most one change is open at a time.
create unique index controller_change_open on controller_change ((true))
    where cancelled_at is null and completed_at is null;

-- Each person told of a change, with their choice when the successor changes the terms (accept: their data goes
-- to the successor; decline: it is deleted at the transfer date, or at once when they ask).
create table controller_change_recipient (
    owner_id             uuid not null references account (id) on delete cascade,
    change_id            uuid not null references controller_change (id),
    added_at             timestamptz not null,
    dispatched_at        timestamptz,
    cancel_dispatched_at timestamptz,
    choice               text check (choice in ('accept', 'decline')),
    chosen_at            timestamptz,
    check ((choice is null) = (chosen_at is null)),
    primary key (owner_id, change_id)
);
create index controller_change_recipient_change on controller_change_recipient (change_id);

-- The per-person delivery log of the announcement and of a cancellation, per channel.
create table controller_change_delivery (
    owner_id   uuid not null references account (id) on delete cascade,
    change_id  uuid not null references controller_change (id),
    notice     text not null check (notice in ('announcement', 'cancellation')),
    channel    text not null check (channel in ('email', 'sms', 'push', 'in-app')),
    status     text not null check (status in ('pending', 'sent', 'failed', 'seen')),
    detail     text,
    updated_at timestamptz not null,
    primary key (owner_id, change_id, notice, channel)
);
create index controller_change_delivery_change on controller_change_delivery (change_id);
