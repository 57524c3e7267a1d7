"""Every write to credit: one function per command, one transaction, one audit entry.

Split by part: `records` (subjects, records, lifting, repair, import), `commitments` (告知承诺 and its
verification), `inspections` (双随机一公开).
"""
