import threading

import pytest
from django.db import connection, connections, transaction

from oneseal.kernel import audit
from oneseal.kernel.models import AuditEntry


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer)")
def test_concurrent_appends_never_collide_and_keep_the_chain():
    errors = []
    barrier = threading.Barrier(4)

    def worker(n):
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    audit.record(actor=None, action="test.concurrent", data={"worker": n, "i": i})
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 100
    assert audit.verify_chain().ok
