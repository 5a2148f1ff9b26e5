-- Issue 4: the kiosk agent's hot folder resumes a session after a crash by its session key
-- (never two cases, so never two copies, for one delivered folder), and a refused case keeps
-- the blob key of its written refusal slip.
ALTER TABLE cases ADD COLUMN session_key TEXT;
ALTER TABLE cases ADD COLUMN refusal_slip TEXT;
CREATE UNIQUE INDEX cases_session_key ON cases (session_key);
