-- When a person last signed in or used an API token (an upload): "stopped using the service" is 24 months without
-- either (A-02, PR-30). Kept on the account because sessions, tokens and known networks are purged long before.
alter table account add column last_active_at timestamptz;
update account a set last_active_at = greatest(a.created_at,
        (select max(last_login_at) from login_known_client k where k.owner_id = a.id),
        (select max(last_used_at) from api_token t where t.owner_id = a.id),
        (select max(last_seen_at) from web_session s where s.owner_id = a.id));
alter table account alter column last_active_at set not null;
alter table account alter column last_active_at set default now();
create index account_last_active on account (last_active_at) where status = 'active';
