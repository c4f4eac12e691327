-- Issue 16 (ASVS V1.6.3): the deployment secret is versioned (rows root, root.v2, ...; see DeploymentSecrets). When
-- a version was made decides when the older ones may be retired (values derived from them must have expired).
alter table deployment_secret add column created_at timestamptz not null default now();
