-- Contact-centre KPIs per call date, overall and by channel and by operator (grain tag: dimension).
-- Definitions and standards in _reports__models.yml; one aggregation over fct_calls (macros/stats).
{{ lm_kpi_view(by_hour=false) }}
