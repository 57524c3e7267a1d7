"""Domain events of the payments app, for apps that payments must not import (cases, bundles).

`order_paid` is sent once per order, after the transaction that marked it paid has committed, with
`sender=PaymentOrder`, `order=<PaymentOrder>` and `reference=<the order's reference>` (the case
number). A receiver must be idempotent: it may look the order up again and act only if it has not
acted on that payment code yet. A receiver's exception is logged and does not undo the payment.
"""

from django.dispatch import Signal

order_paid = Signal()
order_refunded = Signal()
