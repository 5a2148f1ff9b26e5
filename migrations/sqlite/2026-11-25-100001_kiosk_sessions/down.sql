DROP INDEX cases_session_key;
ALTER TABLE cases DROP COLUMN refusal_slip;
ALTER TABLE cases DROP COLUMN session_key;
