-- truecopy system of record, SQLite flavour. Keep in step with ../../postgres/.
-- Timestamps are RFC 3339 UTC text with milliseconds (sorts as time). JSON columns are text.
CREATE TABLE kiosks (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE officers (
    id TEXT PRIMARY KEY NOT NULL,
    full_name TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The officer's public certificate (PEM). Private keys never enter the database.
    certificate_pem TEXT,
    created_at TEXT NOT NULL,
    deactivated_at TEXT
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
    received_at TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    document_type TEXT,
    pages TEXT NOT NULL,
    selfie_blob TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    checks TEXT NOT NULL DEFAULT '[]',
    face TEXT,
    decision TEXT,
    reasons TEXT NOT NULL DEFAULT '[]',
    email TEXT,
    assigned_to TEXT REFERENCES officers (id),
    decided_by TEXT REFERENCES officers (id),
    decided_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_state_received ON cases (state, received_at);
CREATE INDEX cases_kiosk ON cases (kiosk_id);

-- One row per register book and year; last_seq is the last number handed out.
CREATE TABLE register_counters (
    register_year INTEGER NOT NULL,
    register_book INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (register_year, register_book)
);

CREATE TABLE copies (
    code TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    register_year INTEGER NOT NULL,
    register_book INTEGER NOT NULL,
    register_seq BIGINT NOT NULL,
    register_number TEXT NOT NULL UNIQUE,
    document_type TEXT NOT NULL,
    holder_name TEXT,
    issued_at TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    pdf_blob TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    page_sha256 TEXT NOT NULL,
    UNIQUE (register_year, register_book, register_seq)
);
CREATE INDEX copies_issued_at ON copies (issued_at);

CREATE TABLE signatures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    copy_code TEXT NOT NULL REFERENCES copies (code),
    ordinal INTEGER NOT NULL,
    role TEXT NOT NULL,
    officer_id TEXT REFERENCES officers (id),
    signer_subject TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    UNIQUE (copy_code, ordinal)
);

CREATE TABLE revocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    copy_code TEXT NOT NULL REFERENCES copies (code),
    decision_number TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES officers (id),
    requested_at TEXT NOT NULL,
    confirmed_by TEXT REFERENCES officers (id),
    confirmed_at TEXT,
    withdrawn_by TEXT REFERENCES officers (id),
    withdrawn_at TEXT
);
CREATE INDEX revocations_copy ON revocations (copy_code);

CREATE TABLE email_links (
    jti TEXT PRIMARY KEY NOT NULL,
    copy_code TEXT NOT NULL REFERENCES copies (code),
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    sent_at TEXT,
    revoked_at TEXT
);
CREATE INDEX email_links_copy ON email_links (copy_code);

-- Append-only, hash-chained (see crates/domain/src/audit.rs).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

-- The chain's head: one row, locked by every append so appends are serialized.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
