-- API tokens expire (issue 16; ASVS V3.5.x): a token is refused after expires_at; null means "never", which only an
-- explicit choice at creation gives (Settings or expiresInDays: "never").
alter table api_token add column expires_at timestamptz;

-- Tokens made before expiry existed get the default lifetime a new token gets, counted from this upgrade: 90 days.
-- Their owners see the date in Settings (flagged 14 days ahead) and have time to make new ones; nothing stops at
-- once, and no token stays valid forever by accident.
update api_token set expires_at = now() + interval '90 days' where revoked_at is null;
