-- Disclosures without consent (issue 15: PR-31, PR-34, PR-45). A disclosure (or a legal request of an authority)
-- rests on a legal basis of the policy's section III.4 a-f, names its recipient, the legal instrument and a
-- reference document, what it covers (people, categories, period) and, when the law forbids telling the people,
-- until when. It is registered by one data protection officer and approved by another (a break-glass disclosure
-- for someone's vital interests, or one to the emergency contact they set, is approved by the one who makes it). Rows are kept after the people concerned are
-- erased: the yearly transparency report counts them (no personal data is in this table).
create table disclosure (
    id               uuid primary key,
    basis            text not null check (basis in ('NATIONAL_SECURITY', 'PUBLIC_INTEREST', 'CRIMINAL_PROCEEDINGS',
                                                    'VITAL_INTERESTS', 'SELF_DISCLOSED', 'LAWFULLY_PUBLIC')),
    legal_request    boolean not null,
    break_glass      boolean not null default false,
    -- in someone's vital interests to the emergency contact they set (PR-34): approved by its one officer
    emergency_contact boolean not null default false,
    recipient        text not null check (length(recipient) between 1 and 300),
    instrument       text check (length(instrument) <= 500),
    reference        text not null check (length(reference) between 1 and 300),
    categories       text[] not null,
    range_from       timestamptz not null,
    range_to         timestamptz not null check (range_to > range_from),
    restricted_until date,
    people           integer not null check (people > 0),
    status           text not null check (status in ('pending', 'approved')),
    requested_by     uuid not null,
    requested_at     timestamptz not null,
    approved_by      uuid,
    approved_at      timestamptz,
    check ((status = 'approved') = (approved_by is not null and approved_at is not null)),
    check (break_glass or emergency_contact or approved_by is null or approved_by <> requested_by)
);
create index disclosure_approved_at on disclosure (approved_at);

-- Each person a disclosure covers, with when they were told (null: not yet, or not while the law forbids it) and
-- how: the notification log of PR-34.
create table disclosure_subject (
    owner_id      uuid not null references account (id) on delete cascade,
    disclosure_id uuid not null references disclosure (id),
    notified_at   timestamptz,
    notice_to     text,
    primary key (owner_id, disclosure_id)
);
create index disclosure_subject_disclosure on disclosure_subject (disclosure_id);

-- The audit trail of each disclosure: registered, approved (with the basis, reference and approvers), exported,
-- refused exports (the scope differed from the request).
create table disclosure_event (
    disclosure_id uuid not null references disclosure (id),
    at            timestamptz not null,
    actor         uuid not null,
    action        text not null check (action in ('registered', 'approved', 'exported', 'export-refused')),
    detail        jsonb not null
);
create index disclosure_event_disclosure on disclosure_event (disclosure_id, at);

-- The emergency contact a person may set (PR-34): a disclosure in their vital interests (a severe hypo) may go to
-- this contact without the DPO's break-glass. Name and e-mail encrypted with the person's key.
create table emergency_contact (
    owner_id   uuid primary key references account (id) on delete cascade,
    name_enc   bytea not null,
    email_enc  bytea not null,
    updated_at timestamptz not null
);
