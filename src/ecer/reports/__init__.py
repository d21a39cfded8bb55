"""Official reports (通报, 报告) as documents: a small document model (`document`), built by
`ecer.services.reports` from the services' results, and rendered to Word (`docx`), PDF (`pdf`, the
Word file laid out by LibreOffice) and Excel (`xlsx`). See docs/reports.md."""
