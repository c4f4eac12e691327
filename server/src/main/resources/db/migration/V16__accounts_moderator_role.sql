-- Moderators work the community's moderation queue (issue 12): a role like the others, granted by an operator.
alter table account_role drop constraint account_role_role_check;
alter table account_role add constraint account_role_role_check
    check (role in ('user', 'guardian', 'follower', 'support', 'admin', 'moderator'));
