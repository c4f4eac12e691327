-- Issue 16 (ASVS V2.3.3): when the owner was told that this API token ends within 14 days (once per token).
alter table api_token add column expiry_notice_at timestamptz;
