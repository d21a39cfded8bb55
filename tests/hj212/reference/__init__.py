"""Frozen copy of the HJ 212 codec as of commit 4317b39, before the speed work.

The differential test (tests/hj212/test_differential.py) checks that the optimised codec gives the
same verdict, reason, detail and parsed values as this copy on a large randomized corpus. Do not
edit these files to follow new behaviour: a deliberate behaviour change means removing the copy.
Only the imports differ from the original (relative, so the copy is self-contained; Reason and
Hj212Error are shared so verdicts compare directly), plus ONE deliberate behaviour change applied to
both copies: an empty ST (e.g. `ST=\x00\x00` once NULs are removed) is accepted with a warning and
the system type "unknown" (issue 7, 1.6), and a missing ST says "missing" instead of "missing or
empty". Everything else stays frozen.
"""
