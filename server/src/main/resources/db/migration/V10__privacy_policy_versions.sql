-- Every published version of the privacy policy, kept for good (PR-85): its text, the SHA-256 of that text, when it
-- takes effect, what changed in plain words, and whether the change is major — with the answers to the six questions
-- of the policy's section VIII (PR-84). A version is written once: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE, so the archive shows exactly what people accepted. Consent events name a version by `version` (the
-- first 16 hex digits of the hash).
create table policy_version (
    number            integer     primary key check (number > 0),
    version           text        not null unique,
    sha256            text        not null unique,
    text              text        not null,
    effective_at      timestamptz not null,
    published_at      timestamptz not null,
    summary           text        not null check (length(summary) between 1 and 2000),
    major             boolean     not null,
    -- Section VIII's major changes: 1 service model (purpose, data types, way of use), 2 ownership or organisation,
    -- 3 recipients of sharing, transfer or disclosure, 4 the user's rights and how to exercise them, 5 the
    -- responsible department, contacts or complaint channels, 6 a high-risk impact assessment.
    changes_purpose    boolean    not null,
    changes_ownership  boolean    not null,
    changes_recipients boolean    not null,
    changes_rights     boolean    not null,
    changes_contacts   boolean    not null,
    changes_high_risk  boolean    not null,
    -- The hash is the text's; the version is the hash's start.
    check (sha256 = encode(sha256(convert_to(text, 'UTF8')), 'hex')),
    check (version = left(sha256, 16)),
    -- Any "yes" among the six makes the change major; a minor version answers all six "no".
    check (major or not (changes_purpose or changes_ownership or changes_recipients or changes_rights
                         or changes_contacts or changes_high_risk))
);

create function policy_version_write_once() returns trigger language plpgsql as $$
begin
    raise exception 'policy_version is write-once: % is not allowed (PR-85)', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'Publish a new version instead (mqcgm admin publish-policy).';
end;
$$;

create trigger policy_version_no_change before update or delete on policy_version
    for each row execute function policy_version_write_once();
create trigger policy_version_no_truncate before truncate on policy_version
    for each statement execute function policy_version_write_once();
