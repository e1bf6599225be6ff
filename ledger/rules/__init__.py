"""The tax rules: small pure functions over plain values (no database, no click, no clock).

One concept a module, each citing its sources (RULES.md beside SPEC.md):
``policy`` (section 0 settings), ``ira_pro_rata`` (Form 8606 Parts I-II), ``plan_split``
(Notice 2014-54), ``in_plan_rollover`` (§402A(c)(4)), ``ordering`` (Reg. 1.408A-6 A-8/A-9),
``qualified`` (§408A(d)(2)), ``recapture`` (§408A(d)(3)(F)), ``exceptions`` (§72(t)(2)),
``roth_distributions`` (Form 8606 Part III and Form 5329 Part I, with each figure's trace),
``apportion`` (proportional shares in whole cents).
"""
