-- Web Push (issue 13): a person's browser subscriptions, the queue of messages to them and the log of every attempt.
-- A subscription's endpoint and keys are personal data: kept encrypted under the owner's key; the blind index
-- (HMAC with a deployment secret) finds an endpoint again without decrypting. Each subscription is tied to the
-- credential that made it (a web session or an API token) and to a push alias (the device's when an app with a
-- registered device subscribed, otherwise its own random one): ending either removes it (PR-12).
create table push_subscription (
    owner_id        uuid not null references account (id) on delete cascade,
    id              uuid not null,
    endpoint_index  bytea not null,
    sealed          bytea not null,
    host            text not null,
    credential      text not null,
    device_id       uuid,
    push_alias      uuid not null,
    expires_at      timestamptz,
    created_at      timestamptz not null,
    primary key (owner_id, id),
    unique (endpoint_index)
);

-- Messages waiting for (another) attempt; the payload encrypted under the owner's key. Gone once delivered, given
-- up or the subscription ends.
create table push_message (
    owner_id        uuid not null references account (id) on delete cascade,
    id              uuid not null,
    subscription_id uuid not null,
    payload         bytea not null,
    urgency         text not null,
    ttl_seconds     integer not null,
    topic           text,
    attempts        integer not null default 0,
    next_at         timestamptz not null,
    claimed_until   timestamptz,
    created_at      timestamptz not null,
    primary key (owner_id, id),
    foreign key (owner_id, subscription_id) references push_subscription (owner_id, id) on delete cascade
);
create index push_message_due on push_message (next_at);

-- One row per attempt, shown to the owner: when, to which push service (host), what came of it. Never the payload.
create table push_delivery (
    owner_id        uuid not null references account (id) on delete cascade,
    id              uuid not null,
    message_id      uuid not null,
    subscription_id uuid not null,
    at              timestamptz not null,
    attempt         integer not null,
    outcome         text not null,
    status          integer,
    host            text not null,
    primary key (owner_id, id)
);
create index push_delivery_at on push_delivery (owner_id, at);
