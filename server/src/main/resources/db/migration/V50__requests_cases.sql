-- The rights desk (issue 15: PR-61, PR-64, PR-73 – PR-76): every request about a person's data that self-service
-- does not finish is a tracked case with a due date (30 days; complaints 15), an operators' queue, reminders and an
-- overdue alarm. The request is kept verbatim and the answer with it, encrypted: under the account holder's key, or
-- — for a requester without an account (the public form) — sealed by the deployment secrets until they are known.
-- A case of a person with an account is deleted with the account (its key is shredded anyway).
create table rights_request (
    id                    uuid primary key,
    number                bigint generated always as identity unique,
    owner_id              uuid references account (id) on delete cascade,
    -- The account a public-form request names (its code went to that account's registered contact); the case
    -- becomes the account's own (owner_id) once the code is entered.
    claims_account        uuid references account (id) on delete cascade,
    kind                  text not null check (kind in ('ACCESS', 'CORRECTION', 'DELETION', 'PORTABILITY',
                                                        'EXPLANATION', 'COMPLAINT', 'ENQUIRY')),
    deletion_reason       text check (deletion_reason in ('UNLAWFUL', 'WITHOUT_CONSENT', 'BREACH_OF_AGREEMENT')),
    channel               text not null check (channel in ('WEB', 'API', 'PUBLIC', 'EMAIL', 'PHONE')),
    assigned_role         text not null check (assigned_role in ('support', 'dpo')),
    status                text not null check (status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED', 'ANSWERED',
                                                          'REFUSED', 'WITHDRAWN', 'LAPSED')),
    language              text not null,
    received_at           timestamptz not null,
    due_at                timestamptz not null,
    verified_at           timestamptz,
    closed_at             timestamptz,
    request_enc           bytea not null,
    contact_enc           bytea,
    code_hash             bytea,
    code_expires_at       timestamptz,
    code_attempts         int not null default 0,
    answer_enc            bytea,
    answered_by           uuid references account (id) on delete set null,
    refusal_code          text check (refusal_code in ('REPETITIVE', 'EXCESSIVE_TECH', 'RISK_TO_OTHERS',
                                      'IMPRACTICAL', 'LEGAL_OBLIGATION', 'NATIONAL_SECURITY', 'PUBLIC_INTEREST',
                                      'CRIMINAL_PROCEEDINGS', 'ABUSE_EVIDENCE', 'VITAL_INTERESTS', 'HARM_TO_OTHERS',
                                      'TRADE_SECRET')),
    evidence_enc          bytea,
    withheld_count        int not null default 0 check (withheld_count >= 0),
    withheld_reason       text,
    fee_eligible          boolean not null default false,
    fee_amount            text,
    fee_justification_enc bytea,
    reminded_first_at     timestamptz,
    reminded_second_at    timestamptz,
    check ((status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED')) = (closed_at is null)),
    check (status <> 'REFUSED' or refusal_code is not null),
    check (refusal_code <> 'ABUSE_EVIDENCE' or evidence_enc is not null),
    check ((kind = 'DELETION') = (deletion_reason is not null)),
    check (owner_id is not null or contact_enc is not null)
);

create index rights_request_owner on rights_request (owner_id, received_at);
create index rights_request_queue on rights_request (due_at) where status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED');

-- What happened to a case, for the operators and the requester: received, code sent, verified, reminders, fee
-- proposed/accepted, withdrawn, answered, refused. No text (texts are on the case, encrypted).
create table rights_request_event (
    request_id uuid not null references rights_request (id) on delete cascade,
    seq        bigint generated always as identity,
    at         timestamptz not null,
    what       text not null,
    actor_id   uuid references account (id) on delete set null,
    primary key (request_id, seq)
);
