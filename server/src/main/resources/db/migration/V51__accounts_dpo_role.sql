-- The data-protection officer (issue 15, PR-73 – PR-76): decides the rights desk's deletion cases of Ⅴ.3 a–c,
-- complaints, fees and refusals. A role like the others, granted by an operator.
alter table account_role drop constraint account_role_role_check;
alter table account_role add constraint account_role_role_check
    check (role in ('user', 'guardian', 'follower', 'support', 'admin', 'moderator', 'dpo'));
