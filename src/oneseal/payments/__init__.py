"""Fees (缴费): payment orders for the provincial non-tax revenue payment platform, its signed
payment notifications, refunds and daily reconciliation. Depends only on the kernel."""
