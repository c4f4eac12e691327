-- The privacy policy's freeze (issue 15: PR-51): while a change of controller is open, no new version of the policy
-- can be published (PolicyVersions checks this row under its table lock). At most one row.
create table policy_freeze (
    one            boolean primary key default true check (one),
    version_number integer not null,
    reason         text not null check (length(reason) between 1 and 500),
    frozen_at      timestamptz not null
);
