-- The data protection officer (issue 15, PR-31/PR-34/PR-45): registers and approves disclosures without consent.
-- A role like the others, granted by an operator (mqcgm admin grant-role --role dpo).
alter table account_role drop constraint account_role_role_check;
alter table account_role add constraint account_role_role_check
    check (role in ('user', 'guardian', 'follower', 'support', 'admin', 'moderator', 'dpo'));
