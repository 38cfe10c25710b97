"""The week ahead: interval forecasts of the KPI series, staffing from them, what-if scenarios and the report."""
