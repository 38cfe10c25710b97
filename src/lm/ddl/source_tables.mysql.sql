-- Source contract of LM (shared/LM_SPEC.md): the client's OperatorBot tables.
-- MySQL 8 / MariaDB 10.11. Used by the demo loader and the tests; in production these tables already exist.
CREATE TABLE IF NOT EXISTS call_history (
    history_id       INT UNSIGNED  NOT NULL,
    call_started_at  DATETIME      NOT NULL,
    caller_number    VARCHAR(32)   NULL,
    operator_id      INT UNSIGNED  NULL,
    channel          VARCHAR(64)   NULL,
    direction        VARCHAR(8)    NOT NULL,
    call_status      VARCHAR(16)   NOT NULL,
    await_sec        INT           NULL,
    duration         INT           NULL,
    talk_duration    INT           NULL,
    transcript       MEDIUMTEXT    NULL,
    updated_at       DATETIME      NOT NULL,
    PRIMARY KEY (history_id),
    KEY idx_call_history_updated_at (updated_at),
    KEY idx_call_history_caller (caller_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS call_scores (
    id                    INT UNSIGNED  NOT NULL,
    history_id            INT UNSIGNED  NOT NULL,
    call_date             DATE          NOT NULL,
    is_target             TINYINT(1)    NULL,
    outcome               VARCHAR(32)   NULL,
    refusal_reason        VARCHAR(64)   NULL,
    call_category         VARCHAR(64)   NULL,
    call_type             VARCHAR(32)   NULL,
    context_type          VARCHAR(32)   NULL,
    requested_service_id  INT UNSIGNED  NULL,
    doctor_id             INT UNSIGNED  NULL,
    number_checklist      INT           NULL,
    category_checklist    VARCHAR(64)   NULL,
    call_score            DECIMAL(6,2)  NULL,
    scored_by             VARCHAR(64)   NULL,
    created_at            DATETIME      NULL,
    updated_at            DATETIME      NULL,
    PRIMARY KEY (id),
    KEY idx_call_scores_history (history_id),
    KEY idx_call_scores_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
