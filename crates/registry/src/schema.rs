//! Diesel schema, shared by both backends (see migrations/sqlite and migrations/postgres).
//! Only types that diesel's `MultiConnection` carries are used: Text, BigInt, Integer, Nullable.

diesel::table! {
    kiosks (id) {
        id -> Text,
        name -> Text,
        location -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    officers (id) {
        id -> Text,
        full_name -> Text,
        title -> Text,
        certificate_pem -> Nullable<Text>,
        created_at -> Text,
        deactivated_at -> Nullable<Text>,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        kiosk_id -> Text,
        received_at -> Text,
        state -> Text,
        version -> BigInt,
        document_type -> Nullable<Text>,
        pages -> Text,
        selfie_blob -> Nullable<Text>,
        fields -> Text,
        checks -> Text,
        face -> Nullable<Text>,
        decision -> Nullable<Text>,
        reasons -> Text,
        email -> Nullable<Text>,
        assigned_to -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Text>,
        updated_at -> Text,
        session_key -> Nullable<Text>,
        refusal_slip -> Nullable<Text>,
    }
}

diesel::table! {
    register_counters (register_year, register_book) {
        register_year -> Integer,
        register_book -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    copies (code) {
        code -> Text,
        case_id -> Text,
        register_year -> Integer,
        register_book -> Integer,
        register_seq -> BigInt,
        register_number -> Text,
        document_type -> Text,
        holder_name -> Nullable<Text>,
        issued_at -> Text,
        state -> Text,
        version -> BigInt,
        pdf_blob -> Text,
        pdf_sha256 -> Text,
        page_sha256 -> Text,
    }
}

diesel::table! {
    signatures (id) {
        id -> BigInt,
        copy_code -> Text,
        ordinal -> Integer,
        role -> Text,
        officer_id -> Nullable<Text>,
        signer_subject -> Text,
        certificate_sha256 -> Text,
        signed_at -> Text,
    }
}

diesel::table! {
    revocations (id) {
        id -> BigInt,
        copy_code -> Text,
        decision_number -> Text,
        reason -> Text,
        requested_by -> Text,
        requested_at -> Text,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Text>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_at -> Nullable<Text>,
    }
}

diesel::table! {
    email_links (jti) {
        jti -> Text,
        copy_code -> Text,
        email -> Text,
        created_at -> Text,
        expires_at -> Text,
        sent_at -> Nullable<Text>,
        revoked_at -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Text,
        actor -> Text,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::joinable!(cases -> kiosks (kiosk_id));
diesel::joinable!(copies -> cases (case_id));
diesel::joinable!(signatures -> copies (copy_code));
diesel::joinable!(revocations -> copies (copy_code));
diesel::joinable!(email_links -> copies (copy_code));

diesel::allow_tables_to_appear_in_same_query!(
    kiosks,
    officers,
    cases,
    register_counters,
    copies,
    signatures,
    revocations,
    email_links,
    audit_log,
    audit_head,
);
