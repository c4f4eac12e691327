-- Security incidents (PR-57, PR-58): the register an operator fills, the people affected, each delivery per channel,
-- and an append-only log of every step with its time. Incident texts are the operator's words about the incident,
-- not a person's data; nothing here holds a glucose value.
create table incident (
    id                     uuid primary key,
    created_at             timestamptz not null,
    what_happened          text,
    data_categories        text,
    -- who is affected: an explicit list (incident_recipient rows added before notifying), every active account, or
    -- the accounts active in [affected_from, affected_to)
    affected_kind          text check (affected_kind in ('list', 'all', 'active-between')),
    affected_from          timestamptz,
    affected_to            timestamptz,
    impact                 text,
    measures               text,
    advice                 text,
    remedies               text,
    contact                text,
    confirmed_at           timestamptz,
    reportable             boolean not null default false,
    regulator_authority    text,
    regulator_reported_at  timestamptz,
    regulator_reference    text,
    notify_requested_at    timestamptz,
    notified_at            timestamptz,
    announced_at           timestamptz,
    unreachable_at_announcement integer,
    closed_at              timestamptz,
    check (affected_kind is distinct from 'active-between' or (affected_from is not null and affected_to is not null
           and affected_from < affected_to))
);

-- One row per person told (or to be told) about an incident; goes with the account.
create table incident_recipient (
    owner_id     uuid not null references account (id) on delete cascade,
    incident_id  uuid not null references incident (id),
    added_at     timestamptz not null,
    dispatched_at timestamptz,
    primary key (owner_id, incident_id)
);
create index incident_recipient_incident on incident_recipient (incident_id);
create index incident_recipient_pending on incident_recipient (incident_id) where dispatched_at is null;

-- What happened on each channel for each person: sent, failed (with why), seen (in-app), pending.
create table incident_delivery (
    owner_id     uuid not null references account (id) on delete cascade,
    incident_id  uuid not null references incident (id),
    channel      text not null check (channel in ('email', 'sms', 'push', 'in-app')),
    status       text not null check (status in ('pending', 'sent', 'failed', 'seen')),
    detail       text,
    updated_at   timestamptz not null,
    primary key (owner_id, incident_id, channel)
);
create index incident_delivery_incident on incident_delivery (incident_id);

-- Every step of an incident with its time, in order; rows are never changed or removed.
create table incident_step (
    incident_id  uuid not null references incident (id),
    seq          bigserial,
    at           timestamptz not null,
    kind         text not null,
    detail       text,
    primary key (incident_id, seq)
);

create function incident_step_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'incident_step is append-only: % is not allowed (PR-58)', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger incident_step_no_change before update or delete on incident_step
    for each row execute function incident_step_append_only();
create trigger incident_step_no_truncate before truncate on incident_step
    for each statement execute function incident_step_append_only();

-- Published security and privacy impact assessments and risk reports (PR-56), listed on /privacy/security-reports.
create table security_report (
    id                  uuid primary key,
    published_at        timestamptz not null,
    assessed_on         date not null,
    kind                text not null check (kind in ('pia', 'risk')),
    scope               text not null,
    summary             text not null,
    high_risk_findings  text not null,
    remediation_status  text not null check (remediation_status in ('open', 'in-progress', 'done'))
);
