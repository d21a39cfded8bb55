"""Alarms (报警): exceedances of the permitted range on hourly averages, devices offline, and data-quality
alarms, with their lifecycle open → acknowledged → closed (docs/monitoring-analytics.md, "Alarms").

`detect` is pure (no Django): it turns hourly roll-up rows, device last-packet times and daily quality
figures into episodes. `models` stores them as `Alarm` rows with an append-only `AlarmEvent` history;
`ecer.services.alarms` decides who sees and handles which alarm.
"""

#: The background job that brings the roll-ups up to date, then detects alarms (handler in `job_handlers`,
#: queued by the scheduler `ecer.services.schedule`).
ROLLUP_ALARMS_JOB = "monitoring.rollup_alarms"
