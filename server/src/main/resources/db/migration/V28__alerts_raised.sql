-- Alerts raised for a wearer (issue 13). One row per alert episode: (owner, kind, episode start) is unique, so
-- however many uploads, readings or server nodes see an episode, it is raised once (insert … on conflict do
-- nothing). What decided it — the inputs (glucose values, rates) and the plain-words explanation — is JSON
-- encrypted under the wearer's key in `details`; the clear columns hold no glucose value (PR-72, PR-13).
create table alert (
    owner_id         uuid not null references account (id) on delete cascade,
    id               uuid not null,
    kind             text not null check (kind in ('urgent-low', 'low', 'high', 'rise', 'fall', 'predicted-low',
                                                  'signal-loss', 'sensor-ending')),
    episode_start    timestamptz not null,
    at               timestamptz not null,
    raised_at        timestamptz not null,
    rule_version     text not null check (char_length(rule_version) <= 40),
    quiet            boolean not null,
    details          bytea not null,
    acknowledged_at  timestamptz,
    snoozed_until    timestamptz,
    -- delivery: when it is sent again while unacknowledged (null: not repeated), how often it was sent
    next_send_at     timestamptz,
    sends            integer not null default 0,
    -- escalation of an unacknowledged urgent low to the wearer's followers
    escalate_at      timestamptz,
    escalated_at     timestamptz,
    primary key (owner_id, id),
    unique (owner_id, kind, episode_start)
);

create index alert_by_time on alert (owner_id, at desc);
-- The delivery job's scans: only unacknowledged alerts that are due.
create index alert_send_due on alert (next_send_at) where acknowledged_at is null and next_send_at is not null;
create index alert_escalation_due on alert (escalate_at)
    where acknowledged_at is null and escalated_at is null and escalate_at is not null;

-- Each follower an unacknowledged urgent low was escalated to, and on how many of their devices (no content).
create table alert_escalation (
    owner_id     uuid not null references account (id) on delete cascade,
    alert_id     uuid not null,
    follower_id  uuid not null references account (id) on delete cascade,
    sent_at      timestamptz not null,
    devices      integer not null,
    primary key (owner_id, alert_id, follower_id),
    foreign key (owner_id, alert_id) references alert (owner_id, id) on delete cascade
);
