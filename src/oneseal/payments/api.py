"""Payments API: the platform's callback, staff lookup of an order, and the simulator's payer page.

`POST /notify` is called by the payment platform: no session, no CSRF token (ninja routers are
CSRF-exempt); its signature is its authentication, checked in `services.accept_notification`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema

from oneseal.kernel.errors import DomainError
from oneseal.kernel.schemas import ErrorOut

from . import selectors, services, simulator
from .models import OrderStatus, SimulatedPlatformOrder

router = Router(tags=["payments"])

CODE_PATTERN = r"^[0-9]{20}$"


class NotifyOut(Schema):
    result: str = Field(..., description='"ok": the notification was recorded; the platform stops retrying')


@router.post("/notify", response={200: NotifyOut, 400: ErrorOut},
             summary="Payment platform's signed payment notification (callback)")
def notify(request: HttpRequest):
    """Headers X-Payment-Timestamp, X-Payment-Nonce, X-Payment-Signature; body: canonical JSON
    {"status":"paid","payment_code","txn_id","amount_fen","paid_at"} (docs/payments.md)."""
    services.accept_notification(headers=request.headers, body=request.body)
    return {"result": "ok"}


class FeeLineOut(Schema):
    name: str
    amount_fen: int
    legal_basis: str


class OrderOut(Schema):
    payment_code: str
    reference: str
    payer_name: str
    lines: list[FeeLineOut]
    total_fen: int
    status: str
    issued_at: dt.datetime
    paid_at: dt.datetime | None
    refunded_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    provider: str
    provider_txn_id: str


@router.get("/orders/{payment_code}", response={200: OrderOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            summary="A payment order by its payment code (staff only)")
def order_detail(request: HttpRequest, payment_code: str = Path(..., pattern=CODE_PATTERN)):
    return selectors.order_by_code(user=request.user, payment_code=payment_code)


# --- the simulator's payer side (DEBUG or PAYMENT_SIMULATOR_ENABLED only) -----------------------

class SimulatedPaymentOut(Schema):
    payment_code: str
    txn_id: str


def _require_simulator() -> None:
    if not simulator.is_enabled():
        raise simulator.SimulatorNotFound("simulator_disabled", _("The payment simulator is not enabled."))


@router.post("/simulator/pay/{payment_code}",
             response={200: SimulatedPaymentOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Simulator: the payer pays an order (demo and tests only)")
def simulator_pay(request: HttpRequest, payment_code: str = Path(..., pattern=CODE_PATTERN)):
    _require_simulator()
    return {"payment_code": payment_code, "txn_id": simulator.pay(payment_code)}


_PAGE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{code}</p><p>{reference} · {payer}</p><p><strong>{amount}</strong></p>{action}</body></html>"""


@router.get("/simulator/page/{payment_code}", include_in_schema=False)
def simulator_pay_page(request: HttpRequest, payment_code: str):
    """A payer's page of the simulated platform: the order and a button that pays it (a form POST
    to the same address). Kept out of the OpenAPI document: it is HTML for people."""
    _require_simulator()
    entry = SimulatedPlatformOrder.objects.filter(payment_code=payment_code).first()
    if entry is None:
        raise simulator.SimulatorNotFound("unknown_payment_code", _("No order has this payment code."))
    if entry.paid_at:
        action = format_html("<p>{}</p>", gettext("Paid"))
    else:
        action = format_html('<form method="post"><button>{}</button></form>', gettext("Pay"))
    html = format_html(_PAGE, title=gettext("Payment platform simulator"), code=entry.payment_code,
                       reference=entry.reference, payer=entry.payer_name,
                       amount=f"¥{entry.amount_fen // 100}.{entry.amount_fen % 100:02d}", action=action)
    return HttpResponse(html)


@router.post("/simulator/page/{payment_code}", include_in_schema=False)
def simulator_pay_confirm(request: HttpRequest, payment_code: str):
    _require_simulator()
    try:
        simulator.pay(payment_code)
    except DomainError as exc:
        return HttpResponse(format_html("<p>{}</p>", exc.as_dict()["message"]), status=exc.status)
    return HttpResponse(format_html("<p>{} {}</p>", payment_code, OrderStatus.PAID.label))
