"""Task tracking (任务跟踪): the plan's qualitative tasks, mechanisms and arrangements with their yearly
milestones, status, evidence, the departments' self-assessments and the province reviewer's scores,
which become measure items of the assessment rubric (docs/task-tracking.md)."""
