-- Which master key wrapped each record (issue 16: a master key held by a KMS, and its online rotation).
-- Null for records wrapped before ids were recorded; the server labels them at start with the key that opens them.
-- The rotation ('mqcgm keys rotate') re-wraps, in small transactions, every record whose id is not the current key's.
alter table user_key add column master_key_id text;
alter table deployment_secret add column master_key_id text;
create index user_key_master_key_id on user_key (master_key_id);
