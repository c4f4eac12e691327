-- Issue 10, defect 4: calibration values and sources, and sensor models, were stored in clear, so destroying a
-- user's key did not shred them. The plain values are set aside here; the server re-stores them encrypted with the
-- owner's key when it starts (Sensors.encryptPlainRows) and then drops the aside tables. Numbered 8 so that it
-- cannot clash with another migration of the same release.
create table calibration_plain_v7 as select owner_id, id, mgdl, source from calibration;
alter table calibration drop column mgdl, drop column source, add column mgdl_enc bytea, add column source_enc bytea;

create table sensor_plain_v7 as select owner_id, id, model from sensor;
alter table sensor drop column model, add column model_enc bytea;
