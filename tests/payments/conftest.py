import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat


@pytest.fixture(autouse=True)
def platform_key(settings):
    """A fresh simulated-platform key per test, configured the way an operator would (base64 raw)."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    settings.PAYMENT_SIMULATOR_PRIVATE_KEY = base64.b64encode(raw).decode()
    settings.PAYMENT_PLATFORM_PUBLIC_KEY = ""
    settings.PAYMENT_PROVIDER = "simulator"
    return key


@pytest.fixture
def immediate_tasks(settings):
    """Run django-tasks in-process, at enqueue time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("fee-clerk", password="x")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("finance", password="x", is_staff=True)


FEE_LINES = [
    {"name": "工本费", "amount_fen": 1000, "legal_basis": "《行政许可法》第五十八条"},
    {"name": "检验费", "amount_fen": 2550, "legal_basis": "鄂价费〔2019〕12号"},
]


@pytest.fixture
def issue(clerk):
    """Issue a payment order for a case number."""
    from oneseal.payments.services import issue_payment_order

    def make(reference="420683-20250301-0001", lines=None):
        return issue_payment_order(actor=clerk, reference=reference, payer_name="张三",
                                   payer_id="420683199001011234", lines=FEE_LINES if lines is None else lines)

    return make
