-- Source contract of LM (shared/LM_SPEC.md), DuckDB equivalent of the MySQL DDL:
-- INT UNSIGNED -> UINTEGER, DATETIME -> TIMESTAMP, TINYINT(1) -> TINYINT, MEDIUMTEXT -> VARCHAR.
-- No secondary indexes: DuckDB's ART indexes would block dbt's rename-based rebuilds and are not needed for scans.
CREATE TABLE IF NOT EXISTS call_history (
    history_id       UINTEGER      NOT NULL PRIMARY KEY,
    call_started_at  TIMESTAMP     NOT NULL,
    caller_number    VARCHAR(32),
    operator_id      UINTEGER,
    channel          VARCHAR(64),
    direction        VARCHAR(8)    NOT NULL,
    call_status      VARCHAR(16)   NOT NULL,
    await_sec        INTEGER,
    duration         INTEGER,
    talk_duration    INTEGER,
    transcript       VARCHAR,
    updated_at       TIMESTAMP     NOT NULL
);

CREATE TABLE IF NOT EXISTS call_scores (
    id                    UINTEGER      NOT NULL PRIMARY KEY,
    history_id            UINTEGER      NOT NULL,
    call_date             DATE          NOT NULL,
    is_target             TINYINT,
    outcome               VARCHAR(32),
    refusal_reason        VARCHAR(64),
    call_category         VARCHAR(64),
    call_type             VARCHAR(32),
    context_type          VARCHAR(32),
    requested_service_id  UINTEGER,
    doctor_id             UINTEGER,
    number_checklist      INTEGER,
    category_checklist    VARCHAR(64),
    call_score            DECIMAL(6,2),
    scored_by             VARCHAR(64),
    created_at            TIMESTAMP,
    updated_at            TIMESTAMP
);
