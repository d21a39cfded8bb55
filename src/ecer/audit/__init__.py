"""The audit log (审计日志): who did what to which record, when, from where, with before and after
values. Append-only and tamper-evident: each entry carries the SHA-256 of the previous one
(`ecer.audit.chain`), and `ecer audit verify` recomputes the chain. Written only through
`ecer.services.audit.record`."""
