from oneseal.catalog.diff import diff_versions


def _snap(**overrides):
    base = {"name": "食品经营许可", "legal_basis": "旧依据", "materials": [{"name": "申请书", "copies": 1}],
            "fees": [], "special_procedures": []}
    base.update(overrides)
    return base


def test_changed_field_shows_old_and_new():
    changes = diff_versions(_snap(), _snap(legal_basis="新依据"))
    assert [(c.field, c.kind, c.old, c.new) for c in changes] == [("legal_basis", "changed", "旧依据", "新依据")]


def test_materials_added_removed_and_changed_are_named():
    old = _snap(materials=[{"name": "申请书", "copies": 1}, {"name": "身份证", "copies": 1}])
    new = _snap(materials=[{"name": "申请书", "copies": 2}, {"name": "营业执照", "copies": 1}])
    kinds = {(c.row, c.kind) for c in diff_versions(old, new)}
    assert kinds == {("申请书", "changed"), ("营业执照", "added"), ("身份证", "removed")}


def test_identical_versions_have_no_changes():
    assert diff_versions(_snap(), _snap()) == []
