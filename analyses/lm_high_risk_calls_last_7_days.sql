-- The client's high-risk query from shared/LM_SPEC.md, verbatim. It is MySQL SQL against the client's
-- database, where lm_value lives beside call_history (var lm_value_schema defaults to the source schema),
-- so it runs unchanged with that database as the connection's default
-- (pytests/test_analyses.py runs it so on MariaDB). It returns caller_number: that is the app's own query
-- on its own tables, not an LM output.
SELECT lv.history_id, ch.caller_number, lv.value_label
FROM lm_value lv
JOIN call_history ch ON ch.history_id = lv.history_id
WHERE lv.metric_code = 'churn_risk_level'
  AND lv.value_label = 'high'
  AND lv.created_at >= DATE_SUB(NOW(), INTERVAL 7 DAY);
